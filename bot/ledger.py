"""The Excel ledgers (台账) a secretary or a 党委 otherwise compiles by hand.

A branch's workbook (``/export``, ``zhibu export --branch``)::

    党员名册      members: 正式 / 预备, status, role, joined
    三会一课台账  one row per meeting held, what a paper 三会一课 record carries: start, end, kind, topic,
                 place, host, recorder, agenda, materials, 应到, 实到, 正式 / 预备 present, 出席人员 by
                 name, late, leave and absent (with reasons), 补学 done and still owed, quorum for a
                 党员大会 with its figure ("是（4/5）")
    学习记录      every snippet delivered (document, its heading or opening words) and when it was read
    答题记录      every answer
    题目正确率    per question: answers, correct, rate

The committee's workbook (a committee admin's ``/export``, ``zhibu export --all``), what a 党委 reports
upward::

    各支部对比    one row per branch: members, study completion, quiz accuracy, meetings held, attendance,
                 leave, make-up owed, early warnings
    党员人数      per branch: 正式, 预备, total, pending
    预警名单      members with no 组织生活 for months, across branches, with the date they last attended
    台账-<支部>   each branch's 三会一课 ledger, the same rows as in the branch's own workbook

Headers come from the catalog (Chinese by default); ``bot/sheets.py`` writes them (frozen header row,
widths, one time format per column, times in the branch's timezone, numbers as numbers) and streams the
rows, inside one read transaction, so a year of answers never sits in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from functools import cache, partial
from typing import IO

from sqlmodel import Session

from bot.sheets import Book
from bot.texts import Catalog
from bot.words import join_names, source_title, standing_word
from storage import ledger, member_figures
from storage.committee import committee_table
from storage.ledger import LedgerMeeting
from storage.scope import Scope
from storage.stats import Window

# sheet key -> column widths (characters); headers are catalog keys ledger.<sheet>.<n>; TIMES: time columns
SHEETS: dict[str, Sequence[int]] = {
    "members": (8, 14, 10, 10, 10, 16),
    "meetings": (18, 18, 12, 36, 18, 10, 10, 40, 32, 8, 8, 10, 10, 40, 16, 32, 32, 16, 16, 14),
    "study": (14, 48, 48, 18, 18),
    "answers": (14, 18, 60, 36, 14, 8),
    "accuracy": (8, 60, 36, 8, 8, 10),
    "committee": (28, 8, 10, 10, 8, 10, 10, 10, 10),
    "standing": (28, 10, 10, 8, 8),
    "warnings": (28, 14, 10, 16, 18),
}
TIMES: dict[str, tuple[int, ...]] = {"meetings": (1, 2), "study": (4, 5), "answers": (2,), "warnings": (4,)}
# day columns: when a member came into the bot's roll (approval or invite) — a day, and headed so that
# nobody files it as 入党时间, which the bot does not know (trial T8)
DATES: dict[str, tuple[int, ...]] = {"members": (6,), "warnings": (5,)}
RATES: dict[str, tuple[int, ...]] = {"accuracy": (6,), "committee": (3, 4, 6)}


def _words(texts: Catalog, lang: str) -> Callable[[str, str], str]:
    """``word("standing", value)``: the catalog's word for a stored value, or the value itself."""
    def word(group: str, value: str) -> str:
        key = f"{group}.{value}"
        return texts.plain(key, lang) if texts.has(key) else value
    return word


def _book(texts: Catalog, lang: str, tz: tzinfo) -> Book:
    return Book(texts=texts, lang=lang, tz=tz, widths=SHEETS, times=TIMES, rates=RATES, dates=DATES)


def _day(moment: datetime | None, tz: tzinfo) -> datetime | None:
    """The start of ``moment``'s local day: a date column holds whole days, not the second of a tap."""
    return moment.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0) if moment else None


def _part(texts: Catalog, lang: str, heading: str | None, opening: str) -> str:
    """Which 段 a 学习记录 row is: its heading *and* its opening words — a long section is pushed in several
    parts under one heading, and rows naming only the heading could not be told apart (trial T15).
    ``storage.ledger.study_log`` says why not its place in the plan."""
    opening = " ".join(opening.split())
    if heading and opening:
        return texts.plain("ledger.study_heading_opening", lang, heading=heading, text=opening)
    if heading:
        return heading
    return texts.plain("ledger.study_opening", lang, text=opening) if opening else "—"


