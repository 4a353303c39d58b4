"""Review R3.3: after a move, a 参加 given for the old time shows in /attendance as not confirmed for the new
one, until the member confirms (taps 参加 again); a change of place asks nobody, and marks nobody."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetflow_moved_meeting import _answered
from tests.bot.test_meetings import ZHANG, deliver
from tests.factories import SECRETARY_ID

MARK = "张三（改期前回复，未确认）"


async def _roster(session: OfflineSession, mid: int) -> str:
    return "\n".join(m.plain for m in await session.send(SECRETARY_ID, f"/attendance {mid}"))


async def test_an_answer_for_the_old_time_is_unconfirmed_until_tapped(session: OfflineSession, clock: FakeClock
                                                                       ) -> None:
    mid = await _answered(session, clock)
    assert MARK not in await _roster(session, mid)
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-30 15:00")
    await deliver(session)  # the change notice asks 张三 to confirm; he does not yet
    roster = await _roster(session, mid)
    assert f"已回复参加：{MARK}" in roster, roster
    await session.press(ZHANG, 1)  # ✅ 参加 on the change notice: confirmed for the new time
    roster = await _roster(session, mid)
    assert "已回复参加：张三" in roster and MARK not in roster, roster


async def test_a_place_change_marks_nobody(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _answered(session, clock)
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")
    await deliver(session)
    roster = await _roster(session, mid)
    assert "已回复参加：张三" in roster and MARK not in roster, roster


async def test_in_english(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _answered(session, clock)
    await session.send(SECRETARY_ID, "/lang en")
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-30 15:00")
    await deliver(session)
    roster = await _roster(session, mid)
    assert "张三 (answered before the time changed, not confirmed)" in roster, roster
