"""Participation figures as frozen read models, aggregated in SQL.

Why SQL and not Python loops: a year of a large deployment is millions of answers; ``/stats`` must come
back in a fraction of a second, so every figure is a ``COUNT``/``SUM`` over an indexed range
(``ix_answer_branch_time``, ``ix_progress_branch_time``, ``ix_attendance_branch``) and only the small
results (a few numbers, the names of members who need a nudge) reach Python.

What is counted (the secretary's questions, in the ledger's words):

* members: active / pending / unreachable (blocked the bot) now;
* study: snippets delivered in the period and how many of them were marked read; members who read any;
* quizzes: answers and correct answers in the period; members who answered any;
* meetings held in the period (start passed, not cancelled), attendance against who was expected, leave and
  make-up study owed (``storage/turnout.py``, shared with the 三会一课 ledger);
* who has not studied / not answered in the period (by name, so the secretary can help them);
* the questions answered wrong most often (what to re-teach), with their documents.

One member's figures and the attendance warnings are in ``storage/member_figures.py``: they use the period
and meeting rules defined here (``Window``, ``HELD``, ``held_turnout``).

No ranking and no time online: completion and understanding only (DESIGN.md, "Policy choices").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_
from sqlmodel import Session, col, select

from storage.errors import PermissionDenied
from storage.models import (
    CAME,
    Attendance,
    Branch,
    Meeting,
    Member,
    MemberStatus,
    Question,
    QuestionStatus,
    QuizAnswer,
    Role,
    StudyProgress,
    joined_before,
)
from storage.scope import Scope
from storage.turnout import Turnout, turnout

CANCELLED = "cancelled"

# an attendance row records what happened (a secretary may mark someone excused or absent): only these came
CAME_CLAUSE = col(Attendance.status).in_(CAME)  # the clause form of ``storage.models.CAME``
# committee admins are not members of the branch their row sits in
COUNTED = and_(col(Member.status) == MemberStatus.ACTIVE, col(Member.role) != Role.ADMIN)
RESOLUTION = timedelta(microseconds=1)  # the finest step of a stored moment


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval ``[start, end)``; ``start`` is ``None`` for "since the beginning"."""

    start: datetime | None
    end: datetime


def through(now: datetime) -> datetime:
    """The end of a window that ends *now*, ``now`` included: windows are half-open, so a period "so far"
    ends one microsecond (the stored resolution) after now — an answer given or a member approved at this
    very instant is in it, by the same ``< end`` every count uses."""
    return now + RESOLUTION


@dataclass(frozen=True)
class MemberRef:
    id: int
    name: str
    new: bool = False  # joined in the period's last ``NEWCOMER`` (``newcomer_since``): not yet "behind"


# a member who joined less than a week before a period's end has not had a week of study and quizzes yet:
# the weekly digest marks them 新加入 and its 提醒 leaves them out (trial T13: two days in, and told "上周
# 没有看到您的学习或答题记录")
NEWCOMER = timedelta(days=7)


def newcomer_since(window: Window) -> datetime:
    """Who joined at or after this instant is new in ``window``: within the period, and within a week of its
    end — the digest's week is exactly that; in a month, only the last week's joiners are new."""
    since = window.end - NEWCOMER
    return since if window.start is None else max(since, window.start)


@dataclass(frozen=True)
class WeakQuestion:
    question_id: int
    stem: str
    document: str
    answers: int
    wrong: int


class Rates:
    """The three rates every figure screen shows, from the counts a read model carries (one definition for
    the branch screen and the committee table)."""

    read: int
    delivered: int
    correct: int
    answers: int
    attendances: int
    expected_attendances: int

    @property
    def study_rate(self) -> float | None:
        return self.read / self.delivered if self.delivered else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def attendance_rate(self) -> float | None:
        return self.attendances / self.expected_attendances if self.expected_attendances else None