def _quorum(texts: Catalog, lang: str, m: LedgerMeeting) -> str:
    """过半数 with its figure, as /attendance shows it ("是（4/5）": 正式党员 present of expected) — a bare 是
    could not be checked (trial T7); none is counted when no 正式党员 was expected."""
    if m.quorum is None:
        return ""
    if not m.full_expected:
        return texts.plain("ledger.quorum_none", lang)
    mark = texts.plain("ledger.mark_yes" if m.quorum else "ledger.mark_no", lang)
    return texts.plain("ledger.quorum", lang, mark=mark, present=m.present_full, expected=m.full_expected)


def _meeting_row(texts: Catalog, lang: str, m: LedgerMeeting, word: Callable[[str, str], str],
                 join: Callable[[Iterable[str]], str]) -> tuple[object, ...]:
    return (m.starts_at, m.ends_at, word("meeting_kind", m.kind), m.topic, m.place, m.host, m.recorder, m.agenda,
            join(source_title(texts, lang, title) for title in m.materials), m.expected, m.present, m.present_full,
            m.present_probationary, join(m.attended), join(m.late), join(m.leave), join(m.absent),
            join(m.makeup_done), join(m.makeup_owed), _quorum(texts, lang, m))


def write_ledger(*, session: Session, scope: Scope, branch_id: int, window: Window, now: datetime, tz: tzinfo,
                 texts: Catalog, lang: str, out: IO[bytes]) -> dict[str, int]:
    """Write the branch's workbook to ``out``; returns the number of data rows per sheet."""
    book = _book(texts, lang, tz)
    word = _words(texts, lang)
    yes, no = texts.plain("ledger.mark_yes", lang), texts.plain("ledger.mark_no", lang)
    join = partial(join_names, texts, lang)
    # a year's 答题记录 names a handful of documents in 180,000 rows: render each title once, not per row
    titled = cache(partial(source_title, texts, lang))
    book.sheet("members", (
        (mid, name, standing_word(texts, lang, status, st), word("status", status), word("role", role),
         _day(joined, tz))
        for mid, name, st, status, role, joined in ledger.members(session=session, scope=scope, branch_id=branch_id)
    ))
    book.sheet("meetings", (_meeting_row(texts, lang, m, word, join) for m in ledger.meeting_ledger(
        session=session, scope=scope, branch_id=branch_id, window=window, now=now)))
    book.sheet("study", (
        (name, title, _part(texts, lang, heading, opening), delivered, read)
        for name, title, heading, opening, delivered, read in ledger.study_log(
            session=session, scope=scope, branch_id=branch_id, window=window)))
    book.sheet("answers", (
        (name, at, stem, titled(document), chosen, yes if correct else no)
        for name, at, stem, document, chosen, correct in ledger.quiz_answers(
            session=session, scope=scope, branch_id=branch_id, window=window)
    ))
    book.sheet("accuracy", (
        (word("review.qtype", qtype), stem, titled(document), answers, correct,
         correct / answers if answers else None)
        for qtype, stem, document, answers, correct in ledger.question_accuracy(
            session=session, scope=scope, branch_id=branch_id, window=window)
    ))
    return book.save(out)


def write_committee(*, session: Session, scope: Scope, branch_ids: Sequence[int], window: Window, now: datetime,
                    tz: tzinfo, texts: Catalog, lang: str, warn_since: datetime, out: IO[bytes]) -> dict[str, int]:
    """The committee's workbook over ``branch_ids`` (each checked against ``scope``)."""
    book = _book(texts, lang, tz)
    word = _words(texts, lang)
    join = partial(join_names, texts, lang)
    figures = committee_table(session=session, scope=scope, branch_ids=branch_ids, window=window, now=now)
    warned = [member_figures.attendance_warnings(session=session, scope=scope, branch_id=b, since=warn_since,
                                                now=now)
              for b in branch_ids]
    book.sheet("committee", (
        (f.branch_name, f.active, f.study_rate, f.accuracy, f.meetings_held, f.attendance_rate, f.leaves,
         f.makeup_owed, len(w)) for f, w in zip(figures, warned, strict=True)))
    names = {f.branch_id: f.branch_name for f in figures}
    book.sheet("standing", (
        (names[b], full, probationary, full + probationary, pending)
        for b, full, probationary, pending in ledger.standing_counts(session=session, scope=scope,
                                                                     branch_ids=branch_ids)))
    book.sheet("warnings", (
        (f.branch_name, w.name, word("standing", w.standing), w.last_attended, _day(w.joined_at, tz))
        for f, ws in zip(figures, warned, strict=True) for w in ws))
    for branch_id in branch_ids:
        title = texts.plain("ledger.branch_meetings", lang, branch=names[branch_id])
        book.sheet("meetings", (_meeting_row(texts, lang, m, word, join) for m in ledger.meeting_ledger(
            session=session, scope=scope, branch_id=branch_id, window=window, now=now)), title=title)
    return book.save(out)
