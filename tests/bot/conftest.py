"""End-to-end fixtures: the real Application, every handler registered, over the offline Bot API.

``session`` runs each test twice, on an SQLite file and on PostgreSQL (skipped with the reason when no
server is running), because what a member does must work the same on both stores.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories

QUIET_STUDY = {"push_time": "23:00", "nudge_time": "21:00"}


@pytest.fixture
async def session(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    # the daily study push and quiz nudge come late in the day, out of the way of other features' ticks
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    async with factories.offline_bot(settings, clock) as s:
        yield s
