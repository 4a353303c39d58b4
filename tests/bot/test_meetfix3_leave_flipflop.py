"""Trial T5 leftover: a secretary recording 请假 → 出席 → 请假 (or → 缺席 → 请假) for one member across
scheduler ticks tells the member the recorded 请假 once — the second is the same news — while a 不批准 heard
in between makes it news again; and an approval overtaken by 出席 before the sender ran is not sent."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from tests.bot.test_leave_recorded_told import TOLD_ZH, _asked, _to
from tests.bot.test_meetings import WANG, ZHANG
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID


async def test_leave_present_leave_across_ticks_is_told_once(session: OfflineSession) -> None:
    mid = await _meeting(session)
    heard: list[str] = []
    for mark in ("请假", "出席", "请假", "缺席", "请假"):
        await session.send(SECRETARY_ID, f"/attendance {mid} 张三 {mark}")
        heard += await _to(session, ZHANG)  # a tick between each mark
    assert len([t for t in heard if TOLD_ZH in t]) == 1, heard
    assert len(heard) == len(set(heard)), heard  # never the same message twice


async def test_after_a_decline_the_recorded_leave_is_told_once_however_it_flips(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.press(SECRETARY_ID, 2)  # 不批准
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    first = [t for t in await _to(session, WANG) if TOLD_ZH in t]
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 出席")
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    again = [t for t in await _to(session, WANG) if TOLD_ZH in t]
    assert len(first) == 1 and again == []


async def test_an_approval_overtaken_by_present_before_the_tick_is_not_sent(session: OfflineSession) -> None:
    mid = await _asked(session)  # 王五's 请假 waits for a decision
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")  # approves it (a decision row)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 出席")  # corrected before the sender ran
    told = await _to(session, WANG)
    assert not [t for t in told if "批准" in t or TOLD_ZH in t], told
