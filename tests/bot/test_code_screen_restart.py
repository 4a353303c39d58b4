"""The check-in screen survives a restart (user trial, meetfix2 point 2).

Before: ``/checkincode`` screens lived only in memory, so a bot restarted inside the check-in window left the
screen showing a code that had long rotated, for good.  Now each screen is recorded (an already-sent outbox
row) and resumed on start: redrawn with the code of the moment while check-in is open, given its closing
edit if it ended meanwhile, and not resumed at all once it has stopped or was replaced."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

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


def _starter(tmp_path: Path, db_url: str, clock: FakeClock) -> tuple[FakeBotApi, Callable[[], OfflineSession]]:
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    api = FakeBotApi(clock=clock)
    return api, lambda: OfflineSession(partial(build_application, settings), api=api, clock=clock)


def _caption(api: FakeBotApi, message_id: int) -> str:
    return str(api.world.messages[(SECRETARY_ID, message_id)].json.get("caption", ""))


def _code(text: str) -> str:
    found = re.search(r"签到码 (\d{4})", text)
    assert found is not None, text
    return found[1]


async def _screen(s: OfflineSession, clock: FakeClock) -> tuple[int, int]:
    """A meeting and its screen, shown inside the check-in window: (meeting id, screen message id)."""
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(s, Meeting)[0].id
    await deliver(s)
    clock.set(OPEN)
    shown = (await s.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    return mid, shown.message_id


async def test_a_screen_goes_on_rotating_after_a_restart_inside_the_window(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    api, start = _starter(tmp_path, db_url, clock)
    async with start() as s:
        _mid, screen = await _screen(s, clock)
        before = _code(_caption(api, screen))
    clock.advance(timedelta(minutes=3))  # the process is down while the code rotates
    async with start() as s:
        resumed = _caption(api, screen)
        assert _code(resumed) != before and "14:24:00 前有效" in resumed, resumed  # redrawn on start
        clock.advance(timedelta(minutes=1))
        await deliver(s)
        assert "14:25:00 前有效" in _caption(api, screen)  # and it keeps rotating


async def test_a_screen_whose_window_ended_while_down_gets_its_closing_edit(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    api, start = _starter(tmp_path, db_url, clock)
    async with start() as s:
        _mid, screen = await _screen(s, clock)
    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # 16:30 local: check-in closed at 15:00
    async with start():
        closed = _caption(api, screen)
        assert "签到已结束" in closed and not re.search(r"签到码 \d{4}", closed), closed
        assert not api.world.messages[(SECRETARY_ID, screen)].json.get("reply_markup")  # no 🔄 any more
        edits = len(api.calls_of("editMessageCaption"))
    async with start():  # closed is closed: a further restart leaves it alone
        assert len(api.calls_of("editMessageCaption")) == edits


async def test_only_the_chats_newest_screen_is_resumed(tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    api, start = _starter(tmp_path, db_url, clock)
    async with start() as s:
        mid, older = await _screen(s, clock)
        newer = (await s.send(SECRETARY_ID, f"/checkincode {mid}"))[0].message_id
        replaced = _caption(api, older)
    clock.advance(timedelta(minutes=2))
    async with start():
        assert _caption(api, older) == replaced  # told once that it was replaced; not brought back
        assert "14:23:00 前有效" in _caption(api, newer)
