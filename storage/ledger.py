"""The rows of the Excel ledgers (台账), as plain tuples streamed from the database.

Why generators: a year of a large branch is hundreds of thousands of answers; the exporter writes each
row as it comes (openpyxl's write-only mode) instead of holding the year in memory, and the queries
stream with ``yield_per``.  Values are Python values (numbers stay numbers, instants stay aware UTC);
``bot/ledger.py`` converts times to the branch's timezone and writes the sheets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.meetings import attendees
from storage.models import (
    Attendance,
    Meeting,
    Member,
    Question,
    QuizAnswer,
    Rsvp,
    Standing,
    StudyProgress,
    StudyUnit,
)
from storage.scope import Scope
from storage.stats import CANCELLED, LEAVE, Window, held_meetings, require_branch

CHUNK = 2000
GENERAL_MEETING = "党员大会"  # 支部党员大会: valid only with more than half of the full members present


@dataclass(frozen=True)
class LedgerMeeting:
    """One row of the 三会一课 ledger."""

    starts_at: datetime
    kind: str
    topic: str
    place: str
    host: str
    recorder: str
    expected: int  # 应到
    present: int  # 实到
    present_full: int
    present_probationary: int
    absent: tuple[str, ...]  # "name（reason）" for leave, "name" otherwise
    quorum: bool | None  # None unless a 党员大会


def members(*, session: Session, scope: Scope, branch_id: int) -> Iterator[tuple[int, str, str, str, str,
                                                                                 datetime | None]]:
    require_branch(scope, branch_id)
    query = (sa_select(col(Member.id), col(Member.name), col(Member.standing), col(Member.status), col(Member.role),
                       col(Member.joined_at))
             .where(col(Member.branch_id) == branch_id).order_by(col(Member.id)))
    for row in session.execute(query.execution_options(yield_per=CHUNK)):
        yield (int(row[0] or 0), row[1], row[2], row[3], row[4], row[5])


def meeting_ledger(*, session: Session, scope: Scope, branch_id: int, window: Window,
                   now: datetime) -> list[LedgerMeeting]:
    """Meetings held in the window with who came, who took leave (and why), who was absent, and quorum."""
    require_branch(scope, branch_id)
    held = held_meetings(session, branch_id, window, now)
    if not held:
        return []
    came: dict[int, set[int]] = defaultdict(set)
    notes: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, member_id, status, note in session.exec(
            select(Attendance.meeting_id, Attendance.member_id, Attendance.status, Attendance.note).where(
                col(Attendance.meeting_id).in_(held))).all():
        if status in ("present", "late"):
            came[meeting_id].add(member_id)
        elif note:
            notes[meeting_id][member_id] = note  # the secretary's word (an excused mark's reason) comes first
    reasons: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, member_id, reason in session.exec(select(Rsvp.meeting_id, Rsvp.member_id, Rsvp.reason).where(
            col(Rsvp.meeting_id).in_(held), Rsvp.response == LEAVE)).all():
        reasons[meeting_id][member_id] = reason or ""
    rows: list[LedgerMeeting] = []
    meetings = session.exec(select(Meeting).where(col(Meeting.id).in_(held), col(Meeting.status) != CANCELLED)
                            .order_by(col(Meeting.starts_at))).all()
    for meeting in meetings:
        assert meeting.id is not None
        expected = attendees(session=session, meeting=meeting)  # 应到 as of the start, as the roster counts it
        present = came[meeting.id] & {m.id for m in expected}
        absent = []
        for person in expected:
            if person.id in present:
                continue
            reason = notes[meeting.id].get(person.id or 0) or reasons[meeting.id].get(person.id or 0)
            absent.append(f"{person.name}（{reason}）" if reason else person.name)
        full_ids = {m.id for m in expected if m.standing == Standing.FULL}
        present_full = len(present & full_ids)
        quorum = present_full * 2 > len(full_ids) if meeting.kind == GENERAL_MEETING else None
        rows.append(LedgerMeeting(
            starts_at=meeting.starts_at, kind=meeting.kind, topic=meeting.topic, place=meeting.place,
            host=meeting.host or "", recorder=meeting.recorder or "", expected=len(expected), present=len(present),
            present_full=present_full, present_probationary=len(present) - present_full,
            absent=tuple(absent), quorum=quorum,
        ))
    return rows


def study_log(*, session: Session, scope: Scope, branch_id: int, window: Window
              ) -> Iterator[tuple[str, str, datetime, datetime | None]]:
    """(member, snippet title, delivered at, read at) — one row per delivered snippet."""
    require_branch(scope, branch_id)
    query = (select(Member.name, StudyUnit.title, StudyProgress.delivered_at, StudyProgress.read_at)
             .join(Member, col(Member.id) == StudyProgress.member_id)
             .join(StudyUnit, col(StudyUnit.id) == StudyProgress.unit_id)
             .where(StudyProgress.branch_id == branch_id, col(StudyProgress.delivered_at) < window.end)
             .order_by(col(StudyProgress.delivered_at), col(StudyProgress.id)))
    if window.start is not None:
        query = query.where(col(StudyProgress.delivered_at) >= window.start)
    yield from session.exec(query.execution_options(yield_per=CHUNK))


def quiz_answers(*, session: Session, scope: Scope, branch_id: int, window: Window
                 ) -> Iterator[tuple[str, datetime, str, str, str, bool]]:
    """(member, answered at, question, document, chosen, correct) — one row per answer."""
    require_branch(scope, branch_id)
    query = (sa_select(col(Member.name), col(QuizAnswer.answered_at), col(Question.stem), col(Question.document),
                       col(QuizAnswer.chosen), col(QuizAnswer.correct))
             .join(Member, col(Member.id) == QuizAnswer.member_id)
             .join(Question, col(Question.id) == QuizAnswer.question_id)
             .where(col(QuizAnswer.branch_id) == branch_id, col(QuizAnswer.answered_at) < window.end)
             .order_by(col(QuizAnswer.answered_at), col(QuizAnswer.id)))
    if window.start is not None:
        query = query.where(col(QuizAnswer.answered_at) >= window.start)
    for name, at, stem, document, chosen, correct in session.execute(query.execution_options(yield_per=CHUNK)):
        yield name, at, stem, document, "、".join(str(c) for c in (chosen or [])), bool(correct)


def question_accuracy(*, session: Session, scope: Scope, branch_id: int, window: Window
                      ) -> list[tuple[str, str, str, int, int]]:
    """(type, question, document, answers, correct) per question answered in the window, most answered first."""
    require_branch(scope, branch_id)
    correct = func.sum(case((col(QuizAnswer.correct), 1), else_=0))
    query = (sa_select(col(Question.qtype), col(Question.stem), col(Question.document), func.count(), correct)
             .join(Question, col(Question.id) == QuizAnswer.question_id)
             .where(col(QuizAnswer.branch_id) == branch_id, col(QuizAnswer.answered_at) < window.end)
             .group_by(col(Question.id), col(Question.qtype), col(Question.stem), col(Question.document))
             .order_by(func.count().desc(), col(Question.id)))
    if window.start is not None:
        query = query.where(col(QuizAnswer.answered_at) >= window.start)
    return [(t, s, d, int(n), int(c or 0)) for t, s, d, n, c in session.execute(query).all()]
