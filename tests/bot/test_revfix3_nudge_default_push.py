"""Review R3.12: the nudge comes an hour after the push also for members on the branch's default push time
(``study.push_time``), not only for those who chose one with /settime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import config_warnings
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories
from tests.bot.study_helpers import MEMBER, join, study_settings, tick
from tests.bot.test_study import at_local


@pytest.fixture(name="late_push")
async def late_push_fixture(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = study_settings(tmp_path, db_url, push_time="20:30", nudge_time="20:00")
    async with factories.offline_bot(settings, clock) as s:
        yield s


async def test_the_nudge_waits_an_hour_after_the_default_push(late_push: OfflineSession, clock: FakeClock) -> None:
    await join(late_push, MEMBER)
    at_local(clock, 20, 20, 0)
    assert not [m for m in await tick(late_push) if m.chat_id == MEMBER and "今天还没有答题" in m.plain]
    at_local(clock, 20, 20, 30)
    assert not [m for m in await tick(late_push) if m.chat_id == MEMBER and "今天还没有答题" in m.plain]
    at_local(clock, 20, 21, 29)
    assert not [m for m in await tick(late_push) if m.chat_id == MEMBER and "今天还没有答题" in m.plain]
    at_local(clock, 20, 21, 30)
    assert [m for m in await tick(late_push) if m.chat_id == MEMBER and "今天还没有答题" in m.plain]


def test_a_nudge_time_too_close_to_the_push_is_warned(tmp_path: Path) -> None:
    close = factories.settings(tmp_path, study={"push_time": "20:30", "nudge_time": "20:00"})
    assert any(w.startswith("study.nudge_time (20:00) is less than an hour after study.push_time (20:30)")
               for w in config_warnings(close))
    apart = factories.settings(tmp_path, study={"push_time": "08:00", "nudge_time": "20:00"})
    assert not any(w.startswith("study.nudge_time") for w in config_warnings(apart))
