"""What a review of meetings found (issue #9), end to end through the offline Bot API with the driven clock:
a second 参加 tap is answered without re-editing, cancelled meetings are listed with the past ones, and
the other findings below, each with the reply a member or secretary actually sees."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID

GENERAL = "党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会"


async def _meeting(s: OfflineSession, clock: FakeClock, line: str = GENERAL) -> int:
    await join(s)
    await s.send(SECRETARY_ID, f"/newmeeting {line}")
    await deliver(s)
    clock.advance(timedelta(seconds=20))
    return int(rows(s, Meeting)[-1].id)


async def test_a_second_attend_tap_is_answered_without_editing_the_message_again(
        session: OfflineSession, clock: FakeClock) -> None:
    await _meeting(session, clock)
    await session.press(ZHANG, 1)  # 参加 under his notice: the button now says so
    edits = len(session.api.calls_of("editMessageReplyMarkup"))
    assert edits == 1
    clock.advance(timedelta(seconds=5))
    await session.press(ZHANG, 1)  # the same answer again
    assert len(session.api.calls_of("editMessageReplyMarkup")) == edits  # no "message is not modified" churn
    toast = list(session.api.callback_answers.values())[-1]
    assert toast.get("text") == "已登记：参加"


async def test_a_cancelled_meeting_is_listed_with_past_ones_not_as_upcoming(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-28 09:00 | 五楼 | 专题党课")
    await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await session.press(SECRETARY_ID, 1)
    listing = (await session.send(ZHANG, "/meetings"))[-1].plain
    upcoming, _, recent = listing.partition("最近的会议")
    assert "专题党课" in upcoming and "动员部署会" not in upcoming
    assert "动员部署会（已取消）" in recent
