"""Monthly meetings (``MeetingSeries``): a template whose occurrences are ordinary meetings, created ahead.

An occurrence is a Meeting row keyed ``s<series>-<YYYYMM>``, created :data:`SERIES_HORIZON` ahead of its
start so its 3-day notice goes out in time.  Once created it is the chat's like any meeting: edited alone,
or skipped (cancelled) without ending the series, and never recreated (the key exists).  A configured series
is a seed: the file keeps its template while it runs; a series ended in chat stays ended.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.errors import InvalidState, NotFound
from storage.meeting_checks import checked_spec
from storage.meetings import MeetingSpec, acting_branch, apply_spec, as_secretary, fits, mark_cancelled
from storage.members import audit
from storage.models import Audience, Meeting, MeetingSeries, MeetingStatus, Member, Origin
from storage.scope import Scope

SERIES_HORIZON = timedelta(days=40)  # occurrences exist this far ahead, so their 3-day notices go out in time


def seed_series(*, session: Session, branch_id: int, key: str, spec: MeetingSpec, tz: ZoneInfo, now: datetime
                ) -> MeetingSeries:
    """A configured monthly meeting: inserted once by key; while it runs, the file keeps its template (the
    occurrences already created, each the chat's to edit or skip, stay as they are); once a secretary ended
    it in chat, it stays ended."""
    series = session.exec(select(MeetingSeries).where(MeetingSeries.branch_id == branch_id,
                                                      MeetingSeries.key == key)).first()
    local = spec.starts_at.astimezone(tz)
    if series is None:
        series = MeetingSeries(branch_id=branch_id, key=key, kind=spec.kind, topic=spec.topic, day=local.day,
                               local_time=f"{local:%H:%M}", place=spec.place, created_at=now)
    elif not series.active:
        return series
    apply_spec(series, spec)
    series.day, series.local_time, series.duration_minutes = local.day, f"{local:%H:%M}", spec.duration_minutes
    session.add(series)
    session.flush()
    _occurrences(session, series, tz, start=max(now, spec.starts_at), until=max(now + SERIES_HORIZON, spec.starts_at),
                 now=now)
    return series


def create_series(*, session: Session, actor: Member, spec: MeetingSpec, tz: ZoneInfo, now: datetime,
                  scope: Scope | None = None) -> tuple[MeetingSeries, list[Meeting]]:
    """A meeting on the same day and time every month, starting with the one in ``spec``."""
    actor, seen = as_secretary(actor, scope)
    branch_id = acting_branch(actor, seen)
    local = spec.starts_at.astimezone(tz)
    if local.day > 28:
        raise InvalidState("series_day", day=local.day)
    if spec.starts_at <= now:
        raise InvalidState("meeting_in_past")
    spec = checked_spec(session=session, branch_id=branch_id, spec=spec)
    series = MeetingSeries(branch_id=branch_id, kind=spec.kind, topic=spec.topic, day=local.day,
                           local_time=f"{local:%H:%M}", duration_minutes=spec.duration_minutes, place=spec.place,
                           created_by=actor.tg_user_id, created_at=now)
    apply_spec(series, spec)
    session.add(series)
    session.flush()
    audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="series_created",
          detail=f"#{series.id} {spec.kind} {spec.topic} day {local.day}", now=now)
    created = _occurrences(session, series, tz, start=spec.starts_at, until=max(now + SERIES_HORIZON, spec.starts_at),
                           now=now)
    return series, created


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _occurrences(session: Session, series: MeetingSeries, tz: ZoneInfo, *, start: datetime, until: datetime,
                 now: datetime) -> list[Meeting]:
    """Create the occurrences starting in [start, until] that do not exist yet (a skipped one does exist)."""
    assert series.id is not None
    hour, minute = (int(part) for part in series.local_time.split(":"))
    created: list[Meeting] = []
    month = _month_start(start.astimezone(tz).date())
    while True:
        local = datetime.combine(month.replace(day=series.day), time(hour, minute), tzinfo=tz)
        starts_at = local.astimezone(ZoneInfo("UTC"))
        if starts_at > until:
            return created
        key = f"s{series.id}-{month:%Y%m}"
        if starts_at >= start and session.exec(select(Meeting.id).where(
                Meeting.branch_id == series.branch_id, Meeting.key == key)).first() is None:
            meeting = Meeting(branch_id=series.branch_id, key=key, kind=series.kind, topic=series.topic,
                              starts_at=starts_at, ends_at=starts_at, place=series.place, origin=Origin.SERIES,
                              series_id=series.id, created_by=series.created_by, created_at=now,
                              checkin_secret=secrets.token_hex(16))
            apply_spec(meeting, MeetingSpec(
                kind=series.kind, topic=series.topic, starts_at=starts_at, duration_minutes=series.duration_minutes,
                place=series.place, host=series.host, recorder=series.recorder, agenda=series.agenda,
                audience=Audience(series.audience), audience_group=series.audience_group,
                audience_ids=tuple(series.audience_ids), materials=tuple(series.materials)))
            session.add(meeting)
            session.flush()
            created.append(meeting)
        month = _next_month(month)


def extend_series(*, session: Session, tz: ZoneInfo, now: datetime) -> int:
    """Keep every active series' occurrences created :data:`SERIES_HORIZON` ahead; returns how many were added.

    When every occurrence within it is cancelled (skipped), the series reaches on, a month at a time, to its
    next real one: else members would see no upcoming meeting until the horizon got there (trial3 W11), and
    that occurrence is announced as a series' next one is."""
    added = 0
    for series in session.exec(select(MeetingSeries).where(col(MeetingSeries.active).is_(True))).all():
        until = now + SERIES_HORIZON
        added += len(_occurrences(session, series, tz, start=now, until=until, now=now))
        for _ in range(SKIP_REACH):
            if _next_held(session, series, now):
                break
            until += timedelta(days=31)
            added += len(_occurrences(session, series, tz, start=now, until=until, now=now))
    return added


SKIP_REACH = 12  # months a series reaches past cancelled occurrences for its next real one


def _next_held(session: Session, series: MeetingSeries, now: datetime) -> bool:
    """Whether the series has an occurrence still to come that is not cancelled."""
    return session.exec(select(Meeting.id).where(
        Meeting.series_id == series.id, Meeting.starts_at > now,
        Meeting.status == MeetingStatus.SCHEDULED)).first() is not None


def ending(*, session: Session, actor: Member, series_id: int, now: datetime, scope: Scope | None = None
           ) -> tuple[MeetingSeries, list[Meeting]]:
    """The series a secretary may end and the occurrences planned after now that ending it cancels: what
    the question before it names, checked again when it is confirmed."""
    actor, seen = as_secretary(actor, scope)
    series = session.get(MeetingSeries, series_id) if fits(series_id) else None
    if series is None or not seen.sees_branch(series.branch_id):
        raise NotFound("meeting_not_found", id=series_id)
    if not series.active:
        raise InvalidState("series_ended", id=series_id)
    planned = session.exec(select(Meeting).where(Meeting.series_id == series_id, Meeting.starts_at > now,
                                                 Meeting.status == MeetingStatus.SCHEDULED)).all()
    return series, list(planned)


def end_series(*, session: Session, actor: Member, series_id: int, now: datetime, scope: Scope | None = None
               ) -> list[Meeting]:
    """No more occurrences; the ones already planned after now are cancelled (and announced as such)."""
    series, planned = ending(session=session, actor=actor, series_id=series_id, now=now, scope=scope)
    series.active = False
    session.add(series)
    for meeting in planned:
        session.add(mark_cancelled(meeting, now))
    audit(session=session, branch_id=series.branch_id, actor=actor.tg_user_id, action="series_ended",
          detail=f"#{series_id}", now=now)
    return planned
