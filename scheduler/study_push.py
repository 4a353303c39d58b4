"""The daily study push and the quiz nudge: what the tick queues for members, once a day each.

::

    tick ──produce_study_pushes──▶ "study" row per member and local day, due at their push time
         ──produce_quiz_nudges───▶ "quiz_nudge" row per member who answered nothing today, at the nudge time

Both only *enqueue* (``scheduler.outbox.enqueue_many``, one bulk insert) under a key naming the member
and the local day, so a second tick, a second process or a restart adds nothing.  What a row carries is
decided when it is sent (``bot.handlers.study`` / ``bot.handlers.quiz``), from current data; who receives
them (active, reachable, not paused) is ``storage.study.push_receivers``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.outbox import NewDelivery, enqueue_many
from storage.study import answered_by, at_local, day_bounds, in_quiet_hours, local_day, parse_hhmm, push_receivers

STUDY_KIND = "study"
NUDGE_KIND = "quiz_nudge"
NUDGE_AFTER_PUSH = timedelta(hours=1)  # a member's nudge comes no sooner after their own push time


def study_key(member_id: int, day: date) -> str:
    return f"{STUDY_KIND}:{member_id}:{day.isoformat()}"


def _row(kind: str, key: str, member_id: int, branch_id: int, chat_id: int, due_at: datetime, expires_at: datetime,
         day: date) -> NewDelivery:
    return NewDelivery(branch_id=branch_id, kind=kind, dedup_key=key, chat_id=chat_id, member_id=member_id,
                       payload={"day": day.isoformat()}, due_at=due_at, expires_at=expires_at)


def produce_study_pushes(*, session: Session, now: datetime, tz: ZoneInfo, default_time: time) -> int:
    """Enqueue today's snippet for each member whose push time has come (one row per member and local day).

    A member whose time passed while the bot was down still gets the day's snippet when it is back; the
    row expires at local midnight, so yesterday's never arrives today.
    """
    today = local_day(now, tz)
    _, midnight = day_bounds(today, tz)
    default = at_local(today, default_time, tz)
    rows: list[NewDelivery] = []
    for member_id, branch_id, chat_id, push_time in push_receivers(session=session):
        when = at_local(today, parse_hhmm(push_time) or default_time, tz) if push_time else default
        if when <= now:
            rows.append(_row(STUDY_KIND, study_key(member_id, today), member_id, branch_id, chat_id, when, midnight,
                             today))
    return enqueue_many(session=session, rows=rows, now=now)


def produce_quiz_nudges(*, session: Session, now: datetime, tz: ZoneInfo, nudge_time: time, quiet_start: time,
                        quiet_end: time, push_time: time | None = None) -> int:
    """Enqueue the day's quiz nudge for members who answered nothing today: at most one a day, never in
    quiet hours (a nudge time inside them sends nothing; a late row expires when they begin).  ``push_time``:
    the branch's default push (``study.push_time``), for members who chose none (review R3.12)."""
    if in_quiet_hours(nudge_time, quiet_start, quiet_end):
        return 0
    today = local_day(now, tz)
    when = at_local(today, nudge_time, tz)
    if now < when:
        return 0
    quiet = at_local(today, quiet_start, tz)
    if quiet <= when:
        quiet += timedelta(days=1)
    if now >= quiet:
        return 0
    start, end = day_bounds(today, tz)
    answered = answered_by(session=session, start=start, end=end)
    rows = []
    default_push = push_time
    for member_id, branch_id, chat_id, own in push_receivers(session=session):
        due = _nudge_at(when, (parse_hhmm(own) if own else None) or default_push, today, tz)
        if member_id not in answered and due <= now and due < quiet:
            rows.append(_row(NUDGE_KIND, f"{NUDGE_KIND}:{member_id}:{today.isoformat()}", member_id, branch_id,
                             chat_id, due, quiet, today))
    return enqueue_many(session=session, rows=rows, now=now)


def _nudge_at(when: datetime, push: time | None, today: date, tz: ZoneInfo) -> datetime:
    """A member's nudge comes after their push (their own ``/settime``, else the branch's): one who chose
    21:00 was told "今天还没有答题" at 20:00 and handed the day's snippet at 21:00 (trial T25) — their nudge
    waits an hour after it, and a push too late for that (quiet hours) leaves the day without one."""
    if push is None:
        return when
    return max(when, at_local(today, push, tz) + NUDGE_AFTER_PUSH)
