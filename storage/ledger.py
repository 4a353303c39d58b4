"""The rows of the Excel ledgers (台账), as plain tuples streamed from the database.

Why generators: a year of a large branch is hundreds of thousands of answers; the exporter writes each
row as it comes (``bot/sheets.py``) instead of holding the year in memory, and the queries stream with
``yield_per``.  Values are Python values (numbers stay numbers, instants stay aware UTC); the sheets show
times in the branch's timezone.  The meetings' rows come from the turnout read the figures use
(``storage/turnout.py``), so the ledger and ``/stats`` count the same people.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, case, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import (
    MeetingKind,
    Member,
    MemberStatus,
    Question,
    QuizAnswer,
    Role,
    Standing,
    StudyProgress,
    StudyUnit,
)
from storage.scope import Scope
from storage.stats import Window, branch_rows, held_turnout, require_branch
from storage.turnout import Person, Turnout

CHUNK = 2000
GENERAL_MEETING = MeetingKind.GENERAL  # valid only with more than half of the full members expected present


@dataclass(frozen=True)
class LedgerMeeting:
    """One row of the 三会一课 ledger: what a paper 三会一课 record carries (trial T7) — when (start and end),
    what (kind, topic, agenda, materials), who ran it, who came by name, who was away and why, and the
    补学 both done and still owed."""

    starts_at: datetime
    ends_at: datetime
    kind: str
    topic: str
    place: str
    host: str
    recorder: str
    agenda: str
    materials: tuple[str, ...]  # the documents' titles, as stored (the sheet names them in the reader's words)
    expected: int  # 应到
    present: int  # 实到
    present_full: int
    present_probationary: int
    attended: tuple[str, ...]  # 出席人员: everyone who came (the late too: 迟到 names them again)
    late: tuple[str, ...]  # came, marked 迟到
    leave: tuple[str, ...]  # 请假: "name（reason）", "name" when none was given
    absent: tuple[str, ...]  # 缺席 (away without leave): "name（reason）" when one was noted, else "name"
    makeup_done: tuple[str, ...]  # of the absent, who has done the make-up study (补学)
    makeup_owed: tuple[str, ...]  # of the absent, who still owes it (/attendance's 补学未完成)
    quorum: bool | None  # None unless a 党员大会
    full_expected: int = 0  # the quorum's denominator: 正式党员 expected (present_full is its numerator)


# the 党员名册 holds members, present and past (a removed one stays for the ledgers); never an applicant —
# waiting, rejected or lapsed, they are not 党员 of the branch (``/stats`` counts no applicant either; the
# waiting ones are the secretary's to-do in ``/members``)
ON_ROLL = (MemberStatus.ACTIVE, MemberStatus.LEFT)


def members(*, session: Session, scope: Scope, branch_id: int) -> Iterator[tuple[int, str, str, str, str,
                                                                                 datetime | None]]:
    require_branch(scope, branch_id)
    query = (sa_select(col(Member.id), col(Member.name), col(Member.standing), col(Member.status), col(Member.role),
                       col(Member.joined_at))
             .where(col(Member.branch_id) == branch_id, col(Member.role) != Role.ADMIN,
                    col(Member.status).in_(ON_ROLL)).order_by(col(Member.id)))
    for row in session.execute(query.execution_options(yield_per=CHUNK)):
        yield (int(row[0] or 0), row[1], row[2], row[3], row[4], row[5])


def meeting_ledger(*, session: Session, scope: Scope, branch_id: int, window: Window,
                   now: datetime) -> list[LedgerMeeting]:
    """Meetings held in the window with who came, who was away (and why), make-up done, and quorum."""
    require_branch(scope, branch_id)
    return [ledger_row(t) for t in held_turnout(session, branch_id, window, now)]


def _with_reason(person: Person, held: Turnout) -> str:
    reason = held.reasons.get(person.id)
    return f"{person.name}（{reason}）" if reason else person.name


def ledger_row(held: Turnout) -> LedgerMeeting:
    """The ledger keeps 请假 apart from 缺席 and names who came 迟到, by /attendance's rules (trial T4: an
    approved leave was filed under 缺席, and lateness was nowhere in the formal record)."""
    meeting, present = held.meeting, held.present
    present_full = sum(p.full for p in present)
    full_expected = sum(p.full for p in held.expected)
    names = {p.id: p.name for p in held.expected}
    return LedgerMeeting(
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, kind=meeting.kind, topic=meeting.topic,
        place=meeting.place, host=meeting.host or "", recorder=meeting.recorder or "", agenda=meeting.agenda or "",
        materials=tuple(meeting.materials or ()), expected=len(held.expected), present=len(present),
        present_full=present_full, present_probationary=len(present) - present_full,
        attended=tuple(p.name for p in present),
        late=tuple(p.name for p in present if p.id in held.late),
        leave=tuple(_with_reason(p, held) for p in held.on_leave),
        absent=tuple(_with_reason(p, held) for p in held.absent if p.id not in held.leave),
        makeup_done=tuple(names[i] for i in sorted(held.makeup_done)),
        makeup_owed=tuple(p.name for p in held.expected if p.id in held.makeup_owed),
        quorum=present_full * 2 > full_expected if meeting.kind == GENERAL_MEETING else None,
        full_expected=full_expected,
    )


OPENING = 20  # characters of a snippet's text that name a part without a heading


def study_log(*, session: Session, scope: Scope, branch_id: int, window: Window
              ) -> Iterator[tuple[str, str, str | None, str, datetime, datetime | None]]:
    """(member, document title, the snippet's heading, its opening words, delivered at, read at) — one row
    per delivered snippet.

    The heading (else the opening words) says which part of the document it was (trial 3, V6).  No
    "第 N 段": the place a member was shown ("第 N/M 段") is not stored, and today's place in the plan moves
    whenever a material is added or re-weighted, so a number worked out now could contradict what the
    member saw (review 1, R9)."""
    require_branch(scope, branch_id)
    query = (sa_select(col(Member.name), col(StudyUnit.title), col(StudyUnit.heading),
                       func.substr(col(StudyUnit.text), 1, OPENING),
                       col(StudyProgress.delivered_at), col(StudyProgress.read_at))
             .select_from(StudyProgress)
             .join(Member, col(Member.id) == StudyProgress.member_id)
             .join(StudyUnit, col(StudyUnit.id) == StudyProgress.unit_id)
             .where(branch_rows(session, StudyProgress, branch_id), col(StudyProgress.delivered_at) < window.end)
             .order_by(col(StudyProgress.delivered_at), col(StudyProgress.id)))
    if window.start is not None:
        query = query.where(col(StudyProgress.delivered_at) >= window.start)
    for row in session.execute(query.execution_options(yield_per=CHUNK)):
        yield row[0], row[1], row[2], row[3] or "", row[4], row[5]


def quiz_answers(*, session: Session, scope: Scope, branch_id: int, window: Window
                 ) -> Iterator[tuple[str, datetime, str, str, str, bool]]:
    """(member, answered at, question, document, chosen, correct) — one row per answer.

    The answers are read alone and named from two small lookups (a branch has hundreds of members and
    questions, a year hundreds of thousands of answers): no join per row, and each name, stem and choice
    is one shared string instead of a copy per row."""
    require_branch(scope, branch_id)
    names = dict(session.exec(select(Member.id, Member.name).where(Member.branch_id == branch_id)).all())
    questions = {i: (stem, document) for i, stem, document in session.exec(
        select(Question.id, Question.stem, Question.document).where(Question.branch_id == branch_id)).all()}
    query = (sa_select(col(QuizAnswer.member_id), col(QuizAnswer.answered_at), col(QuizAnswer.question_id),
                       cast(col(QuizAnswer.chosen), String), col(QuizAnswer.correct))
             .where(branch_rows(session, QuizAnswer, branch_id), col(QuizAnswer.answered_at) < window.end)
             .order_by(col(QuizAnswer.answered_at), col(QuizAnswer.id)))
    if window.start is not None:
        query = query.where(col(QuizAnswer.answered_at) >= window.start)
    choices: dict[str, str] = {}
    for member_id, at, question_id, chosen, correct in session.execute(query.execution_options(yield_per=CHUNK)):
        shown = choices.get(chosen)
        if shown is None:
            shown = choices[chosen] = "、".join(str(c) for c in (json.loads(chosen) if chosen else []))
        stem, document = questions.get(question_id, ("", ""))
        yield names.get(member_id, ""), at, stem, document, shown, bool(correct)


def question_accuracy(*, session: Session, scope: Scope, branch_id: int, window: Window
                      ) -> list[tuple[str, str, str, int, int]]:
    """(type, question, document, answers, correct) per question answered in the window, most answered first."""
    require_branch(scope, branch_id)
    correct = func.sum(case((col(QuizAnswer.correct), 1), else_=0))
    query = (sa_select(col(Question.qtype), col(Question.stem), col(Question.document), func.count(), correct)
             .join(Question, col(Question.id) == QuizAnswer.question_id)
             .where(branch_rows(session, QuizAnswer, branch_id), col(QuizAnswer.answered_at) < window.end)
             .group_by(col(Question.id), col(Question.qtype), col(Question.stem), col(Question.document))
             .order_by(func.count().desc(), col(Question.id)))
    if window.start is not None:
        query = query.where(col(QuizAnswer.answered_at) >= window.start)
    return [(t, s, d, int(n), int(c or 0)) for t, s, d, n, c in session.execute(query).all()]


def standing_counts(*, session: Session, scope: Scope, branch_ids: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """(branch, 正式, 预备, pending) per branch: the members a 党委 reports upward."""
    for branch_id in branch_ids:
        require_branch(scope, branch_id)
    counts: dict[int, dict[str, int]] = {b: {} for b in branch_ids}
    rows = session.exec(select(Member.branch_id, Member.status, Member.standing, func.count()).where(
        col(Member.branch_id).in_(branch_ids), col(Member.role) != Role.ADMIN)
        .group_by(col(Member.branch_id), col(Member.status), col(Member.standing))).all()
    for branch_id, status, standing, n in rows:
        key = str(standing) if status == MemberStatus.ACTIVE else str(status)
        counts[branch_id][key] = counts[branch_id].get(key, 0) + int(n)
    return [(b, counts[b].get(Standing.FULL, 0), counts[b].get(Standing.PROBATIONARY, 0),
             counts[b].get(MemberStatus.PENDING, 0)) for b in branch_ids]
