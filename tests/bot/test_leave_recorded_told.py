"""Trial T5 gap: ``/attendance ID NAME 请假`` for a member who never asked for leave (or whose request was
declined) tells the member, in their language, once — like a 批准 button.  A 请假 the member already heard
approved, the same 请假 recorded again, a record changed before it was sent, and 缺席 / 迟到 marked after the
meeting send the member nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fakeapi.session import OfflineSession
from scheduler import leave
from scheduler.clock import FakeClock
from storage.models import Delivery
from tests.bot.test_meetings import WANG, ZHANG, deliver, rows
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID

TOLD_ZH = "的出勤记为请假"
AFTER = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # 18:00 local: the 14:30 meeting is over


def _told(session: OfflineSession, member: int) -> list[Delivery]:
    return [d for d in rows(session, Delivery) if d.kind == leave.EXCUSED and d.chat_id == member]


async def _to(session: OfflineSession, member: int) -> list[str]:
    return [m.plain for m in await deliver(session) if m.chat_id == member]


async def test_a_member_who_never_asked_is_told_once(session: OfflineSession) -> None:
    mid = await _meeting(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 请假")
    told = await _to(session, ZHANG)
    assert [t for t in told if TOLD_ZH in t and "动员部署会" in t], told
    assert not any("批准" in t for t in told)  # no request was approved: it is not worded as one
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 请假 外出")  # the same 请假 again (a note added)
    assert not [t for t in await _to(session, ZHANG) if TOLD_ZH in t]
    assert len(_told(session, ZHANG)) == 1


async def test_in_the_members_language(session: OfflineSession) -> None:
    mid = await _meeting(session)
    await session.send(ZHANG, "/lang en")
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 请假")
    told = await _to(session, ZHANG)
    assert [t for t in told if "The secretary recorded you as on leave" in t], told
    assert not [t for t in told if TOLD_ZH in t]


async def test_a_record_changed_before_sending_is_not_sent(session: OfflineSession) -> None:
    mid = await _meeting(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 请假")
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 出席")  # corrected before the tick
    assert not [t for t in await _to(session, ZHANG) if TOLD_ZH in t]


async def test_absent_or_late_after_the_meeting_sends_nothing(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    clock.set(AFTER)
    await deliver(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 缺席")
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 迟到")
    told = [m for m in await deliver(session, produce=False) if m.chat_id in (ZHANG, WANG)]
    assert told == []
    assert not [d for d in rows(session, Delivery)
                if d.kind in (leave.EXCUSED, leave.DECISION) and d.chat_id in (ZHANG, WANG)]


async def _asked(session: OfflineSession) -> int:
    mid = await _meeting(session)
    await session.send(WANG, f"/meeting {mid}")
    await session.press(WANG, 2)
    await session.send(WANG, "出差在外地调研")
    await deliver(session, produce=False)
    return mid


async def test_leave_already_approved_by_button_is_not_told_again(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.press(SECRETARY_ID, 1)  # 批准 on the request
    assert any("的请假已获批准" in t for t in await _to(session, WANG))
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    assert not [t for t in await _to(session, WANG) if TOLD_ZH in t or "批准" in t]
    assert _told(session, WANG) == []


async def test_a_declined_member_recorded_on_leave_is_told(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.press(SECRETARY_ID, 2)  # 不批准 on the request
    assert any("未获批准" in t for t in await _to(session, WANG))
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    assert [t for t in await _to(session, WANG) if TOLD_ZH in t]


async def test_a_pending_request_still_gets_the_approval_not_this(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    told = await _to(session, WANG)
    assert any("的请假已获批准" in t for t in told) and not any(TOLD_ZH in t for t in told)
