"""Review 1's findings on meetings, end to end: a secretary's own confirmation counts as what he has seen
(R1); the check-in screen, /checkincode and /checkin share one end of check-in (R5); a screen's production
timer stops only itself and survives a passing error (R6); the caption says the configured period and a
superseded screen says it is replaced (R7)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from telegram.ext import CallbackContext, Job

from bot import code_screen
from bot.context import SERVICES_KEY
from bot.fakeapi.records import BotApiError, SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests import factories
from tests.bot import test_meetings_trial3 as trial3
from tests.bot.conftest import QUIET_STUDY
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows, svc_of
from tests.bot.test_meetings_trial2 import _code
from tests.bot.test_meetings_trial3 import LINE, _meeting, _to
from tests.factories import SECRETARY_ID

two_secretaries = trial3.two_secretaries  # the fixture: the branch with a second secretary, 王五

SHORT = LINE + " | 15分钟"  # 14:30–14:45 local; check-in stays open 14:00–15:00


def _local(hour: int, minute: int, second: int = 5) -> datetime:
    """That time on the meeting's day (2026-03-25, Asia/Shanghai), as the clock's UTC."""
    return datetime(2026, 3, 25, hour - 8, minute, second, tzinfo=UTC)


def _changes(sent: list[SentMessage], chat: int) -> list[str]:
    return [m.plain for m in _to(sent, chat) if "会议有变动" in m.plain]


async def test_each_secretary_is_told_what_changed_since_his_own_confirmation(
    two_secretaries: OfflineSession, clock: FakeClock
) -> None:
    s = two_secretaries
    await join(s)
    await s.send(SECRETARY_ID, LINE)
    assert _to(await deliver(s), SECRETARY_ID) == []  # his confirmation was his notice
    mid = rows(s, Meeting)[0].id

    await s.send(WANG, f"/meeting {mid} 地点 二楼会议室")
    sent = await deliver(s)
    told = _changes(sent, SECRETARY_ID)
    assert len(told) == 1 and "三楼会议室 → 二楼会议室" in told[0]  # the creator, like 张三
    assert any("三楼会议室 → 二楼会议室" in m for m in _changes(sent, ZHANG)) and _to(sent, WANG) == []

    clock.advance(timedelta(minutes=1))
    await s.send(SECRETARY_ID, f"/meeting {mid} 主题 动员部署会（调整）")
    told = _changes(await deliver(s), WANG)
    # 王五's own edit of the place was in his confirmation: only the topic is news to him
    assert len(told) == 1 and "动员部署会 → 动员部署会（调整）" in told[0] and "三楼会议室" not in told[0]

    clock.advance(timedelta(minutes=1))
    await s.send(WANG, f"/meeting {mid} 地点 一楼会议室")
    told = _changes(await deliver(s), SECRETARY_ID)
    assert len(told) == 1 and "二楼会议室 → 一楼会议室" in told[0] and told[0].count("→") == 1


async def test_later_occurrences_of_his_series_reach_the_creator_like_everyone(
    two_secretaries: OfflineSession, clock: FakeClock
) -> None:
    s = two_secretaries
    await join(s)
    created = (await s.send(SECRETARY_ID, LINE + " | 每月"))[-1].plain
    assert "3月25日" in created and "4月25日" not in created  # his confirmation shows the first only
    batches = [await deliver(s)]
    clock.set(datetime(2026, 4, 21, 1, 0, tzinfo=UTC))  # before the second one's 3-day reminder
    batches.append(await deliver(s))

    def notices(sent: list[SentMessage], chat: int) -> list[SentMessage]:
        return [m for m in _to(sent, chat) if "会议通知" in m.plain and "4月25日" in m.plain]

    assert [len(notices(b, SECRETARY_ID)) for b in batches] == [len(notices(b, ZHANG)) for b in batches]
    mine = [m for b in batches for m in notices(b, SECRETARY_ID)]
    assert len(mine) == 1 and [b.text for b in mine[0].button_list()][:2] == ["✅ 参加", "📝 请假"]
    assert not [m for m in _to(batches[0], SECRETARY_ID) if "3月25日" in m.plain]  # the one he saw: no notice


async def test_a_short_meeting_keeps_check_in_open_until_the_window_closes(
    session: OfflineSession, clock: FakeClock
) -> None:
    await join(session)
    await session.send(SECRETARY_ID, SHORT)
    await deliver(session)
    mid = rows(session, Meeting)[0].id
    clock.set(_local(14, 40))
    screen = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]

    clock.set(_local(14, 50))  # the meeting ended at 14:45; check-in is open until 15:00
    edits = [m for m in await deliver(session) if m.kind == "edit" and m.message_id == screen.message_id]
    assert len(edits) == 1 and "签到已结束" not in edits[0].plain
    again = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert "已经结束" not in again.plain and again.file_bytes
    came = (await session.send(ZHANG, f"/checkin {_code(again.plain)}"))[0].plain
    assert "签到成功" in came and "迟到" in came

    clock.set(_local(15, 0))
    closed = [m for m in await deliver(session) if m.kind == "edit" and m.message_id == again.message_id]
    assert len(closed) == 1 and "签到已结束" in closed[0].plain and "14:00–15:00 已过" in closed[0].plain
    over = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain
    assert "已经结束" in over  # now it is over, for the screen and the command alike
    assert "签到码不对" not in (await session.send(WANG, "/checkin 0000"))[0].plain


@pytest.fixture
async def slow_codes(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    """A branch whose check-in code changes every two minutes."""
    settings = factories.settings(
        tmp_path, database={"url": db_url}, study=QUIET_STUDY, meeting_options={"code_seconds": 120}
    )
    async with factories.offline_bot(settings, clock) as s:
        yield s


async def test_the_screen_says_the_configured_period_and_a_superseded_one_says_so(
    slow_codes: OfflineSession, clock: FakeClock
) -> None:
    s = slow_codes
    await join(s)
    await s.send(SECRETARY_ID, LINE)
    await deliver(s)
    mid = rows(s, Meeting)[0].id
    clock.set(_local(14, 20))
    first = (await s.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert "每 2 分钟自动换成" in first.plain and "每分钟" not in first.plain
    clock.advance(timedelta(minutes=5))
    stale = (await s.send(ZHANG, f"/checkin {_code(first.plain)}"))[0].plain
    assert "每 2 分钟更换" in stale

    sent = await s.send(SECRETARY_ID, f"/checkincode {mid}")  # a newer screen in the same chat
    second = next(m for m in sent if m.kind != "edit")
    replaced = [m for m in sent if m.kind == "edit" and m.message_id == first.message_id]
    assert len(replaced) == 1 and "此签到码已停用" in replaced[0].plain and replaced[0].button_list() == []
    clock.advance(timedelta(minutes=3))
    edits = [m for m in await deliver(s) if m.kind == "edit"]
    assert [m.message_id for m in edits] == [second.message_id]  # only the live one is kept current


def _screen(s: OfflineSession) -> code_screen.Screen:
    screens: dict[int, code_screen.Screen] = s.app.bot_data[code_screen.SCREENS_KEY]
    return screens[SECRETARY_ID]


async def _run(s: OfflineSession, job: Job[Any]) -> None:
    """What the JobQueue does when the job is due: its callback, with the context PTB builds for it."""
    await code_screen._job(CallbackContext.from_job(job, s.app))


def _jobs(s: OfflineSession, screen: code_screen.Screen) -> list[Job[Any]]:
    """The screen's scheduled job(s), taken off the wall clock: the test runs them by the driven clock."""
    assert s.app.job_queue is not None
    jobs = list(s.app.job_queue.get_jobs_by_name(f"{code_screen.JOB_PREFIX}{screen.chat_id}:{screen.message_id}"))
    for job in jobs:
        job.schedule_removal()
    return jobs


