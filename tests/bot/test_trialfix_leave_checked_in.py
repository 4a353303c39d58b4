"""Trial T2: a member who has checked in cannot ask for leave and gets no card asking whether they will
attend; a 请假 withdrawn by the member's own check-in tells them so, and its request loses its buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Rsvp
from tests.bot.test_meetings import WANG, deliver, rows
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import INVITE, SECRETARY_ID

ZHAO = 10003


async def _code(session: OfflineSession, clock: FakeClock, mid: int) -> str:
    clock.set(datetime(2026, 3, 25, 6, 5, 5, tzinfo=UTC))  # 14:05 local: check-in is open
    shown = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain
    found = re.search(r"签到码 (\d{4})", shown)
    assert found is not None, shown
    return found[1]


async def test_a_checked_in_member_cannot_ask_for_leave(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    code = await _code(session, clock, mid)
    assert "签到成功" in (await session.send(WANG, f"/checkin {code}"))[0].plain
    await session.send(WANG, f"/meeting {mid}")
    said = await session.press(WANG, 2)  # 请假
    assert not any("请假原因" in m.plain for m in said)
    toast = session.api.callback_answers[next(reversed(session.api.callback_answers))].get("text")
    assert "您已在会议" in str(toast) and "无需请假" in str(toast)
    assert [r.response for r in rows(session, Rsvp) if r.response == "leave"] == []


async def test_no_notice_reaches_a_member_who_checked_in_first(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    code = await _code(session, clock, mid)
    session.api.add_user(ZHAO, "赵六")
    await session.send(ZHAO, f"/start {INVITE}")  # joins inside the check-in window: a notice is due to him
    assert "签到成功" in (await session.send(ZHAO, f"/checkin {code}"))[0].plain
    sent = [m for m in await deliver(session) if m.chat_id == ZHAO]
    assert not any(m.buttons for m in sent), [m.plain for m in sent]


async def test_a_late_joiner_still_gets_the_notice_before_checking_in(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    mid = await _meeting(session)
    await _code(session, clock, mid)
    session.api.add_user(ZHAO, "赵六")
    await session.send(ZHAO, f"/start {INVITE}")
    assert any(m.buttons for m in await deliver(session) if m.chat_id == ZHAO)  # the suppression is narrow


async def test_checking_in_withdraws_a_pending_leave_and_says_so(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    await session.send(WANG, "/lang en")
    await session.send(WANG, f"/meeting {mid}")
    await session.press(WANG, 2)
    await session.send(WANG, "Away on business")
    request = next(m for m in await deliver(session, produce=False) if m.chat_id == SECRETARY_ID)
    code = await _code(session, clock, mid)
    said = (await session.send(WANG, f"/checkin {code}"))[0].plain
    assert "Checked in" in said and "leave request for it is withdrawn" in said
    data = request.buttons[0][0].callback_data  # 批准
    assert data is not None
    tap = session.api.callback_update(SECRETARY_ID, request.message_id, data, None)
    await session.feed(tap)
    toast = str(session.api.callback_answers[tap["callback_query"]["id"]].get("text"))
    assert "王五 已签到出席" in toast
    assert all(k.message_id != request.message_id for k in session.api.world.keyboards(SECRETARY_ID))
