"""Meeting notices end to end, through the offline Bot API with the driven clock: the example meeting's notice
and three reminders arrive at the right local times, and a restart between two reminders sends each once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot import ticker
from bot.app import build_application
from bot.config import Settings
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.factories import INVITE, SECRETARY_ID

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")
ZHANG, WANG = 10001, 10002
HEADS = {"会议通知": "notice", "会议提醒": "reminder"}


def _example(tmp_path: Path, db_url: str) -> Settings:
    """The shipped example configuration, with a secretary to approve and the study push out of the way."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    data["data_dir"] = str(tmp_path / "data")
    data["database"] = {"url": db_url}
    data["branches"][0]["secretaries"] = [SECRETARY_ID]
    data["study"] = {**(data.get("study") or {}), **QUIET_STUDY}
    return Settings.model_validate(data)


async def _join(s: OfflineSession, invite: str) -> None:
    s.api.add_user(SECRETARY_ID, "李", last_name="书记")
    await s.send(SECRETARY_ID, "/start")
    for tg, name in ((ZHANG, "张三"), (WANG, "王五")):
        s.api.add_user(tg, name)
        await s.send(tg, f"/start {invite}")


def _what(message: SentMessage) -> str | None:
    return next((what for head, what in HEADS.items() if head in message.plain), None)


async def _tick(s: OfflineSession, seen: list[tuple[int, str, str]], clock: FakeClock) -> None:
    for message in await s.run(lambda: ticker.tick(s.app)):
        what = _what(message)
        if what is not None:
            seen.append((message.chat_id, what, clock.now().astimezone(TZ).strftime("%m-%d %H:%M")))


def _of(seen: list[tuple[int, str, str]], chat: int) -> list[tuple[str, str]]:
    return [(what, at) for who, what, at in seen if who == chat]


async def test_the_example_meeting_notice_and_three_reminders_arrive_at_local_times(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    settings = _example(tmp_path, db_url)
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai, five days before the meeting
    seen: list[tuple[int, str, str]] = []
    async with OfflineSession(partial(build_application, settings), api=FakeBotApi(clock=clock), clock=clock) as s:
        await _join(s, settings.branches[0].invite_code)
        while clock.now() < datetime(2026, 3, 25, 7, 0, tzinfo=UTC):  # past the start: nothing more comes
            await _tick(s, seen, clock)
            clock.advance(timedelta(minutes=30))  # the tick runs every 30 s; each half hour is enough here
    expected = [("notice", "03-20 09:00"), ("reminder", "03-22 14:30"), ("reminder", "03-24 14:30"),
                ("reminder", "03-25 12:30")]
    for chat in (SECRETARY_ID, ZHANG, WANG):
        assert _of(seen, chat) == expected


async def test_a_restart_between_two_reminders_sends_each_once(tmp_path: Path, db_url: str, clock: FakeClock
                                                               ) -> None:
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    api = FakeBotApi(clock=clock)
    seen: list[tuple[int, str, str]] = []
    start: Callable[[], OfflineSession] = lambda: OfflineSession(  # noqa: E731
        partial(build_application, settings), api=api, clock=clock)
    async with start() as s:
        await _join(s, INVITE)
        await s.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 专题党课")
        await _tick(s, seen, clock)
        clock.set(datetime(2026, 3, 22, 6, 30, tzinfo=UTC))  # the 3-day reminder
        await _tick(s, seen, clock)
    # the bot is down, then starts again (a new application on the same database and chats) ...
    clock.set(datetime(2026, 3, 23, 1, 0, tzinfo=UTC))
    async with start() as s:
        await _tick(s, seen, clock)  # ... nothing is due again
        clock.set(datetime(2026, 3, 24, 6, 30, tzinfo=UTC))  # the 1-day reminder
        await _tick(s, seen, clock)
        clock.advance(timedelta(minutes=1))
        await _tick(s, seen, clock)
    for chat in (SECRETARY_ID, ZHANG, WANG):
        # the secretary who created it had his confirmation instead of the notice (trial V3)
        notice = [] if chat == SECRETARY_ID else [("notice", "03-20 09:00")]
        assert _of(seen, chat) == [*notice, ("reminder", "03-22 14:30"), ("reminder", "03-24 14:30")]
        sent = [m for m in api.messages_to(chat) if _what(m)]
        assert len(sent) == len(notice) + 2  # what the chat holds: nothing twice
