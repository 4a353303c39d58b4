"""Trial T10: cancelling one occurrence of a monthly series says the series goes on; /meetings lists a
cancelled meeting whose date is still ahead after the ones already held, not at the head of "recent"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import ZHANG, join, rows
from tests.factories import SECRETARY_ID


def _first_of_series(session: OfflineSession) -> int:
    return int(min((m for m in rows(session, Meeting) if m.series_id is not None), key=lambda m: m.starts_at).id)


async def test_cancelling_one_occurrence_says_the_series_goes_on(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼 | 清明祭扫 | 每月")
    mid = _first_of_series(session)
    asked = (await session.send(SECRETARY_ID, f"/meeting {mid} 取消"))[-1].plain
    assert "只取消这一次，以后每月照常举行" in asked
    done = [m.plain for m in await session.press(SECRETARY_ID, 1)]
    assert any("已取消会议" in t and "以后每月照常举行" in t for t in done), done


async def test_a_single_meeting_cancel_says_nothing_of_a_series(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/lang en")
    await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-04-15 14:30 | 三楼 | 党课")
    mid = rows(session, Meeting)[0].id
    asked = (await session.send(SECRETARY_ID, f"/meeting {mid} cancel"))[-1].plain
    assert "Cancel meeting" in asked and "series" not in asked


async def test_english_occurrence_cancel(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/lang en")
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼 | 清明祭扫 | 每月")
    asked = (await session.send(SECRETARY_ID, f"/meeting {_first_of_series(session)} cancel"))[-1].plain
    assert "the monthly series goes on" in asked


async def test_a_future_meeting_cancelled_after_others_were_held_is_listed_after_them(
    session: OfflineSession, clock: FakeClock
) -> None:
    await join(session)
    for day, topic in (("03-22", "第一次"), ("03-24", "第二次"), ("04-15", "四月")):
        clock.advance(timedelta(minutes=1))
        await session.send(SECRETARY_ID, f"/newmeeting 党课 | 2026-{day} 14:30 | 三楼 | {topic}")
    ids = {m.topic: m.id for m in rows(session, Meeting)}
    clock.set(datetime(2026, 3, 26, 2, 0, tzinfo=UTC))  # both held
    await session.send(SECRETARY_ID, f"/meeting {ids['四月']} 取消")  # called off after they were held
    await session.press(SECRETARY_ID, 1)
    listed = (await session.send(ZHANG, "/meetings"))[-1].plain
    _, _, recent = listed.partition("最近的会议")
    assert re.findall(r"#(\d+)", recent) == [str(ids["第二次"]), str(ids["第一次"]), str(ids["四月"])]
