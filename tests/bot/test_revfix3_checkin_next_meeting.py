"""Review R3.11: with meetings back to back, a code typed between one check-in's close and the next one's
opening is answered by the nearer of the two — "opens at …" for the next meeting when its opening is nearer
than the close was, "closed at …" for the one just over otherwise."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG, deliver
from tests.bot.test_meetings_trial3 import _meeting
from tests.bot.test_rosterfix_trial import _local
from tests.factories import SECRETARY_ID

NEXT = "/newmeeting 党课 | 2026-03-25 15:45 | 三楼会议室 | 专题党课"  # check-in 15:15–16:15


async def test_a_code_nearer_the_next_opening_names_the_next_meeting(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    await _meeting(session)  # 党员大会 14:30, check-in 14:00–15:00
    await session.send(SECRETARY_ID, NEXT)
    await deliver(session)
    clock.set(_local(25, 15, 10))  # closed 10 min ago, the 党课's opens in 5
    said = (await session.send(WANG, "/checkin 1234"))[0].plain
    assert "下一场会议「专题党课」的签到从" in said and "15:15" in said, said
    clock.set(_local(25, 15, 2))  # closed 2 min ago, the 党课's opens in 13: this code is for the one just over
    said = (await session.send(WANG, "/checkin 1234"))[0].plain
    assert "「动员部署会」的签到已于 15:00 结束" in said, said
