"""End-to-end fixtures: the real Application, every handler registered, over the offline Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest

from bot.app import build_application
from bot.offline.api import FakeBotApi
from bot.offline.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories


@pytest.fixture
async def session(tmp_path: Path, clock: FakeClock) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(tmp_path)
    api = FakeBotApi(clock=clock)
    async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as s:
        yield s
