"""Review R2.15: with a 30-day 补学 lookback, every tick (20 s) rebuilt the roster of every meeting of the
last month.  Now a tick looks back a few days; the whole lookback is swept at a process's first tick (the
bot-was-down case, trial T17) and then hourly — a late correction still gets its 补学, within the hour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.fakeapi.session import OfflineSession
from scheduler import reminders
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG, ZHANG, deliver
from tests.bot.test_meetings_trial3 import _meeting


@pytest.fixture
def rebuilt(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The meeting ids whose roster a tick rebuilt for 补学, in order."""
    seen: list[int] = []
    real = reminders.assign_makeup

    def counting(**kwargs: Any) -> list[int]:
        seen.append(kwargs["meeting"].id)
        return real(**kwargs)
    monkeypatch.setattr(reminders, "assign_makeup", counting)
    yield seen


async def test_an_old_meeting_is_revisited_hourly_not_every_tick(
        session: OfflineSession, clock: FakeClock, rebuilt: list[int]) -> None:
    mid = await _meeting(session)  # 03-25 14:30, nobody checks in
    clock.set(datetime(2026, 4, 10, 1, 0, tzinfo=UTC))  # 16 days later: the long sweep sends the 补学
    assert {m.chat_id for m in await deliver(session) if "补学" in m.plain} >= {ZHANG, WANG}
    assert mid in rebuilt
    rebuilt.clear()
    for _ in range(3):  # the next ticks, 20 s apart: the old meeting is not rebuilt
        clock.advance(timedelta(seconds=20))
        await deliver(session)
    assert mid not in rebuilt
    clock.advance(timedelta(hours=1, seconds=1))  # the hourly sweep takes the meeting up again (a late mark)
    await deliver(session)
    assert mid in rebuilt
