"""A member found blocking the bot when a command typed in the group is to run in private (review R8): the
block stays recorded (``reachable`` off, which the outbox reads).  Typing in the group counted as contact
and switched it back on; the probe then learned of the block and kept it to itself.  The secretaries,
told once when the block happened, are not told again at each command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories
from tests.bot.study_helpers import MEMBER, join, member_of
from tests.factories import INVITE, SECRETARY_ID

GROUP = -1004445558


@pytest.fixture
async def branch(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(
        tmp_path, database={"url": db_url}, flood={"messages": 10_000, "per_seconds": 1},
        branches=[{"key": "csfz", "name": "城发中心党支部", "invite_code": INVITE, "secretaries": [SECRETARY_ID],
                   "group_chat_id": GROUP}])
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "城发中心党支部")
    async with factories.offline_bot(settings, clock, api) as s:
        await join(s, MEMBER)
        yield s


async def test_a_block_found_by_the_probe_is_recorded(branch: OfflineSession, clock: FakeClock) -> None:
    s = branch
    await s.feed(s.api.block(MEMBER))
    told = len(s.api.messages_to(SECRETARY_ID))
    for command in ("/me", "/quiz"):
        clock.advance(timedelta(minutes=6))  # past the pointer throttle
        said = await s.send(MEMBER, command, chat_id=GROUP)
        assert [m.chat_id for m in said] == [GROUP]  # the pointer
        assert member_of(s, MEMBER).reachable is False
    assert len(s.api.messages_to(SECRETARY_ID)) == told
