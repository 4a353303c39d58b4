"""What a user trial of the secretaries' figures found, end to end through the offline Bot API: ``/stats``
counts 请假, 缺席 and 补学 by /attendance's rules (``storage/turnout.py``), so the two never disagree."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG, ZHANG, deliver, join
from tests.factories import SECRETARY_ID


async def _leave(s: OfflineSession, clock: FakeClock, user: int, meeting_id: int) -> None:
    """``user`` asks for leave from the meeting and the secretary approves it."""
    await s.send(user, f"/meeting {meeting_id}")
    await s.press(user, 2)  # 请假
    await s.send(user, "出差")
    await deliver(s, produce=False)
    clock.advance(timedelta(seconds=20))
    await s.press(SECRETARY_ID, 1)  # 批准
    clock.advance(timedelta(seconds=20))


async def test_stats_count_leave_absence_and_makeup_as_attendance_does(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    await s.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-26 14:30 | 三楼会议室 | 专题党课")
    await deliver(s)
    clock.advance(timedelta(seconds=20))
    await _leave(s, clock, ZHANG, 1)  # 张三 is away from #1 with leave
    await _leave(s, clock, WANG, 2)  # 王五 asks leave from #2 but comes after all
    clock.set(clock.now().replace(month=3, day=26, hour=6, minute=40))  # 14:40 Beijing: #2 is on
    marked = await s.send(SECRETARY_ID, "/attendance 2 王五 出席")
    assert "已登记：王五" in marked[0].plain
    clock.set(clock.now().replace(day=27, hour=2))  # both over: the 补学 is assigned
    await deliver(s)

    one = (await s.send(SECRETARY_ID, "/attendance 1"))[0].plain
    two = (await s.send(SECRETARY_ID, "/attendance 2"))[0].plain
    assert "请假：1 人" in one and "王五" in one.split("缺席：")[1].split("\n")[0]
    assert "请假：0 人" in two
    wang = (await s.send(SECRETARY_ID, "/stats 王五"))[0].plain
    assert "召开 2 次，参加 1 次，请假 0 次，缺席 1 次" in wang  # the withdrawn leave is no leave, #1 an absence
    branch = (await s.send(SECRETARY_ID, "/stats"))[0].plain
    assert "请假 1 人次" in branch  # only 张三 at #1
    overview = (await s.send(SECRETARY_ID, "/attendance"))[0].plain
    owed = sum(int(n) for n in re.findall(r"补学未完成 (\d+) 人", overview))
    assert owed > 0 and f"补学待完成 {owed} 人次" in branch


async def test_the_roster_sheet_holds_members_not_rejected_applicants(session: OfflineSession) -> None:
    await join(session)
    session.api.add_user(10009, "路人甲")
    request = next(r for r in await session.send(10009, "/start") if r.chat_id == SECRETARY_ID)
    await session.send(SECRETARY_ID, f"/reject {request.plain.split('编号：')[1].split()[0]}")
    sent = (await session.send(SECRETARY_ID, "/export"))[0]
    book = load_workbook(io.BytesIO(sent.file_bytes or b""))
    names = [row[1] for row in book["党员名册"].iter_rows(min_row=2, values_only=True)]
    assert names == ["李 书记", "张三", "王五"]  # 路人甲 was never a 党员
