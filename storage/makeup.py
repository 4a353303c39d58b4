"""补学: what an absent or excused member owes after a meeting — its materials and a short quiz on them.

::

    meeting over ──assign (storage.attendance)──▶ Makeup row, owed
    [已学完，开始测验] ──start_makeup──▶ read_at; a quiz session of the published questions on the
                                        meeting's materials (quiz_session_id) ──answers (the quiz feature)──▶
                                        session finished ──settle──▶ completed_at
    no published question on the materials ──▶ reading completes it (the member is told there is no quiz)
    nothing to read (no materials, or none found) ──▶ no button: the member learns the meeting's content from
                                        the secretary, who records it (record_makeup, ``/attendance N 姓名 补学``)

The quiz itself is an ordinary session of ``storage.quiz`` (kind ``makeup``): the quiz feature asks and
grades it, so completion is read from the session — by the roster at once, and recorded on the row by
:func:`settle_makeups` on the next tick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from storage import quiz as quiz_store
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.meetings import fits, get_meeting, seen_by, study_units
from storage.members import audit
from storage.models import (
    CAME,
    Attendance,
    Makeup,
    Meeting,
    Member,
    Question,
    QuestionStatus,
    QuizSession,
    QuizSessionState,
    StudyUnit,
)
from storage.scope import Scope

QUIZ_KIND = "makeup"


def makeup_of(*, session: Session, meeting_id: int, member_id: int) -> Makeup | None:
    return session.exec(select(Makeup).where(Makeup.meeting_id == meeting_id, Makeup.member_id == member_id)).first()


def makeup_questions(*, session: Session, meeting: Meeting, size: int, titles: Sequence[str] | None = None
                     ) -> list[int]:
    """Published questions whose source document is among the meeting's materials (``titles``: only those of
    them the 补学 offered to read — a quiz on a material never shown is unfair), the most worth first."""
    titles = [t for t in meeting.materials if titles is None or t in titles]
    if not titles:
        return []
    doc_keys = list(session.exec(select(StudyUnit.doc_key).where(
        StudyUnit.branch_id == meeting.branch_id, col(StudyUnit.title).in_(titles)).distinct()).all())
    query = (select(Question.id).where(Question.branch_id == meeting.branch_id,
                                       Question.status == QuestionStatus.PUBLISHED,
                                       or_(col(Question.doc_key).in_(doc_keys), col(Question.document).in_(titles)))
             .order_by(col(Question.score).desc(), col(Question.id)).limit(size))
    return [qid for qid in session.exec(query).all() if qid is not None]


@dataclass(frozen=True)
class MakeupStep:
    """What pressing 已学完 led to: already done, done now (no quiz to take), or a quiz to answer."""

    done_before: bool = False
    done_now: bool = False
    quiz: QuizSession | None = None


def start_makeup(*, session: Session, member: Member, meeting_id: int, now: datetime, size: int,
                 titles: Sequence[str] | None = None) -> MakeupStep:
    """The member read the materials (``titles``: those the 补学 offered): record it and start the quiz on
    them (again, if a previous one was left)."""
    assert member.id is not None
    row = makeup_of(session=session, meeting_id=meeting_id, member_id=member.id)
    if row is None:
        raise NotFound("makeup_not_found", id=meeting_id)
    settle(session, row)
    if row.completed_at is not None:
        return MakeupStep(done_before=True)
    row.read_at = row.read_at or now
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    ids = makeup_questions(session=session, meeting=meeting, size=size, titles=titles)
    quiz = quiz_store.start_session(session=session, member=member, now=now, size=len(ids), question_ids=ids,
                                    kind=QUIZ_KIND) if ids else None
    if quiz is None:
        if not study_units(session=session, branch_id=meeting.branch_id, titles=list(meeting.materials)):
            raise InvalidState("makeup_nothing_to_read", id=meeting_id)  # one tap on nothing is not study
        row.completed_at = now
        session.add(row)
        return MakeupStep(done_now=True)
    row.quiz_session_id = quiz.id
    session.add(row)
    return MakeupStep(quiz=quiz)


def record_makeup(*, session: Session, meeting: Meeting, member: Member, now: datetime) -> Makeup:
    """A secretary records a member's 补学 done (learned from the secretary, or on paper) — the way to complete
    one with nothing to read; the caller checks the secretary may."""
    assert meeting.id is not None and member.id is not None
    row = makeup_of(session=session, meeting_id=meeting.id, member_id=member.id)
    if row is None:
        raise NotFound("makeup_owed_none", name=member.name, id=meeting.id)
    if row.completed_at is None:
        row.read_at = row.read_at or now
        row.completed_at = now
        session.add(row)
    return row


def mark_makeup(*, session: Session, actor: Member, meeting_id: int, member_id: int, now: datetime,
                scope: Scope | None = None) -> tuple[Meeting, Member]:
    """``/attendance N 姓名 补学``: a secretary (or committee admin, in scope) records one member's 补学 done."""
    seen = seen_by(actor, scope)
    if not seen.manages:
        raise PermissionDenied()
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    member = session.get(Member, member_id) if fits(member_id) else None
    if member is None or member.branch_id != meeting.branch_id:
        raise NotFound("member_not_found", member_id=member_id)
    record_makeup(session=session, meeting=meeting, member=member, now=now)
    audit(session=session, branch_id=meeting.branch_id, actor=actor.tg_user_id, action="makeup_marked",
          detail=f"meeting #{meeting_id} member #{member_id}", now=now)
    return meeting, member


