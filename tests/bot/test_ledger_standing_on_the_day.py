"""Review R2.7: the 三会一课 ledger counted each member's 正式 / 预备 standing as of *today*, while /attendance
counts it as of the meeting's day.  A 预备党员 who became 正式 after a 党员大会 made the ledger file the meeting as
quorate when its own minutes (and /attendance) said it was not.  Both now use the same rule
(``storage.meeting_audience.standings_at``)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import deliver, join
from tests.factories import SECRETARY_ID


def _row(book: Any) -> dict[str, Any]:
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2, rows
    return dict(zip(rows[0], rows[1], strict=True))


async def test_the_ledger_counts_standing_and_quorum_as_of_the_meeting_day(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(SECRETARY_ID, "/standing 王五 预备")
    await s.press(SECRETARY_ID, 1)  # confirmed: 王五 is 预备 on the meeting day
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    await deliver(s)
    clock.set(clock.now().replace(month=3, day=25, hour=6, minute=40))
    await s.send(SECRETARY_ID, "/attendance 1 王五 出席")
    await s.send(SECRETARY_ID, "/attendance 1 张三 出席")
    clock.set(clock.now().replace(day=26, hour=2))
    await deliver(s)
    await s.send(SECRETARY_ID, "/standing 王五 正式")  # 转正 after the meeting
    await s.press(SECRETARY_ID, 1)
    roster = (await s.send(SECRETARY_ID, "/attendance 1"))[0].plain
    assert "正式党员 1，预备党员 1" in roster and "正式党员到会 1 / 2" in roster, roster
    sent = (await s.send(SECRETARY_ID, "/export 2026-03"))[-1]
    row = _row(load_workbook(io.BytesIO(sent.file_bytes or b"")))
    counts = {k: v for k, v in row.items() if "正式" in str(k) or "预备" in str(k) or "半数" in str(k)}
    assert list(counts.values()).count(1) == 2, counts  # 正式 到会 1, 预备 到会 1 — not 2 and 0
    assert "否（1/2）" in counts.values(), counts  # not quorate, as /attendance says (正式党员到会 1 / 2)
