"""A private-only command typed in the group that fails while it runs in private (review R1): the apology
goes to the member's private chat, the admin chat is told, and the group hears nothing — PTB's error handler
still holds the group update and would have quoted the member's message there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories
from tests.bot.study_helpers import MEMBER, join
from tests.factories import INVITE, SECRETARY_ID

GROUP = -1004445557
ADMIN_CHAT = -1009990001


@pytest.fixture
async def branch(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(
        tmp_path,
        database={"url": db_url},
        flood={"messages": 10_000, "per_seconds": 1},
        telegram={"admin_chat_id": ADMIN_CHAT},
        branches=[{"key": "csfz", "name": "城发中心党支部", "invite_code": INVITE, "secretaries": [SECRETARY_ID],
                   "group_chat_id": GROUP}],
    )
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "城发中心党支部")
    api.add_group(ADMIN_CHAT, "admins")
    async with factories.offline_bot(settings, clock, api) as s:
        await join(s, MEMBER)
        yield s


async def test_a_server_error_on_the_private_answer_apologises_in_private_not_in_the_group(
    branch: OfflineSession, clock: FakeClock
) -> None:
    s = branch
    s.api.fail_next("sendMessage", BotApiError.server_error(), chat_id=MEMBER)
    clock.advance(timedelta(seconds=2))
    said = await s.send(MEMBER, "/me", chat_id=GROUP)
    assert s.api.messages_to(GROUP) == []
    (sorry,) = [m for m in said if m.chat_id != ADMIN_CHAT]  # the failed answer was never delivered
    assert sorry.chat_id == MEMBER and sorry.plain.startswith("抱歉")
    (report,) = s.api.messages_to(ADMIN_CHAT)
    assert "NetworkError" in report.plain


async def test_a_bug_in_the_moved_command_apologises_in_private(
    branch: OfflineSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.study as study

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(study, "progress_text", broken)
    clock.advance(timedelta(seconds=2))
    await branch.send(MEMBER, "/me", chat_id=GROUP)
    assert branch.api.messages_to(GROUP) == []
    assert branch.api.messages_to(MEMBER)[-1].plain.startswith("抱歉")
    (report,) = branch.api.messages_to(ADMIN_CHAT)
    assert "RuntimeError" in report.plain
