"""The bot's manners in the branch group (grouptrial G1–G8): it answers people aside, in their private chat,
and speaks in the group only to someone it cannot reach there — once, throttled, never saying who is a member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from bot.group_manners import PER_GROUP
from scheduler.clock import FakeClock
from tests import factories
from tests.bot.study_helpers import MEMBER, join, tick
from tests.factories import INVITE, SECRETARY_ID

GROUP = -1001234567
STRANGER = 10009  # never opened the bot
VISITOR = 10010  # opened the bot (/start without an invite): a pending applicant, no member yet
TYPING = timedelta(seconds=2)  # the pace of someone retyping a command


@pytest.fixture
async def branch(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(
        tmp_path,
        database={"url": db_url},
        branches=[
            {
                "key": "csfz",
                "name": "城发中心党支部",
                "invite_code": INVITE,
                "secretaries": [SECRETARY_ID],
                "group_chat_id": GROUP,
            }
        ],
    )
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "城发中心党支部")
    async with factories.offline_bot(settings, clock, api) as s:
        await join(s, MEMBER)
        s.api.add_user(STRANGER, "路人", started=False)
        s.api.add_user(VISITOR, "访客")
        await s.send(VISITOR, "/start")
        yield s


def in_group(replies: list[SentMessage]) -> list[SentMessage]:
    return [m for m in replies if m.chat_id == GROUP]


async def typed_in_group(s: OfflineSession, clock: FakeClock, user: int, text: str) -> list[SentMessage]:
    clock.advance(TYPING)
    return await s.send(user, text, chat_id=GROUP)


async def test_a_member_who_types_private_commands_in_the_group_is_answered_in_private(
    branch: OfflineSession, clock: FakeClock
) -> None:
    """G2: 24 × /help in 48 s used to be 24 group messages; a member with a private chat gets them there."""
    before = len(branch.api.messages_to(GROUP))
    for _ in range(24):
        replies = await typed_in_group(branch, clock, MEMBER, "/help")
        assert replies and all(m.chat_id == MEMBER for m in replies)
        assert "/quiz" in replies[0].plain  # /help itself, run in the private chat
    for command in ("/members", "/me", "/stats", "/quiz"):
        assert in_group(await typed_in_group(branch, clock, SECRETARY_ID, command)) == [], command
    assert len(branch.api.messages_to(GROUP)) == before


async def test_pointers_for_those_the_bot_cannot_reach_are_throttled(branch: OfflineSession, clock: FakeClock) -> None:
    """G2: someone without a private chat gets one pointer per few minutes; a group gets a few a minute."""
    said = [m for _ in range(24) for m in await typed_in_group(branch, clock, STRANGER, "/help")]
    assert len(said) == 1 and said[0].chat_id == GROUP and "私聊" in said[0].plain
    assert [b.url for b in said[0].button_list()] == ["https://t.me/zhibu_bot"]
    assert not [c for c in branch.api.calls if c.error is not None]  # no private message tried and refused
    clock.advance(timedelta(minutes=5))
    assert len(in_group(await typed_in_group(branch, clock, STRANGER, "/help"))) == 1  # forgiven after a while

    clock.advance(timedelta(minutes=5))
    newcomers = range(20001, 20001 + PER_GROUP + 3)
    for user in newcomers:
        branch.api.add_user(user, f"新人{user}", started=False)
    pointers = [m for user in newcomers for m in await branch.send(user, "/members", chat_id=GROUP)]
    assert len(pointers) == PER_GROUP  # all within a minute: the rest stay silent
    clock.advance(timedelta(minutes=1))
    assert len(await branch.send(newcomers[-1], "/members", chat_id=GROUP)) == 1


async def test_a_blocked_member_gets_the_pointer_in_the_group(branch: OfflineSession, clock: FakeClock) -> None:
    await branch.feed(branch.api.block(MEMBER))
    said = [m for _ in range(3) for m in await typed_in_group(branch, clock, MEMBER, "/me")]
    assert [m.chat_id for m in said] == [GROUP] and "/me" in said[0].plain  # once, not three times


async def test_start_with_an_invite_in_the_group_links_the_invite(branch: OfflineSession, clock: FakeClock) -> None:
    """G7: the 打开私聊 button carries the /start payload, so the invite need not be typed again — even
    right after a plain pointer, which would otherwise silence the next one."""
    assert len(await typed_in_group(branch, clock, STRANGER, "/help")) == 1
    (pointer,) = await typed_in_group(branch, clock, STRANGER, f"/start@zhibu_bot {INVITE}")
    assert pointer.chat_id == GROUP
    assert [b.url for b in pointer.button_list()] == [f"https://t.me/zhibu_bot?start={INVITE}"]
    clock.advance(timedelta(minutes=6))
    (odd,) = await typed_in_group(branch, clock, STRANGER, "/start 不是邀请码")
    assert [b.url for b in odd.button_list()] == ["https://t.me/zhibu_bot"]  # not a valid deep-link payload


async def test_group_quiz_mistakes_and_refusals_are_answered_in_private(
    branch: OfflineSession, clock: FakeClock
) -> None:
    """G3: the group sees only the secretary's success; nobody's membership is told in the group."""
    for text, expected in (("/groupquiz abc", "命令格式不对"), ("/groupquiz 9999", "没有可以发到群里")):
        (said,) = await typed_in_group(branch, clock, SECRETARY_ID, text)
        assert said.chat_id == SECRETARY_ID and expected in said.plain and "/groupquiz" in said.plain, text
    (refused,) = await typed_in_group(branch, clock, MEMBER, "/groupquiz")
    assert refused.chat_id == MEMBER and "仅供支部书记" in refused.plain
    (visitor,) = await typed_in_group(branch, clock, VISITOR, "/groupquiz")
    assert visitor.chat_id == VISITOR and "等待书记审批" in visitor.plain
    (stranger,) = await typed_in_group(branch, clock, STRANGER, "/groupquiz")
    assert stranger.chat_id == GROUP and "加入" not in stranger.plain and "书记" not in stranger.plain
    assert stranger.button_list()[0].url == "https://t.me/zhibu_bot"

    (asked,) = await typed_in_group(branch, clock, SECRETARY_ID, "/groupquiz")
    assert asked.chat_id == GROUP and "马上发出" in asked.plain and "实名作答" in asked.plain  # G1
    assert [m.chat_id for m in await tick(branch) if m.kind == "poll"] == [GROUP]
    (queued,) = await branch.send(SECRETARY_ID, "/groupquiz")
    assert "群成员能看到每人选了什么" in queued.plain  # G1: the secretary is told the votes are visible


async def test_a_check_in_code_typed_in_the_group_is_deleted_when_the_bot_may(
    branch: OfflineSession, clock: FakeClock
) -> None:
    """G5: the code disappears from the group (the bot is admin), and the answer says where to check in."""
    typed = branch.api.group_message_update(MEMBER, GROUP, "/checkin 1234")
    said = await branch.feed(typed)  # not an admin: the code cannot be deleted, and nothing breaks
    assert [m.chat_id for m in said] == [MEMBER] and "不要把签到码发到群里" in said[0].plain
    assert branch.api.deleted == []
    await branch.feed(branch.api.group_message_update(MEMBER, GROUP, "/checkin 1234"))
    assert len([c for c in branch.api.calls if c.method == "deleteMessage"]) == 1  # not asked again for a while

    branch.api.set_member_status(GROUP, branch.api.bot_user["id"], "administrator")  # made admin: tried again later
    clock.advance(timedelta(hours=1))
    for user in (MEMBER, STRANGER):
        typed = branch.api.group_message_update(user, GROUP, "/checkin 5678")
        said = await branch.feed(typed)
        assert (GROUP, typed["message"]["message_id"]) in branch.api.deleted
        assert len(said) == 1 and "不要把签到码发到群里" in said[0].plain
        assert said[0].chat_id == (MEMBER if user == MEMBER else GROUP)


async def test_a_mention_or_a_secretarys_file_in_the_group_gets_an_answer_aside(
    branch: OfflineSession, clock: FakeClock
) -> None:
    """G8: a mention gets the private note (or the throttled pointer); a secretary's file a private hint."""
    (note,) = await typed_in_group(branch, clock, MEMBER, "@ZhiBu_Bot 你好")
    assert note.chat_id == MEMBER and "/help" in note.plain
    (pointer,) = await typed_in_group(branch, clock, STRANGER, "你好 @zhibu_bot")
    assert pointer.chat_id == GROUP
    for text in ("大家好", "@zhibu_bot_fan 你好", "@someone 开会了"):
        assert await typed_in_group(branch, clock, MEMBER, text) == [], text

    upload = branch.api.document_update(SECRETARY_ID, "材料.md", "# 学习材料\n\n内容。".encode(), chat_id=GROUP)
    (hint,) = await branch.feed(upload)
    assert hint.chat_id == SECRETARY_ID and "没有加入学习材料" in hint.plain
    assert await branch.feed(branch.api.document_update(MEMBER, "照片.md", b"# x", chat_id=GROUP)) == []
    assert "材料.md" not in (await branch.send(SECRETARY_ID, "/materials"))[0].plain
