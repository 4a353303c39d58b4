"""Shared steps of the check-in screen restart tests: a restartable offline bot and a screen shown inside
the check-in window of a meeting (the same steps ``test_code_screen_restart`` takes)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.test_meetings import deliver, join, rows
from tests.factories import SECRETARY_ID

OPEN = datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC)  # 14:20:05 local, check-in open for the 14:30 meeting


def starter(tmp_path: Path, db_url: str, clock: FakeClock) -> tuple[FakeBotApi, Callable[..., OfflineSession]]:
    """The fake Telegram, and a start of the bot over it and one database (``overrides``: the config's)."""
    api = FakeBotApi(clock=clock)

    def start(**overrides: Any) -> OfflineSession:
        settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY, **overrides)
        return OfflineSession(partial(build_application, settings), api=api, clock=clock)

    return api, start


def caption(api: FakeBotApi, message_id: int) -> str:
    return str(api.world.messages[(SECRETARY_ID, message_id)].json.get("caption", ""))


def code(text: str) -> str:
    found = re.search(r"签到码 (\d{4})", text)
    assert found is not None, text
    return found[1]


async def screen(s: OfflineSession, clock: FakeClock) -> tuple[int, int]:
    """A meeting and its screen, shown inside the check-in window: (meeting id, screen message id)."""
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(s, Meeting)[0].id
    await deliver(s)
    clock.set(OPEN)
    shown = (await s.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    return mid, shown.message_id