@dataclass(frozen=True)
class BranchStats(Rates):
    branch_id: int
    branch_name: str
    active: int
    pending: int
    unreachable: int
    delivered: int
    read: int
    readers: int
    answers: int
    correct: int
    answerers: int
    meetings_held: int
    attendances: int
    expected_attendances: int
    leaves: int
    makeup_owed: int
    not_studied: tuple[MemberRef, ...]
    not_answered: tuple[MemberRef, ...]
    weak_questions: tuple[WeakQuestion, ...]
    quiz_open: bool = True  # a question could be answered in the period (``quiz_offered``)



def require_branch(scope: Scope, branch_id: int) -> None:
    """Figures of a branch are for its secretaries and the committee admins who oversee it, nobody else."""
    if not scope.manages or not scope.sees_branch(branch_id):
        raise PermissionDenied()


def in_window(column: datetime | None, window: Window) -> ColumnElement[bool]:
    """``column`` within the window (the model attribute, typed as its Python value by SQLModel)."""
    clauses = [col(column) < window.end]
    if window.start is not None:
        clauses.append(col(column) >= window.start)
    return and_(*clauses)


def _active_members(session: Session, branch_id: int, until: datetime | None = None,
                    new_since: datetime | None = None) -> list[MemberRef]:
    """The branch's members; with ``until`` (a window's end), only those who had joined before it
    (``storage.models.joined_before``: nobody is behind on a week they were not yet a member for; a period
    that ends now ends at :func:`through` now, so it counts whoever was approved this very instant).  With
    ``new_since``, those who joined at or after it are marked ``new``."""
    query = select(Member.id, Member.name, Member.joined_at).where(Member.branch_id == branch_id, COUNTED)
    if until is not None:
        query = query.where(joined_before(until))
    return [MemberRef(int(i), n, new_since is not None and joined is not None
                      and joined.replace(tzinfo=joined.tzinfo or UTC) >= new_since)
            for i, n, joined in session.exec(query.order_by(col(Member.id))).all() if i is not None]


def branch_started(session: Session, branch_id: int) -> datetime | None:
    """When the branch began: its creation here, or the first member's joining if that was earlier (a roll
    imported with past dates).  Nothing is charted before it (trial 3, V7)."""
    branch = session.get(Branch, branch_id)
    first = session.exec(select(func.min(Member.joined_at)).where(
        Member.branch_id == branch_id, col(Member.role) != Role.ADMIN)).one()
    found = [t for t in (as_utc(branch.created_at if branch is not None else None), as_utc(first)) if t is not None]
    return min(found) if found else None


def members_joined_before(session: Session, branch_id: int, moment: datetime) -> bool:
    """Whether the branch had any member before ``moment``, a window's end (a digest about a week before
    anyone joined is noise), by the rule /stats counts the week's members with: one who joined at its very
    end belongs to the next week."""
    return bool(_active_members(session, branch_id, until=moment))


def _members_rows(model: type[StudyProgress] | type[QuizAnswer], branch_id: int) -> ColumnElement[bool]:
    """The branch's rows of ``model`` by its members on the roll now — the population of 在册: a removed
    member's answers are not counted as a participant out of the members who remain."""
    return and_(col(model.branch_id) == branch_id, col(model.member_id).in_(
        select(Member.id).where(Member.branch_id == branch_id, COUNTED)))


def HELD(now: datetime) -> ColumnElement[bool]:  # a clause, named like CAME_CLAUSE and COUNTED
    """A meeting that took place: over by ``now`` (one still going on is not yet held, trial V24), not cancelled."""
    return and_(col(Meeting.status) != CANCELLED, col(Meeting.ends_at) <= now)


def held_meetings(session: Session, branch_id: int, window: Window, now: datetime) -> list[Meeting]:
    """Meetings that took place in the window (``HELD``, started in it), oldest first."""
    query = select(Meeting).where(Meeting.branch_id == branch_id, HELD(now), col(Meeting.starts_at) < window.end)
    if window.start is not None:
        query = query.where(col(Meeting.starts_at) >= window.start)
    return list(session.exec(query.order_by(col(Meeting.starts_at), col(Meeting.id))).all())