async def _timed_meeting(session: OfflineSession, monkeypatch: pytest.MonkeyPatch) -> int:
    """The meeting of ``LINE``, with the production timer on: screens schedule their own JobQueue jobs."""
    mid = await _meeting(session)
    monkeypatch.setitem(session.app.bot_data, SERVICES_KEY, replace(svc_of(session), schedule_jobs=True))
    return mid


async def test_the_production_timer_logs_a_database_error_and_tries_again(
    session: OfflineSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    mid = await _timed_meeting(session, monkeypatch)
    clock.set(_local(14, 20))
    shown = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    screen = _screen(session)
    [job] = _jobs(session, screen)
    assert job.data is screen

    real = code_screen.render

    async def failing(*args: Any, **kwargs: Any) -> code_screen.Rendered:
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(code_screen, "render", failing)
    clock.advance(timedelta(minutes=1))
    with caplog.at_level(logging.WARNING, logger=code_screen.__name__):
        await _run(session, job)
    assert [r.getMessage() for r in caplog.records if "not refreshed" in r.getMessage()] != []
    assert _screen(session) is screen  # kept, and timed again
    [retry] = _jobs(session, screen)

    monkeypatch.setattr(code_screen, "render", real)
    clock.advance(timedelta(minutes=1))
    edited = await session.run(lambda: _run(session, retry))
    assert [m.message_id for m in edited if m.kind == "edit"] == [shown.message_id]
    assert len(_jobs(session, screen)) == 1  # and on it goes


async def test_an_old_screen_failing_does_not_stop_the_newer_one(
    session: OfflineSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = await _timed_meeting(session, monkeypatch)
    clock.set(_local(14, 20))
    await session.send(SECRETARY_ID, f"/checkincode {mid}")
    newer = _screen(session)
    _jobs(session, newer)
    # an older screen whose photo was deleted is mid-refresh when the newer one takes over the chat
    older = replace(newer, message_id=newer.message_id - 100, until=clock.now())
    screens: dict[int, code_screen.Screen] = session.app.bot_data[code_screen.SCREENS_KEY]
    screens[SECRETARY_ID] = older
    real = code_screen.render

    async def overtaken(*args: Any, **kwargs: Any) -> code_screen.Rendered:
        rendered = await real(*args, **kwargs)
        screens[SECRETARY_ID] = newer
        return rendered

    monkeypatch.setattr(code_screen, "render", overtaken)
    session.api.fail_next(
        "editMessageMedia", BotApiError.bad_request("message to edit not found"), chat_id=SECRETARY_ID
    )
    clock.advance(timedelta(minutes=1))
    await _run(session, Job(code_screen._job, data=older, chat_id=SECRETARY_ID))
    assert _screen(session) is newer
