"""One member's figures and who has not come to a meeting lately: the per-member questions.

Why apart from ``storage/stats.py``: that module answers "how is the branch doing" with totals over a period;
these two answer "how is *this* member doing" (``/stats <member>``, the member's own digest) and "whom should
the secretary talk to" (attendance warnings).  They share the period and meeting rules (``Window``,
``HELD``, ``held_turnout``) and import them from there, so both screens count a meeting the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Attendance, Meeting, Member, Question, QuizAnswer, Role, StudyProgress
from storage.scope import Scope
from storage.stats import CAME_CLAUSE, COUNTED, HELD, Window, as_utc, held_turnout, in_window, require_branch


@dataclass(frozen=True)
class DocumentAccuracy:
    document: str
    answers: int
    correct: int


@dataclass(frozen=True)
class MemberStats:
    member_id: int
    name: str
    status: str
    standing: str
    delivered: int
    read: int
    study_days: int
    answers: int
    correct: int
    by_document: tuple[DocumentAccuracy, ...]
    meetings_held: int
    attended: int
    leaves: int
    last_attended: datetime | None
    absent: int = 0  # expected, did not come, not on approved leave


@dataclass(frozen=True)
class AttendanceWarning:
    member_id: int
    name: str
    last_attended: datetime | None  # None: never, since joining
    joined_at: datetime | None
    standing: str = "full"


def member_stats(
    *,
    session: Session,
    scope: Scope,
    branch_id: int,
    member_id: int,
    window: Window,
    now: datetime,
    tz: tzinfo = UTC,
    checkin_after: timedelta = timedelta(0),
) -> MemberStats | None:
    """One member's figures; ``None`` when the caller may not see that member (or there is none). An absence
    counts once the meeting's check-in has closed (``checkin_after`` past its start), as in /attendance."""
    member = session.get(Member, member_id)
    if member is None or member.branch_id != branch_id or not scope.sees_member(member):
        return None
    delivered, read = session.exec(
        select(func.count(), func.count(col(StudyProgress.read_at))).where(
            StudyProgress.member_id == member_id, in_window(StudyProgress.delivered_at, window)
        )
    ).one()
    reads = session.exec(
        select(StudyProgress.read_at).where(  # one member: a few hundred rows at most
            StudyProgress.member_id == member_id,
            col(StudyProgress.read_at).is_not(None),
            in_window(StudyProgress.read_at, window),
        )
    ).all()
    days = len({stamp.astimezone(tz).date() for stamp in reads if stamp is not None})
    by_doc = session.exec(
        select(Question.document, func.count(), func.sum(case((col(QuizAnswer.correct), 1), else_=0)))
        .join(Question, col(Question.id) == QuizAnswer.question_id)
        .where(QuizAnswer.member_id == member_id, in_window(QuizAnswer.answered_at, window))
        .group_by(col(Question.document))
        .order_by(col(Question.document))
    ).all()
    # the meetings this member was expected at, and what they did there: /attendance's rules (storage.turnout)
    mine = [
        t
        for t in held_turnout(session, branch_id, window, now)
        if member.role != Role.ADMIN and any(p.id == member_id for p in t.expected)
    ]
    attended = sum(1 for t in mine if member_id in t.came)
    leaves = sum(1 for t in mine if member_id in t.leave)
    absent = sum(1 for t in mine if member_id in t.missing and t.meeting.starts_at + checkin_after <= now)
    last = session.exec(
        select(func.max(Meeting.starts_at))
        .join(Attendance, col(Attendance.meeting_id) == Meeting.id)
        .where(Attendance.member_id == member_id, CAME_CLAUSE, HELD(now))
    ).one()
    documents = tuple(DocumentAccuracy(d, int(n), int(c or 0)) for d, n, c in by_doc)
    return MemberStats(
        member_id=member_id,
        name=member.name,
        status=member.status,
        standing=member.standing,
        delivered=int(delivered),
        read=int(read),
        study_days=int(days),
        answers=sum(d.answers for d in documents),
        correct=sum(d.correct for d in documents),
        by_document=documents,
        meetings_held=len(mine),
        attended=attended,
        leaves=leaves,
        absent=absent,
        last_attended=as_utc(last),
    )


def attendance_warnings(
    *, session: Session, scope: Scope, branch_id: int, since: datetime, now: datetime
) -> list[AttendanceWarning]:
    """Active members whose last meeting attendance is before ``since`` (or who never attended and joined
    before it): the secretary acts well before the Party Constitution's six-month line.  Only meetings held
    by ``now`` count, as everywhere else (a meeting still going on is not yet held, V24)."""
    require_branch(scope, branch_id)
    last = (
        select(Attendance.member_id, func.max(Meeting.starts_at).label("last"))
        .join(Meeting, col(Meeting.id) == Attendance.meeting_id)
        .where(Attendance.branch_id == branch_id, CAME_CLAUSE, HELD(now))
        .group_by(col(Attendance.member_id))
        .subquery()
    )
    rows = session.execute(
        sa_select(col(Member.id), col(Member.name), last.c.last, col(Member.joined_at), col(Member.standing))
        .outerjoin(last, last.c.member_id == Member.id)
        .where(col(Member.branch_id) == branch_id, COUNTED)
        .order_by(last.c.last.is_not(None), last.c.last, col(Member.id))
    ).all()
    warnings: list[AttendanceWarning] = []
    for member_id, name, last_at, joined, standing in rows:
        last_at, joined = as_utc(last_at), as_utc(joined)
        reference = last_at or joined
        if member_id is not None and (reference is None or reference < since):
            warnings.append(AttendanceWarning(int(member_id), name, last_at, joined, str(standing)))
    return warnings