def held_turnout(session: Session, branch_id: int, window: Window, now: datetime) -> list[Turnout]:
    return turnout(session=session, branch_id=branch_id, meetings=held_meetings(session, branch_id, window, now))


def _admins(session: Session, branch_id: int) -> list[int]:
    return [int(i) for i in session.exec(select(Member.id).where(
        Member.branch_id == branch_id, Member.role == Role.ADMIN)).all() if i is not None]


def _rows_of(model: type[StudyProgress] | type[QuizAnswer], branch_id: int, admins: list[int]
             ) -> ColumnElement[bool]:
    clause = col(model.branch_id) == branch_id
    return and_(clause, col(model.member_id).not_in(admins)) if admins else clause


def branch_rows(session: Session, model: type[StudyProgress] | type[QuizAnswer], branch_id: int
                ) -> ColumnElement[bool]:
    """The branch's rows of ``model``, without a committee admin's own (their row sits in a branch, they
    may study and answer, but they are not one of its members)."""
    return _rows_of(model, branch_id, _admins(session, branch_id))


def branch_stats(*, session: Session, scope: Scope, branch_id: int, window: Window, now: datetime,
                 weak_limit: int = 5) -> BranchStats:
    require_branch(scope, branch_id)
    branch = session.get(Branch, branch_id)
    name = branch.name if branch is not None else ""
    unreachable_now = func.sum(case((col(Member.reachable).is_(False), 1), else_=0))
    by_status = {status: (int(n), int(u or 0)) for status, n, u in session.exec(
        select(Member.status, func.count(), unreachable_now)
        .where(Member.branch_id == branch_id, col(Member.role) != Role.ADMIN).group_by(col(Member.status))).all()}
    progress_rows, answer_rows = _members_rows(StudyProgress, branch_id), _members_rows(QuizAnswer, branch_id)
    delivered, read, readers = session.exec(
        select(func.count(), func.count(col(StudyProgress.read_at)),
               func.count(distinct(case((col(StudyProgress.read_at).is_not(None), StudyProgress.member_id)))))
        .where(progress_rows, in_window(StudyProgress.delivered_at, window))
    ).one()
    # one pass over the answers gives the totals and the questions answered wrong most (a bank has hundreds)
    per_question = [(int(q), int(n), int(c or 0)) for q, n, c in session.exec(
        select(QuizAnswer.question_id, func.count(), func.sum(case((col(QuizAnswer.correct), 1), else_=0)))
        .where(answer_rows, in_window(QuizAnswer.answered_at, window)).group_by(col(QuizAnswer.question_id))).all()]
    active = _active_members(session, branch_id, until=window.end, new_since=newcomer_since(window))
    held = held_turnout(session, branch_id, window, now)
    studied: set[int] = set(session.exec(select(StudyProgress.member_id).distinct().where(
        progress_rows, col(StudyProgress.read_at).is_not(None),
        in_window(StudyProgress.read_at, window))).all())
    answered: set[int] = set(session.exec(select(QuizAnswer.member_id).distinct().where(
        answer_rows, in_window(QuizAnswer.answered_at, window))).all())
    # nobody is behind on what was never offered: a period with no snippet pushed lists nobody as 未学习,
    # one with no question to answer nobody as 未答题 — so the digest offers no nudge about nothing (trial 3)
    quiz_open = bool(per_question) or quiz_offered(session, branch_id, window)
    return BranchStats(
        branch_id=branch_id, branch_name=name,
        active=len(active), pending=by_status.get(MemberStatus.PENDING, (0, 0))[0],
        unreachable=by_status.get(MemberStatus.ACTIVE, (0, 0))[1], delivered=int(delivered), read=int(read),
        readers=int(readers), answers=sum(n for _q, n, _c in per_question),
        correct=sum(c for _q, _n, c in per_question), answerers=len(answered),
        meetings_held=len(held), attendances=sum(len(t.came) for t in held),
        expected_attendances=sum(len(t.expected) for t in held), leaves=sum(len(t.leave) for t in held),
        makeup_owed=sum(len(t.makeup_owed) for t in held),
        not_studied=tuple(m for m in active if m.id not in studied) if delivered else (),
        not_answered=tuple(m for m in active if m.id not in answered) if quiz_open else (), quiz_open=quiz_open,
        weak_questions=tuple(_weak_questions(session, per_question, weak_limit)),
    )


