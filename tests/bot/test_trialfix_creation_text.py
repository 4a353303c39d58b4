"""Trial T9: the creation confirmation names only the reminders still ahead; the guided form's last
question, its buttons removed, shows which answer was taken."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from tests.bot.test_meetings import join
from tests.factories import SECRETARY_ID

# the clock stands at 2026-03-20 09:00 local; reminders default to 3 days, 1 day and 2 hours before


async def _created(session: OfflineSession, line: str) -> str:
    return (await session.send(SECRETARY_ID, line))[0].plain


async def test_a_meeting_far_ahead_promises_every_reminder(session: OfflineSession) -> None:
    await join(session)
    said = await _created(session, "/newmeeting 党课 | 2026-03-27 14:30 | 三楼 | 党课")
    assert "会前 3 天、1 天、2 小时收到提醒" in said


async def test_a_meeting_tomorrow_does_not_promise_the_three_day_reminder(session: OfflineSession) -> None:
    await join(session)
    said = await _created(session, "/newmeeting 党课 | 2026-03-21 15:00 | 二楼小会议室 | 党课")
    assert "会前 1 天、2 小时收到提醒" in said and "3 天" not in said


async def test_a_meeting_within_two_hours_promises_no_reminder(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/lang en")
    said = await _created(session, "/newmeeting 党课 | 2026-03-20 10:30 | 三楼 | 党课")
    assert "too close for any reminder" in said and "3 days" not in said and "2 hours" not in said
    said = await _created(session, "/newmeeting 党课 | 2026-03-20 16:00 | 三楼 | 党课")
    assert "reminders 2 hours before" in said


async def test_the_guided_form_keeps_the_answer_taken(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting")
    await session.press(SECRETARY_ID, 1)  # 党员大会
    for answer in ("动员部署会", "2026-03-25 14:30", "三楼会议室"):
        await session.send(SECRETARY_ID, answer)
    asked = session.api.last_keyboard(SECRETARY_ID)
    assert asked is not None
    said = await session.press(SECRETARY_ID, 2)  # 每月此日
    edit = next(m for m in said if m.kind == "edit" and m.message_id == asked.message_id)
    assert "已选：每月此日" in edit.plain and not edit.buttons
