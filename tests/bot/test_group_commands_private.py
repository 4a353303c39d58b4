"""Private-only commands typed in the branch group run for real in the sender's private chat (member trial):
the member gets the answer itself there, the group sees nothing; someone the bot cannot write to — a stranger,
a member who blocked it — gets one neutral, throttled pointer, and the blocked member's command does no work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError, SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import QuizSession
from tests import factories
from tests.bot.study_helpers import MEMBER, db_of, join
from tests.factories import INVITE, SECRETARY_ID

GROUP = -1004445556
STRANGER = 10077  # never opened the bot
TYPING = timedelta(seconds=2)


@pytest.fixture
async def branch(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(
        tmp_path,
        database={"url": db_url},
        flood={"messages": 10_000, "per_seconds": 1},
        branches=[{"key": "csfz", "name": "城发中心党支部", "invite_code": INVITE, "secretaries": [SECRETARY_ID],
                   "group_chat_id": GROUP}],
    )
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "城发中心党支部")
    async with factories.offline_bot(settings, clock, api) as s:
        await join(s, MEMBER)
        s.api.add_user(STRANGER, "路人", started=False)
        yield s


async def in_group(s: OfflineSession, clock: FakeClock, user: int, text: str) -> list[SentMessage]:
    clock.advance(TYPING)
    return await s.send(user, text, chat_id=GROUP)


def quiz_sessions(s: OfflineSession) -> int:
    with db_of(s).session() as session:
        return len(session.exec(select(QuizSession)).all())


async def test_a_members_commands_typed_in_the_group_are_answered_in_private(
    branch: OfflineSession, clock: FakeClock
) -> None:
    s = branch
    for command in ("/me", "/wrong", "/today", "/plan", "/push", "/settime"):
        typed = await in_group(s, clock, MEMBER, command)
        clock.advance(TYPING)
        direct = await s.send(MEMBER, command)  # the same command typed in private, for comparison
        assert typed and all(m.chat_id == MEMBER for m in typed), command
        assert [m.plain for m in typed] == [m.plain for m in direct], command  # the real answer, not a note
    (ahead,) = await in_group(s, clock, MEMBER, "/study")  # moves on a snippet each time: not compared
    assert ahead.chat_id == MEMBER and "📖" in ahead.plain
    quiz = await in_group(s, clock, MEMBER, "/quiz")
    assert all(m.chat_id == MEMBER for m in quiz) and quiz[-1].button_list() and quiz_sessions(s) == 1
    assert s.api.messages_to(GROUP) == []
    probes = [c for c in s.api.calls_of("sendChatAction") if c.params.get("chat_id") == MEMBER]
    assert probes and all(c.error is None for c in probes)  # asked with "typing…", nothing shown in the group


async def test_a_secretarys_figures_and_files_go_to_their_private_chat(
    branch: OfflineSession, clock: FakeClock
) -> None:
    s = branch
    stats = await in_group(s, clock, SECRETARY_ID, "/stats")
    assert [m.chat_id for m in stats] == [SECRETARY_ID] and "张三" in stats[0].plain
    export = await in_group(s, clock, SECRETARY_ID, "/export")
    assert any(m.kind == "document" and m.chat_id == SECRETARY_ID for m in export)
    usage = await in_group(s, clock, SECRETARY_ID, "/attendance abc")
    assert [m.chat_id for m in usage] == [SECRETARY_ID] and "/attendance" in usage[0].plain
    refused = await in_group(s, clock, MEMBER, "/stats")
    assert [m.chat_id for m in refused] == [MEMBER] and "仅供支部书记" in refused[0].plain
    assert s.api.messages_to(GROUP) == []


async def test_a_blocked_member_gets_one_neutral_pointer_and_no_work_is_done(
    branch: OfflineSession, clock: FakeClock
) -> None:
    s = branch
    await s.feed(s.api.block(MEMBER))
    said = [m for command in ("/quiz", "/me", "/quiz", "/wrong") for m in await in_group(s, clock, MEMBER, command)]
    assert [m.chat_id for m in said] == [GROUP]  # one pointer, not four
    assert "/quiz" in said[0].plain and "张三" not in said[0].plain
    assert quiz_sessions(s) == 0  # the probe failed before the quiz began
    (stranger,) = await in_group(s, clock, STRANGER, "/me")
    assert stranger.chat_id == GROUP and stranger.plain.replace("/me", "") == said[0].plain.replace("/quiz", "")
    assert not [c for c in s.api.calls_of("sendChatAction") if c.params.get("chat_id") == STRANGER]  # no row


async def test_blocked_between_the_probe_and_the_answer_falls_back_to_the_pointer(
    branch: OfflineSession, clock: FakeClock
) -> None:
    s = branch
    s.api.fail_next("sendMessage", BotApiError.blocked(), chat_id=MEMBER)
    said = await in_group(s, clock, MEMBER, "/me")
    assert [m.chat_id for m in said] == [GROUP] and "/me" in said[0].plain
    assert [m.chat_id for m in await in_group(s, clock, MEMBER, "/me")] == [MEMBER]  # unblocked: answered again
