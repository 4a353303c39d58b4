"""Two branches and a committee admin, driven as users would: who sees which roster, where the bot
answers, and buttons that must change nothing."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bot.app import FEATURES, build_application
from bot.context import SERVICES_KEY, Caller
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from bot.feature import Feature
from scheduler.clock import FakeClock
from storage import members as member_store
from storage.models import Member
from tests import factories

SEC_A, SEC_B, ADMIN, ADMIN_A_ONLY = 90001, 90002, 95000, 95001
MEMBER_A, MEMBER_B = 10001, 10002
GROUP_A = -100500
CODE_A, CODE_B = factories.INVITE, "yizhibu2026"


def two_branches(tmp_path: Path, db_url: str, **overrides: Any) -> Any:
    return factories.settings(
        tmp_path, database={"url": db_url},
        branches=[
            {"key": "jia", "name": "甲支部", "invite_code": CODE_A, "secretaries": [SEC_A], "group_chat_id": GROUP_A},
            {"key": "yi", "name": "乙支部", "invite_code": CODE_B, "secretaries": [SEC_B]},
        ],
        committee_admins=[ADMIN, {"id": ADMIN_A_ONLY, "branches": ["jia"]}],
        **overrides,
    )


async def _people(s: OfflineSession) -> None:
    for user, name in ((SEC_A, "甲书记"), (SEC_B, "乙书记"), (ADMIN, "党委"), (ADMIN_A_ONLY, "甲片区党委"),
                       (MEMBER_A, "张三"), (MEMBER_B, "李四")):
        s.api.add_user(user, name)
    for user in (SEC_A, SEC_B, ADMIN, ADMIN_A_ONLY):
        await s.send(user, "/start")
    await s.send(MEMBER_A, f"/start {CODE_A}")
    await s.send(MEMBER_B, f"/start {CODE_B}")


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with factories.offline_bot(two_branches(tmp_path, db_url), clock) as s:
        await _people(s)
        yield s


def member_id(roster: str, name: str) -> str:
    found = re.search(rf"#(\d+) <b>{name}|#(\d+) {name}", roster)
    assert found, roster
    return found.group(1) or found.group(2)


async def test_admin_sees_both_rosters_and_a_secretary_only_theirs(world: OfflineSession) -> None:
    both = (await world.send(ADMIN, "/members"))[0].plain
    assert "甲支部" in both and "乙支部" in both and "张三" in both and "李四" in both
    assert "党委" not in both.split("名册")[1]  # an admin is not a member of a branch by being one
    only_yi = (await world.send(ADMIN, "/members yi"))[0].plain
    assert "李四" in only_yi and "张三" not in only_yi
    listed = (await world.send(ADMIN_A_ONLY, "/members"))[0].plain
    assert "张三" in listed and "李四" not in listed and "乙支部" not in listed
    mine = (await world.send(SEC_A, "/members"))[0].plain
    assert "张三" in mine and "李四" not in mine and "乙支部" not in mine
    assert "格式不对" in (await world.send(SEC_A, "/members yi"))[0].plain
    other = member_id(only_yi, "李四")
    for command in (f"/remove {other}", f"/standing {other} 预备", f"/setrole {other} 书记", f"/approve {other}"):
        assert f"没有编号为 {other}" in (await world.send(SEC_A, command))[0].plain, command
    assert "没有编号为" in (await world.send(ADMIN_A_ONLY, f"/remove {other}"))[0].plain


async def test_forged_buttons_change_nothing(world: OfflineSession, caplog: pytest.LogCaptureFixture) -> None:
    only_yi = (await world.send(ADMIN, "/members yi"))[0].plain
    other = member_id(only_yi, "李四")
    message = (await world.send(SEC_A, "/help"))[0]
    for data in (f"v1:mem:rm:{other}", f"v1:mem:sp:{other}", f"v1:reg:r:{other}", "v1:join:b:99999999999999999999",
                 "v1:reg:a:2147483648", "v1:mem:rm:-1", "v1:mem:rm:1e3", "v1:mem:zz:1", "v1:adm:b:1",
                 "v1:mem:rm", "v1::", "v1:mem:rm:1:2:3:4", "\x00v1:mem", "v1:mem:no:1"):
        sent = await world.feed(world.api.callback_update(SEC_A, message.message_id, data))
        assert not [m for m in sent if m.kind == "edit"], data  # the /help message is not rewritten
    assert not world.api.unanswered_callbacks()
    assert "error while handling update" not in caplog.text
    answers = [a.get("text") or "" for a in world.api.callback_answers.values()]
    assert all("出了点问题" not in a for a in answers), answers
    roster_b = (await world.send(SEC_B, "/members"))[0].plain
    assert "李四 · 党员 · 正式党员 · 在册" in roster_b and "已移出" not in roster_b


async def test_admin_chooses_the_branch_and_a_double_tap_is_no_error(world: OfflineSession) -> None:
    choose = await world.send(ADMIN, "/branch")
    assert [b.text for b in choose[0].button_list()] == ["✅ 甲支部", "乙支部"]
    data = choose[0].button_list()[1].callback_data
    # a double tap: both presses leave the phone before the first edit arrives
    taps = [world.api.callback_update(ADMIN, choose[0].message_id, data) for _ in range(2)]
    chosen = await world.feed(taps[0])
    assert any(r.kind == "edit" and "乙支部" in r.plain for r in chosen)
    await world.feed(taps[1])  # the same edit again: Telegram says "not modified", which is fine
    answers = [a.get("text") or "" for a in world.api.callback_answers.values()]
    # both answered; no toast repeats the 已切换到 乙支部 the message now reads (trial T19)
    assert len(answers) == 2 and all(a == "" for a in answers), answers
    svc = world.app.bot_data[SERVICES_KEY]
    row: Member | None = await svc.db.run(member_store.find_member, tg_user_id=ADMIN)
    yi = await svc.db.run(member_store.branch_by_key, key="yi")
    assert row is not None and yi is not None and row.acting_branch_id == yi.id
    assert [b.text for b in (await world.send(ADMIN, "/branch"))[0].button_list()] == ["甲支部", "✅ 乙支部"]
    assert "仅供党委管理员使用" in (await world.send(SEC_A, "/branch"))[0].plain  # secretaries have one branch


async def test_secretary_commands_answer_only_in_private(world: OfflineSession) -> None:
    world.api.add_group(GROUP_A, "甲支部群")
    answered: dict[str, list[SentMessage]] = {}
    for text in ("/members", "/bank", "/approve 1", "/whoami", "/lang en", "/help"):
        replies = answered[text] = await world.feed(world.api.group_message_update(SEC_A, GROUP_A, text))
        assert replies and all(m.chat_id == SEC_A for m in replies), text  # run in private, nothing in the group
    assert "张三" in answered["/members"][0].plain  # the real answers, in private
    assert any(m.kind == "document" for m in answered["/bank"])
    member = await world.feed(world.api.group_message_update(MEMBER_A, GROUP_A, "/members"))
    # a member is told privately that /members is not theirs, not asked to send it again there (W7)
    assert [m.chat_id for m in member] == [MEMBER_A] and "仅供支部书记使用" in member[0].plain
    assert world.api.messages_to(GROUP_A) == []
    assert "张三" in (await world.send(SEC_A, "/members"))[0].plain  # still works in private


async def test_an_active_member_is_in_one_branch_and_moves_by_transfer(world: OfflineSession) -> None:
    newcomer = 10003
    world.api.add_user(newcomer, "王五")
    await world.send(newcomer, "/start")
    await world.press(newcomer, 2)  # asks to join 乙
    request = [m for m in world.api.messages_to(SEC_B) if "王五" in m.plain][-1]
    joined = await world.send(newcomer, f"/start {CODE_A}")  # then joins 甲 with its invite
    assert "甲支部" in joined[0].plain
    pending_id = request.plain.split("编号：")[1].split()[0]
    refused = await world.send(SEC_B, f"/approve {pending_id}")
    assert "已经处理过了" in refused[0].plain
    roster_b = (await world.send(SEC_B, "/members"))[0].plain
    assert "王五" not in roster_b
    assert "甲支部" in (await world.send(newcomer, f"/start {CODE_B}"))[0].plain  # already in 甲
    moved_id = member_id((await world.send(SEC_A, "/members"))[0].plain, "王五")
    ask = await world.send(SEC_A, f"/transfer {moved_id} yi")
    assert "乙支部" in ask[0].plain
    done = await world.press(SEC_A, 1)
    assert any(r.chat_id == newcomer and "乙支部" in r.plain for r in done)
    assert any(r.chat_id == SEC_B and "王五" in r.plain for r in done)
    assert "王五 · 党员 · 正式党员 · 在册" in (await world.send(SEC_B, "/members"))[0].plain
    roster_a = (await world.send(SEC_A, "/members"))[0].plain
    assert "王五 · " not in roster_a and "已移出" in roster_a


async def test_deep_links_go_to_their_feature_never_to_the_invite_path(
    tmp_path: Path, clock: FakeClock, db_url: str
) -> None:
    seen: list[str] = []

    async def check_in(update: Any, context: Any, caller: Caller, rest: str) -> None:
        seen.append(rest)

    # a stand-in for the meetings feature's check-in link (the real one is tested in tests/bot/test_meetings.py)
    others = tuple(f for f in FEATURES[:-1] if "ci_" not in f.deep_links)
    features = (*others, Feature(name="checkin", deep_links={"ci_": check_in}), FEATURES[-1])
    factory = partial(build_application, two_branches(tmp_path, db_url), features=features)
    async with OfflineSession(factory, api=FakeBotApi(clock=clock), clock=clock) as s:
        s.api.add_user(MEMBER_A, "张三")
        assert await s.send(MEMBER_A, "/start ci_42") == []
        assert seen == ["42"]
        assert "链接无效" in (await s.send(MEMBER_A, "/start q_7"))[0].plain  # reserved, not an invite code
        assert "邀请码无效" in (await s.send(MEMBER_A, "/start nonsense"))[0].plain
    twice = (*features, Feature(name="again", deep_links={"ci_": check_in}))
    with pytest.raises(RuntimeError, match="twice"):
        build_application(two_branches(tmp_path, db_url), features=twice, request=s.request())


async def test_whoami_tells_anyone_their_id(world: OfflineSession, caplog: pytest.LogCaptureFixture) -> None:
    world.api.add_user(10077, "路人")
    with caplog.at_level(logging.INFO):
        reply = (await world.send(10077, "/whoami"))[0].plain
    assert "10077" in reply


def test_admin_entries_take_a_plain_id_or_listed_branches(tmp_path: Path) -> None:
    from bot.config import Settings

    settings = two_branches(tmp_path, "sqlite:///x")
    assert [(a.id, a.branches) for a in settings.committee_admins] == [(ADMIN, ()), (ADMIN_A_ONLY, ("jia",))]
    data = factories.config_dict(tmp_path, committee_admins=[{"id": 1, "branches": ["nope"]}])
    with pytest.raises(ValueError, match="committee_admins"):
        Settings.model_validate(data)
