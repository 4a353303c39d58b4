"""The Excel ledger (台账) a secretary otherwise compiles by hand: one workbook, five sheets.

    党员名册      members: 正式 / 预备, status, role, joined
    三会一课台账  one row per meeting held: date, kind, topic, place, host, recorder, 应到, 实到,
                 正式 / 预备 present, absent (with leave reasons), quorum for a 党员大会
    学习记录      every snippet delivered and when it was read
    答题记录      every answer
    题目正确率    per question: answers, correct, rate

Written with openpyxl's write-only mode, row by row as the storage generators yield them, inside one read
transaction, so a year of answers streams to the file instead of sitting in memory.  Headers come from the
catalog (Chinese by default), the header row is frozen, widths are set per column, times are shown in the
branch's timezone and numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlmodel import Session

from bot.texts import Catalog
from storage import ledger
from storage.scope import Scope
from storage.stats import Window

# sheet key -> column widths (characters); headers are catalog keys ledger.<sheet>.<n>
SHEETS: dict[str, Sequence[int]] = {
    "members": (8, 14, 10, 10, 10, 18),
    "meetings": (18, 12, 36, 18, 10, 10, 8, 8, 10, 10, 40, 12),
    "study": (14, 48, 18, 18),
    "answers": (14, 18, 60, 36, 14, 8),
    "accuracy": (8, 60, 36, 8, 8, 10),
    "committee": (28, 8, 10, 10, 8, 10, 10, 10),
    "all_meetings": (28, 18, 12, 36, 18, 8, 8, 10, 40, 12),
}
_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])  # openpyxl refuses these in cells


def _clean(value: Any) -> Any:
    return value.translate(_ILLEGAL) if isinstance(value, str) else value


def _local(value: datetime | None, tz: tzinfo) -> datetime | None:
    """Excel has no time zones: write the branch's wall time, without tzinfo."""
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def _sheet(book: Workbook, texts: Catalog, lang: str, key: str) -> WriteOnlyWorksheet:
    sheet: WriteOnlyWorksheet = book.create_sheet(texts.plain(f"ledger.{key}.title", lang))
    widths = SHEETS[key]
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for index in range(1, len(widths) + 1):
        cell = WriteOnlyCell(sheet, value=texts.plain(f"ledger.{key}.{index}", lang))
        cell.font = bold
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    return sheet


def _rows(sheet: WriteOnlyWorksheet, rows: Iterable[Sequence[Any]]) -> int:
    """Append plain values: openpyxl gives datetimes a date format by itself, and a plain value costs a
    fraction of a styled cell (the answers sheet of a year runs to a million cells)."""
    count = 0
    for row in rows:
        sheet.append([_clean(v) for v in row])
        count += 1
    return count


def write_ledger(*, session: Session, scope: Scope, branch_id: int, window: Window, now: datetime, tz: tzinfo,
                 texts: Catalog, lang: str, out: IO[bytes]) -> dict[str, int]:
    """Write the workbook to ``out``; returns the number of data rows per sheet."""
    book = Workbook(write_only=True)
    word = texts.plain
    counts: dict[str, int] = {}

    def standing(value: str) -> str:
        return word(f"standing.{value}", lang) if texts.has(f"standing.{value}") else value

    sheet = _sheet(book, texts, lang, "members")
    counts["members"] = _rows(sheet, (
        (mid, name, standing(st), word(f"status.{status}", lang), word(f"role.{role}", lang), _local(joined, tz))
        for mid, name, st, status, role, joined in ledger.members(session=session, scope=scope, branch_id=branch_id)
    ))

    sheet = _sheet(book, texts, lang, "meetings")
    yes, no = word("ledger.mark_yes", lang), word("ledger.mark_no", lang)
    counts["meetings"] = _rows(sheet, (
        (_local(m.starts_at, tz), m.kind, m.topic, m.place, m.host, m.recorder, m.expected, m.present,
         m.present_full, m.present_probationary, "、".join(m.absent),
         "" if m.quorum is None else (yes if m.quorum else no))
        for m in ledger.meeting_ledger(session=session, scope=scope, branch_id=branch_id, window=window, now=now)
    ))

    sheet = _sheet(book, texts, lang, "study")
    counts["study"] = _rows(sheet, (
        (name, title, _local(delivered, tz), _local(read, tz))
        for name, title, delivered, read in ledger.study_log(session=session, scope=scope, branch_id=branch_id,
                                                             window=window)
    ))

    sheet = _sheet(book, texts, lang, "answers")
    counts["answers"] = _rows(sheet, (
        (name, _local(at, tz), stem, document, chosen, yes if correct else no)
        for name, at, stem, document, chosen, correct in ledger.quiz_answers(
            session=session, scope=scope, branch_id=branch_id, window=window)
    ))

    sheet = _sheet(book, texts, lang, "accuracy")
    counts["accuracy"] = _rows(sheet, (
        (word(f"review.qtype.{qtype}", lang) if texts.has(f"review.qtype.{qtype}") else qtype, stem, document,
         answers, correct, round(correct / answers, 4) if answers else None)
        for qtype, stem, document, answers, correct in ledger.question_accuracy(
            session=session, scope=scope, branch_id=branch_id, window=window)
    ))
    book.save(out)
    return counts


def write_committee(*, session: Session, scope: Scope, branch_ids: Sequence[int], window: Window, now: datetime,
                    tz: tzinfo,
                    texts: Catalog, lang: str, warn_since: datetime, out: IO[bytes]) -> dict[str, int]:
    """The committee's workbook: the branches side by side, then every branch's 三会一课 ledger in one sheet."""
    from storage import stats as stats_store

    book = Workbook(write_only=True)
    yes, no = texts.plain("ledger.mark_yes", lang), texts.plain("ledger.mark_no", lang)
    sheet = _sheet(book, texts, lang, "committee")
    rows = []
    names: dict[int, str] = {}
    for branch_id in branch_ids:
        figures = stats_store.branch_stats(session=session, scope=scope, branch_id=branch_id, window=window, now=now,
                                           weak_limit=0)
        warned = stats_store.attendance_warnings(session=session, scope=scope, branch_id=branch_id, since=warn_since)
        names[branch_id] = figures.branch_name
        rows.append((figures.branch_name, figures.active, _rate(figures.read, figures.delivered),
                     _rate(figures.correct, figures.answers), figures.meetings_held,
                     _rate(figures.attendances, figures.expected_attendances), figures.leaves, len(warned)))
    counts = {"committee": _rows(sheet, rows)}
    sheet = _sheet(book, texts, lang, "all_meetings")
    counts["all_meetings"] = _rows(sheet, (
        (names[branch_id], _local(m.starts_at, tz), m.kind, m.topic, m.place, m.expected, m.present,
         m.present_full, "、".join(m.absent), "" if m.quorum is None else (yes if m.quorum else no))
        for branch_id in branch_ids
        for m in ledger.meeting_ledger(session=session, scope=scope, branch_id=branch_id, window=window, now=now)
    ))
    book.save(out)
    return counts


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None

