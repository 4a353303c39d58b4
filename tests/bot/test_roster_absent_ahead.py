"""Trial2 U1: a 缺席 recorded before the meeting is shown in the roster before the meeting (with its reason),
so the names add up to 应到 — it was in none of the lines."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from storage.models import Meeting
from tests.bot.test_meetings import deliver, join, rows
from tests.factories import SECRETARY_ID

LINE = "/newmeeting 党课 | 2026-03-27 14:30 | 三楼会议室 | 专题党课"


async def test_an_absence_recorded_ahead_shows_before_the_meeting(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    await deliver(session)
    mid = int(rows(session, Meeting)[0].id)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 缺席 出差")
    roster = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "已登记缺席：王五（出差）" in roster, roster
    assert "王五" not in roster.split("已回复参加")[1].split("已登记缺席")[0], roster
