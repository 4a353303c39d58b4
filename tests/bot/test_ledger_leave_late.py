"""Trial T4: the 台账 workbook's 三会一课 sheet filed approved leave under 缺席 and left out 迟到.  The
workbook now keeps 请假, 缺席 and 迟到 apart exactly as /attendance lists them, and its counts still agree
with /stats."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import deliver, join
from tests.factories import SECRETARY_ID


async def _held_meeting(s: OfflineSession, clock: FakeClock) -> None:
    """#1 held on 03-25: 张三 away on leave (recorded by the secretary), 王五 late, the secretary absent."""
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    await deliver(s)
    clock.set(clock.now().replace(month=3, day=25, hour=6, minute=40))  # 14:40 Beijing: under way
    assert "已登记" in (await s.send(SECRETARY_ID, "/attendance 1 张三 请假 临时出差"))[0].plain
    assert "已登记" in (await s.send(SECRETARY_ID, "/attendance 1 王五 迟到"))[0].plain
    clock.set(clock.now().replace(day=26, hour=2))  # over
    await deliver(s)


def _row(book: Any, headers: tuple[str, ...]) -> dict[str, Any]:
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0][14:17]) == headers, rows[0]
    assert len(rows) == 2
    return dict(zip(rows[0], rows[1], strict=True))


async def test_the_ledger_keeps_leave_apart_from_absence_and_records_lateness(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await _held_meeting(s, clock)
    roster = (await s.send(SECRETARY_ID, "/attendance 1"))[0].plain
    # /attendance's own reading, which the workbook must follow
    assert "· 张三：临时出差" in roster and "缺席：李 书记" in roster and "王五（迟到）" in roster, roster
    sent = (await s.send(SECRETARY_ID, "/export 2026-03"))[-1]
    row = _row(load_workbook(io.BytesIO(sent.file_bytes or b"")), ("迟到", "请假（事由）", "缺席（事由）"))
    assert row["请假（事由）"] == "张三（临时出差）", row
    assert row["缺席（事由）"] == "李 书记", row  # nobody on leave is filed as absent
    assert row["迟到"] == "王五", row
    assert (row["应到"], row["实到"]) == (3, 1), row  # late is present: 实到 counts him
    assert "请假 1 人次" in (await s.send(SECRETARY_ID, "/stats 2026-03"))[0].plain
    assert "请假 1 次" in (await s.send(SECRETARY_ID, "/stats 张三 2026-03"))[0].plain


@pytest.mark.parametrize("lang", ["en"])
async def test_the_english_ledger_names_the_same_columns(session: OfflineSession, clock: FakeClock,
                                                          lang: str) -> None:
    s = session
    await _held_meeting(s, clock)
    await s.send(SECRETARY_ID, f"/lang {lang}")
    sent = (await s.send(SECRETARY_ID, "/export 2026-03"))[-1]
    row = _row(load_workbook(io.BytesIO(sent.file_bytes or b"")), ("Late", "On leave (reason)", "Absent (reason)"))
    assert (row["Late"], row["On leave (reason)"], row["Absent (reason)"]) == ("王五", "张三（临时出差）", "李 书记")