def settle(session: Session, row: Makeup) -> bool:
    """Record completion when the row's quiz session is finished; ``True`` when it changed the row."""
    if row.completed_at is not None or row.read_at is None or row.quiz_session_id is None:
        return False
    quiz = session.get(QuizSession, row.quiz_session_id)
    if quiz is None or quiz.state != QuizSessionState.FINISHED:
        return False
    row.completed_at = quiz.ended_at or quiz.active_at
    session.add(row)
    return True


def settle_makeups(*, session: Session) -> int:
    """Every 补学 whose quiz was finished since the last tick is recorded as completed."""
    rows = session.exec(select(Makeup).where(col(Makeup.completed_at).is_(None),
                                             col(Makeup.quiz_session_id).is_not(None))).all()
    return sum(settle(session, row) for row in rows)


def owed_by(*, session: Session, member_id: int) -> list[Meeting]:
    """The meetings whose 补学 ``member_id`` still owes, oldest first: ``/me`` lists them and ``/meeting N``
    gives the 补学 again (trial T22) — by the same rule as the roster's 补学未完成."""
    rows = session.exec(select(Makeup).where(Makeup.member_id == member_id, col(Makeup.completed_at).is_(None))).all()
    states = makeup_states_of(session=session, meeting_ids=[r.meeting_id for r in rows])
    owing = [r.meeting_id for r in rows if states.get(r.meeting_id, {}).get(member_id) == "owes"]
    meetings = session.exec(select(Meeting).where(col(Meeting.id).in_(owing))).all() if owing else []
    return sorted(meetings, key=lambda m: m.starts_at)


def makeup_states(*, session: Session, meeting_id: int) -> dict[int, str]:
    """Per member who owes this meeting's 补学: ``done`` or ``owes`` (a finished quiz counts at once)."""
    return makeup_states_of(session=session, meeting_ids=[meeting_id]).get(meeting_id, {})


def makeup_states_of(*, session: Session, meeting_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """``makeup_states`` for many meetings at once (meeting id -> member id -> state): the one rule that
    /attendance, /stats and the ledger share, so their 补学 figures cannot disagree.  Whoever the ledger
    records as present is left out: a member who came owes no 补学, whatever row was assigned before."""
    states: dict[int, dict[int, str]] = {}
    rows = session.exec(select(Makeup).where(col(Makeup.meeting_id).in_(list(meeting_ids)))).all()
    quiz_ids = [r.quiz_session_id for r in rows
                if r.completed_at is None and r.read_at is not None and r.quiz_session_id is not None]
    finished = set(session.exec(select(QuizSession.id).where(
        col(QuizSession.id).in_(quiz_ids), QuizSession.state == QuizSessionState.FINISHED)).all())
    # a member recorded present (the secretary's /attendance after the fact, or a late check-in) owes nothing
    came = set(session.exec(select(Attendance.meeting_id, Attendance.member_id).where(
        col(Attendance.meeting_id).in_(list(meeting_ids)),
        col(Attendance.status).in_(CAME))).all())
    for row in rows:
        if (row.meeting_id, row.member_id) in came:
            continue
        done = row.completed_at is not None or (row.read_at is not None and row.quiz_session_id in finished)
        states.setdefault(row.meeting_id, {})[row.member_id] = "done" if done else "owes"
    return states
