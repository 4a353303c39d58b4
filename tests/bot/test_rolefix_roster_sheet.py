"""Trial T8: the 党员名册's ``加入时间`` was the second the member pressed /start in the bot — read as 入党时间
by anyone filing the sheet.  The column now says what it is (the day the bot put them on the roll), by day."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.study_helpers import start_secretary
from tests.factories import INVITE, SECRETARY_ID


async def test_the_roster_sheet_heads_and_shows_the_day_registered(session: OfflineSession, clock: FakeClock) -> None:
    clock.advance(timedelta(hours=15, minutes=59, seconds=12))  # 2026-03-20 16:59:12 UTC: 3-21 00:59 in Beijing
    await start_secretary(session)
    session.api.add_user(10501, "张三")
    await session.send(10501, f"/start {INVITE}")
    sent = await session.send(SECRETARY_ID, "/export")
    document = next(r for r in sent if r.kind == "document")
    sheet = load_workbook(io.BytesIO(document.file_bytes or b""))["党员名册"]
    header = [c.value for c in sheet[1]]
    assert header[5] == "本系统登记日期" and "加入时间" not in header, header
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "张三")
    assert row[5] == datetime(2026, 3, 21), row  # noqa: DTZ001 — Excel holds wall days; the local one, not the tap
    assert sheet.cell(row=2, column=6).number_format == "yyyy-mm-dd"