def quiz_offered(session: Session, branch_id: int, window: Window) -> bool:
    """Whether the branch had a question members could answer during the window: answered in it (by anyone,
    also a member removed since), published before it ended (a secretary's approval, else the automatic
    publication's write) and still published, or retired only after it began.  Today's bank says nothing
    about a past week (review 1, R8).  The end is included, as in ``_active_members``: a period that ends
    now counts a question published this very moment."""
    if session.exec(select(QuizAnswer.id).where(QuizAnswer.branch_id == branch_id,
                                                in_window(QuizAnswer.answered_at, window)).limit(1)).first():
        return True
    since = func.coalesce(col(Question.reviewed_at), col(Question.updated_at))
    live = and_(col(Question.status) == QuestionStatus.PUBLISHED, since <= window.end)
    retired = and_(col(Question.status) == QuestionStatus.RETIRED, col(Question.reviewed_at) <= window.end,
                   *([col(Question.updated_at) >= window.start] if window.start is not None else []))
    return session.exec(select(Question.id).where(Question.branch_id == branch_id, or_(live, retired))
                        .limit(1)).first() is not None


def _weak_questions(session: Session, per_question: list[tuple[int, int, int]], limit: int) -> list[WeakQuestion]:
    """The questions answered wrong most often (ties: the higher wrong share first, then the older question)."""
    ranked = sorted(((q, n, n - c) for q, n, c in per_question if n > c), key=lambda r: (-r[2], -r[2] / r[1], r[0]))
    ranked = ranked[:limit]
    if not ranked:
        return []
    questions = {q.id: q for q in session.exec(select(Question).where(
        col(Question.id).in_([r[0] for r in ranked]))).all()}
    return [WeakQuestion(qid, questions[qid].stem, questions[qid].document, n, w)
            for qid, n, w in ranked if qid in questions]



@dataclass(frozen=True)
class WeekPoint:
    start: datetime
    delivered: int
    read: int
    answers: int
    correct: int
    attendances: int
    expected_attendances: int


def weekly_series(*, session: Session, scope: Scope, branch_id: int, starts: Sequence[datetime], end: datetime,
                  now: datetime) -> list[WeekPoint]:
    """One point per week (``starts`` are the UTC instants the branch's local weeks begin)."""
    require_branch(scope, branch_id)
    bounds = [*starts, end]
    held = held_turnout(session, branch_id, Window(bounds[0], end), now)
    admins = _admins(session, branch_id)
    progress_rows, answer_rows = _rows_of(StudyProgress, branch_id, admins), _rows_of(QuizAnswer, branch_id, admins)
    points: list[WeekPoint] = []
    for lo, hi in pairwise(bounds):
        window = Window(lo, hi)
        delivered, read = session.exec(select(func.count(), func.count(col(StudyProgress.read_at))).where(
            progress_rows, in_window(StudyProgress.delivered_at, window))).one()
        answers, correct = session.exec(select(func.count(), func.coalesce(func.sum(
            case((col(QuizAnswer.correct), 1), else_=0)), 0)).where(
            answer_rows, in_window(QuizAnswer.answered_at, window))).one()
        week = [t for t in held if lo <= (as_utc(t.meeting.starts_at) or lo) < hi]
        points.append(WeekPoint(lo, int(delivered), int(read), int(answers), int(correct),
                                sum(len(t.came) for t in week), sum(len(t.expected) for t in week)))
    return points

def as_utc(value: datetime | None) -> datetime | None:
    """An aggregate over a UTC column may come back naive (SQLite); give it back aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
