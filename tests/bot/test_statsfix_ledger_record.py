"""Trial T7: the 三会一课 sheet of ``/export`` had no names of those present, no 议程, 学习材料 or 结束时间
(the bot holds them all), nobody listed as still owing 补学 (only 已补学), and 过半数 said 是 without the
figure /attendance shows.  A paper 三会一课 record carries all of it; so does the sheet now.  Through the real
Application over the offline Bot API, the clock driven here."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from bot.ledger import _quorum
from bot.texts import Catalog
from scheduler.clock import FakeClock
from storage.ledger import LedgerMeeting
from tests.bot.study_helpers import join, member_of, study_fixture, tick  # noqa: F401  (the fixture)
from tests.bot.test_meetings_makeup import _material_with_questions
from tests.factories import SECRETARY_ID

ZHANG, WANG = 10001, 10002
AGENDA = "一、传达学习全会精神；二、讨论发展党员事项"


async def _held(study: OfflineSession, clock: FakeClock) -> tuple[int, str]:
    """A 党员大会 with an agenda and a material: the secretary and 张三 came, 王五 was away on business and
    has been sent the 补学, which he has not done."""
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await join(study, ZHANG, WANG)
    title, _ = _material_with_questions(study)
    created = await study.send(SECRETARY_ID, f"/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 全会精神"
                                             f" | 议程 {AGENDA} | 材料 {title}")
    mid = int(re.search(r"#(\d+)", created[-1].plain).group(1))  # type: ignore[union-attr]
    await tick(study)
    clock.set(datetime(2026, 3, 25, 6, 40, tzinfo=UTC))  # 14:40 local: under way
    secretary = member_of(study, SECRETARY_ID).id  # "李 书记" has a space: named by number
    for mark in ("张三 出席", f"{secretary} 出席", "王五 缺席 出差"):
        line = f"/attendance {mid} {mark}"
        assert "已登记" in (await study.send(SECRETARY_ID, line))[0].plain, line
    clock.set(datetime(2026, 3, 25, 10, 0, tzinfo=UTC))  # 18:00 local: over; the 补学 goes to 王五
    await tick(study)
    return mid, title


def _row(sent: Any) -> dict[str, Any]:
    book = load_workbook(io.BytesIO(sent.file_bytes or b""))
    rows = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert len(rows) == 2, rows
    return dict(zip(rows[0], rows[1], strict=True))


async def test_the_ledger_carries_what_a_paper_record_does(study: OfflineSession, clock: FakeClock) -> None:
    mid, title = await _held(study, clock)
    roster = (await study.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "补学未完成：王五" in roster and "正式党员到会 2 / 3" in roster, roster  # what the sheet must agree with
    row = _row((await study.send(SECRETARY_ID, "/export 2026-03"))[-1])
    wall = datetime(2026, 3, 25, 14, 30, tzinfo=UTC).replace(tzinfo=None)  # Excel holds the branch's wall time
    assert row["开始时间"] == wall, row
    assert isinstance(row["结束时间"], datetime) and row["结束时间"] > row["开始时间"], row
    assert row["议程"] == AGENDA, row
    assert title in (row["学习材料"] or ""), row
    assert row["出席人员"] == "李 书记、张三", row  # by name, not only 实到 2
    assert (row["应到"], row["实到"]) == (3, 2), row
    assert row["缺席（事由）"] == "王五（出差）", row
    assert row["未补学"] == "王五" and row["已补学"] is None, row
    assert row["过半数（党员大会）"] == "是（2/3）", row

    # the 补学 done (recorded offline): it moves from 未补学 to 已补学
    assert "已登记" in (await study.send(SECRETARY_ID, f"/attendance {mid} 王五 补学"))[0].plain
    row = _row((await study.send(SECRETARY_ID, "/export 2026-03"))[-1])
    assert row["已补学"] == "王五" and row["未补学"] is None, row


async def test_the_english_ledger_has_the_same_columns(study: OfflineSession, clock: FakeClock) -> None:
    _, title = await _held(study, clock)
    await study.send(SECRETARY_ID, "/lang en")
    row = _row((await study.send(SECRETARY_ID, "/export 2026-03"))[-1])
    words = re.compile(r"\W")  # the English title is quoted in English (its own quotes turn single)
    assert row["Agenda"] == AGENDA and words.sub("", row["Study materials"] or "") == words.sub("", title), row
    assert (row["Attended"], row["Make-up owed"]) == ("李 书记 and 张三", "王五"), row
    assert row["Quorum (general meeting)"] == "yes (2/3)", row
    assert isinstance(row["End"], datetime) and isinstance(row["Start"], datetime), row



@pytest.mark.parametrize(("lang", "full_expected", "present_full", "wanted"), [
    ("zh", 0, 0, "无法计算（应到人员中没有正式党员）"), ("zh", 4, 2, "否（2/4）"), ("en", 0, 0, "cannot be counted")])
def test_a_general_meeting_with_no_full_member_expected_has_no_quorum_figure(
        lang: str, full_expected: int, present_full: int, wanted: str) -> None:
    """/attendance says a majority cannot be counted when no 正式党员 was expected (a 党员大会 of a list of
    预备党员): the sheet says so too, instead of 否 (a secretary cannot be 预备, so no whole branch gets here)."""
    when = datetime(2026, 3, 25, 6, 30, tzinfo=UTC)
    meeting = LedgerMeeting(
        starts_at=when, ends_at=when, kind="党员大会", topic="t", place="p", host="", recorder="", agenda="",
        materials=(), expected=3, present=1, present_full=present_full, present_probationary=1, attended=("张三",),
        late=(), leave=(), absent=(), makeup_done=(), makeup_owed=(), quorum=present_full * 2 > full_expected,
        full_expected=full_expected)
    assert _quorum(Catalog.load(default="zh"), lang, meeting).startswith(wanted)
