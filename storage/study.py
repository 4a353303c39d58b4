"""A member's daily study: where they are in the plan, what was delivered and read, and the daily pushes.

::

    StudyUnit (position = plan order) ──next_unit──▶ the first active unit not yet delivered to the member
        ──sent (push, /today, /study)──▶ StudyProgress(delivered_at) ──学完了──▶ read_at
    a 补学's materials read (📖 阅读材料 / 已学完) ──mark_studied──▶ delivered_at and read_at at once

The plan is one sequence per branch; each member has their own place in it, kept as the set of units
delivered to them.  So a member who joins late starts at the beginning, a member who misses days goes on
where they stopped (nothing piles up), and units of a material added later are picked up when their
position comes — the meeting's own materials first, as the pipeline orders them.

Who the daily pushes reach is read here; the producers that queue them are ``scheduler.study_push``.
Which unit a push carries is decided when it is sent (``bot.handlers.study``), from current data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from storage.errors import NotFound
from storage.models import (
    Attendance,
    Branch,
    Member,
    MemberStatus,
    Question,
    QuestionStatus,
    QuizAnswer,
    ReviewItem,
    StudyProgress,
    StudyUnit,
)
from storage.stats import CAME_CLAUSE, Window, held_meetings
from storage.turnout import turnout

# --------------------------------------------------------------------------- local days


def local_day(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def at_local(day: date, when: time, tz: ZoneInfo) -> datetime:
    """``when`` on ``day`` in the branch's zone, as UTC."""
    return datetime.combine(day, when, tzinfo=tz).astimezone(UTC)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the local ``day`` starts and ends."""
    return at_local(day, time(0, 0), tz), at_local(day + timedelta(days=1), time(0, 0), tz)


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether a local time of day falls in the quiet hours ``[start, end)``, which may wrap past midnight."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def parse_hhmm(value: str) -> time | None:
    """``07:30`` / ``7:30`` / ``7：30`` as a time of day; ``None`` when it is not one."""
    text = value.strip().replace("：", ":")
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2 or len(hours) > 2:
        return None
    h, m = int(hours), int(minutes)
    return time(h, m) if h < 24 and m < 60 else None


# --------------------------------------------------------------------------- the plan


def active_units(*, session: Session, branch_id: int) -> list[StudyUnit]:
    query = (select(StudyUnit).where(StudyUnit.branch_id == branch_id, col(StudyUnit.active).is_(True))
             .order_by(col(StudyUnit.position), col(StudyUnit.id)))
    return list(session.exec(query))


def next_unit(*, session: Session, member_id: int, branch_id: int) -> StudyUnit | None:
    """The first active unit of the plan not yet delivered to the member (``None``: they finished it)."""
    delivered = select(StudyProgress.unit_id).where(StudyProgress.member_id == member_id)
    query = (select(StudyUnit).where(StudyUnit.branch_id == branch_id, col(StudyUnit.active).is_(True),
                                     col(StudyUnit.id).not_in(delivered))
             .order_by(col(StudyUnit.position), col(StudyUnit.id)).limit(1))
    return session.exec(query).first()


def delivered_between(*, session: Session, member_id: int, start: datetime, end: datetime) -> StudyUnit | None:
    """The latest unit delivered to the member in ``[start, end)`` (today's snippet, when it exists)."""
    query = (select(StudyUnit).join(StudyProgress, col(StudyProgress.unit_id) == col(StudyUnit.id))
             .where(StudyProgress.member_id == member_id, col(StudyProgress.delivered_at) >= start,
                    col(StudyProgress.delivered_at) < end)
             .order_by(col(StudyProgress.delivered_at).desc(), col(StudyProgress.id).desc()).limit(1))
    return session.exec(query).first()


def get_unit(*, session: Session, unit_id: int, branch_id: int) -> StudyUnit:
    unit = session.get(StudyUnit, unit_id)
    if unit is None or unit.branch_id != branch_id:
        raise NotFound("unit_not_found", id=unit_id)
    return unit


def record_delivery(*, session: Session, member_id: int, unit_id: int, now: datetime) -> bool:
    """Note that ``unit_id`` reached the member; ``True`` when it is new (a second send records nothing)."""
    exists = session.exec(select(StudyProgress.id).where(StudyProgress.member_id == member_id,
                                                         StudyProgress.unit_id == unit_id)).first()
    if exists is not None:
        return False
    unit = session.get(StudyUnit, unit_id)
    if unit is None:
        return False
    try:
        with session.begin_nested():
            session.add(StudyProgress(branch_id=unit.branch_id, member_id=member_id, unit_id=unit_id,
                                      delivered_at=now))
    except IntegrityError:  # the push and /today at the same moment
        return False
    return True


@dataclass(frozen=True)
class ReadMark:
    """What a 学完了 tap did: ``first`` (else a double tap), and whether the snippet was today's — an old
    snippet's tap must not be thanked as "today's reading is done" while today's is still unread (T18)."""

    first: bool
    delivered_on: date  # the member's local day the snippet was pushed
    today: bool


def mark_read(*, session: Session, member_id: int, unit_id: int, now: datetime, tz: ZoneInfo) -> ReadMark:
    """学完了: read the first time; a double tap changes nothing.  Only a unit sent to the member counts.
    The day it is read is the day of the tap (``/me``'s and ``/stats``' study days), whichever day it was
    pushed."""
    progress = session.exec(select(StudyProgress).where(StudyProgress.member_id == member_id,
                                                        StudyProgress.unit_id == unit_id)).first()
    if progress is None:
        raise NotFound("unit_not_found", id=unit_id)
    delivered_on = progress.delivered_at.astimezone(tz).date()
    mark = ReadMark(first=progress.read_at is None, delivered_on=delivered_on,
                    today=delivered_on == now.astimezone(tz).date())
    if mark.first:
        progress.read_at = now
        session.add(progress)
    return mark


def mark_studied(*, session: Session, member_id: int, unit_ids: Sequence[int], now: datetime) -> int:
    """Units the member read elsewhere (a 补学's materials) count as 学完了: delivered and read now, unless
    already so — so /plan, /me, the digest and /stats see them and the daily push does not send them again.
    Returns how many became read."""
    rows = {p.unit_id: p for p in session.exec(select(StudyProgress).where(
        StudyProgress.member_id == member_id, col(StudyProgress.unit_id).in_(list(unit_ids))))}
    changed = 0
    for unit_id in dict.fromkeys(unit_ids):
        progress = rows.get(unit_id)
        if progress is None:
            unit = session.get(StudyUnit, unit_id)
            if unit is None:
                continue
            progress = StudyProgress(branch_id=unit.branch_id, member_id=member_id, unit_id=unit_id,
                                     delivered_at=now)
        elif progress.read_at is not None:
            continue
        progress.read_at = now
        session.add(progress)
        changed += 1
    return changed


def is_read(*, session: Session, member_id: int, unit_id: int) -> bool:
    return session.exec(select(StudyProgress.id).where(
        StudyProgress.member_id == member_id, StudyProgress.unit_id == unit_id,
        col(StudyProgress.read_at).is_not(None))).first() is not None


def set_push_time(*, session: Session, member_id: int, value: time | None, now: datetime) -> Member:
    member = _member(session, member_id)
    member.push_time = value.strftime("%H:%M") if value is not None else None
    member.updated_at = now
    session.add(member)
    return member


def set_push_paused(*, session: Session, member_id: int, paused: bool, now: datetime) -> Member:
    member = _member(session, member_id)
    member.push_paused = paused
    member.updated_at = now
    session.add(member)
    return member


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("member_not_found", member_id=member_id)
    return member


@dataclass(frozen=True)
class DocumentProgress:
    title: str
    source: str | None
    units: int
    delivered: int
    read: int


@dataclass(frozen=True)
class PlanView:
    """Where a member stands in the plan: per document in plan order, and the next unit's place."""

    documents: tuple[DocumentProgress, ...]
    total: int
    delivered: int
    read: int
    next_position: int | None  # 1-based place of the next unit in the plan; None when finished
    next_title: str | None


def plan_of(*, session: Session, member_id: int, branch_id: int) -> PlanView:
    units = active_units(session=session, branch_id=branch_id)
    rows = session.exec(select(StudyProgress.unit_id, StudyProgress.read_at)
                        .where(StudyProgress.member_id == member_id)).all()
    delivered = {unit_id for unit_id, _ in rows}
    read = {unit_id for unit_id, read_at in rows if read_at is not None}
    order: list[str] = []
    by_doc: dict[str, list[StudyUnit]] = {}
    for unit in units:
        if unit.doc_key not in by_doc:
            order.append(unit.doc_key)
            by_doc[unit.doc_key] = []
        by_doc[unit.doc_key].append(unit)
    documents = tuple(
        DocumentProgress(title=group[0].title, source=group[0].source, units=len(group),
                         delivered=sum(u.id in delivered for u in group), read=sum(u.id in read for u in group))
        for group in (by_doc[key] for key in order))
    upcoming = next(((i, u) for i, u in enumerate(units, 1) if u.id not in delivered), None)
    return PlanView(documents=documents, total=len(units), delivered=sum(u.id in delivered for u in units),
                    read=sum(u.id in read for u in units), next_position=upcoming[0] if upcoming else None,
                    next_title=upcoming[1].title if upcoming else None)


# --------------------------------------------------------------------------- who the daily pushes reach


def push_receivers(*, session: Session) -> Sequence[tuple[int, int, int, str | None]]:
    """(member id, branch id, chat id, push time) of every active, reachable member who has not paused."""
    query = (select(Member.id, Member.branch_id, Member.chat_id, Member.push_time)
             .join(Branch, col(Branch.id) == col(Member.branch_id))
             .where(Member.status == MemberStatus.ACTIVE, col(Member.reachable).is_(True),
                    col(Member.push_paused).is_(False), col(Member.chat_id).is_not(None),
                    col(Branch.active).is_(True)))
    return session.exec(query).all()  # type: ignore[return-value]


def answered_by(*, session: Session, start: datetime, end: datetime) -> set[int]:
    """The members who answered any question in ``[start, end)``."""
    return set(session.exec(select(QuizAnswer.member_id).where(
        col(QuizAnswer.answered_at) >= start, col(QuizAnswer.answered_at) < end).distinct()).all())


def answered_between(*, session: Session, member_id: int, start: datetime, end: datetime) -> int:
    return int(session.exec(select(func.count(col(QuizAnswer.id))).where(
        QuizAnswer.member_id == member_id, col(QuizAnswer.answered_at) >= start,
        col(QuizAnswer.answered_at) < end)).one())


# --------------------------------------------------------------------------- /me


@dataclass(frozen=True)
class DocumentScore:
    document: str
    answered: int
    correct: int


@dataclass(frozen=True)
class MyProgress:
    """A member's own figures (never compared with anyone else's)."""

    study_days: int  # local days with a snippet marked read (as a secretary's /stats counts them)
    quiz_days: int  # local days with a question answered
    streak: int  # days in a row with either, up to today (or yesterday, when today has none yet)
    units_read: int
    units_total: int
    answered: int
    correct: int
    by_document: tuple[DocumentScore, ...]
    due_reviews: int  # due today or earlier
    wrongbook: int
    meetings_attended: int


def progress_of(*, session: Session, member_id: int, branch_id: int, now: datetime, tz: ZoneInfo) -> MyProgress:
    """The member's own figures.  A study day is a day a snippet was marked read — so /me, /plan and a
    secretary's /stats agree (a day with only answers is a quiz day); the streak counts both."""
    units = active_units(session=session, branch_id=branch_id)
    active = {u.id for u in units}
    reads = [(unit_id, read_at) for unit_id, read_at in session.exec(
        select(StudyProgress.unit_id, StudyProgress.read_at).where(
            StudyProgress.member_id == member_id, col(StudyProgress.read_at).is_not(None))).all()]
    answers = session.exec(select(QuizAnswer.answered_at, QuizAnswer.correct, Question.document)
                           .join(Question, col(Question.id) == col(QuizAnswer.question_id))
                           .where(QuizAnswer.member_id == member_id)).all()
    study_days = {local_day(t, tz) for _, t in reads if t is not None}
    quiz_days = {local_day(t, tz) for t, _, _ in answers}
    days = study_days | quiz_days
    today = local_day(now, tz)
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    scores: dict[str, list[int]] = {}
    for _, correct, document in answers:
        tally = scores.setdefault(document, [0, 0])
        tally[0] += 1
        tally[1] += int(correct)
    cards = session.exec(select(ReviewItem.due_at, ReviewItem.in_wrongbook)
                         .join(Question, col(Question.id) == col(ReviewItem.question_id))
                         .where(ReviewItem.member_id == member_id, Question.status == QuestionStatus.PUBLISHED)).all()
    # the meetings they came to, by the one rule /stats and the ledger count by (storage.turnout): held
    # (over, not cancelled), expected there, present or late — not a 请假, 缺席 or a meeting still going on
    # turnout only of the held meetings they have a present / late row for: the rest cannot count, and /me
    # should not read the branch's whole history of attendance to find one member's
    came_to = set(session.exec(select(Attendance.meeting_id).where(Attendance.member_id == member_id,
                                                                   CAME_CLAUSE)).all())
    mine = [m for m in held_meetings(session, branch_id, Window(None, now), now) if m.id in came_to]
    attended = sum(1 for held in turnout(session=session, branch_id=branch_id, meetings=mine) if member_id in held.came)
    return MyProgress(
        study_days=len(study_days), quiz_days=len(quiz_days), streak=streak,
        units_read=sum(1 for unit_id, _ in reads if unit_id in active),  # of the plan's units, as /plan counts
        units_total=len(units), answered=len(answers),
        correct=sum(1 for _, c, _ in answers if c),
        by_document=tuple(DocumentScore(d, n, c) for d, (n, c) in sorted(scores.items(), key=lambda kv: -kv[1][0])),
        due_reviews=sum(1 for due, _ in cards if due < day_bounds(today, tz)[1]),
        wrongbook=sum(1 for _, w in cards if w),
        meetings_attended=int(attended),
    )
