"""Meetings (三会一课, 主题党日): the rows reminders, RSVPs, attendance and the ledger hang off.

Who owns a meeting:

* a **seed** from the config (``origin = config``) is inserted once by key; later starts update it only
  while nobody has touched it in chat (``revision == 0`` and still scheduled) — once a secretary edited,
  moved or cancelled it, the chat's version stands and the config never overwrites it;
* a meeting created in chat is the chat's from the start;
* a **series** (``MeetingSeries``: a day of every month) owns nothing but its template: its occurrences are
  ordinary Meeting rows keyed ``s<series>-<YYYYMM>``, created ahead by :func:`extend_series`, so a single
  occurrence can be edited or skipped (cancelled) and is never recreated.

Every change made in chat bumps ``revision``; the reminder producer announces each revision once to
everyone already notified.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.members import audit, is_at_least
from storage.models import (
    Audience,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Member,
    MemberStatus,
    Origin,
    PartyGroup,
    Role,
    StudyUnit,
)
from storage.scope import Scope

MAX_TOPIC = 500
MAX_PLACE = 255
MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL: a larger one (typed or forged) simply does not exist


def clean_text(text: str | None) -> str | None:
    """User text as it may enter the store: no control characters (NUL breaks PostgreSQL), trimmed."""
    if text is None:
        return None
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def fits(row_id: int) -> bool:
    return 0 < row_id <= MAX_ID
SERIES_HORIZON = timedelta(days=40)  # occurrences exist this far ahead, so their 3-day notices go out in time


@dataclass(frozen=True)
class MeetingSpec:
    """What a secretary (or the config) says about a meeting; times are aware UTC."""

    kind: str
    topic: str
    starts_at: datetime
    duration_minutes: int
    place: str
    host: str | None = None
    recorder: str | None = None
    agenda: str | None = None
    audience: Audience = Audience.BRANCH
    audience_group: str | None = None
    audience_ids: tuple[int, ...] = ()
    materials: tuple[str, ...] = field(default_factory=tuple)


def _apply(meeting: Meeting | MeetingSeries, spec: MeetingSpec) -> None:
    meeting.kind = spec.kind
    meeting.topic = (clean_text(spec.topic) or "")[:MAX_TOPIC]
    meeting.place = (clean_text(spec.place) or "")[:MAX_PLACE]
    meeting.host, meeting.recorder = clean_text(spec.host), clean_text(spec.recorder)
    meeting.agenda = clean_text(spec.agenda)
    meeting.audience, meeting.audience_group = spec.audience, spec.audience_group
    meeting.audience_ids, meeting.materials = list(spec.audience_ids), list(spec.materials)
    if isinstance(meeting, Meeting):
        meeting.starts_at = spec.starts_at
        meeting.ends_at = spec.starts_at + timedelta(minutes=spec.duration_minutes)


def seen_by(actor: Member, scope: Scope | None) -> Scope:
    """The caller's scope as the guard resolved it, or (tests, the system) the rule applied to ``actor``."""
    return scope if scope is not None else Scope.of(actor)


def _secretary(actor: Member | None, scope: Scope | None) -> tuple[Member, Scope]:
    if actor is None:
        raise PermissionDenied()
    seen = seen_by(actor, scope)
    if not seen.manages:
        raise PermissionDenied()
    return actor, seen


def _acting_branch(actor: Member, seen: Scope) -> int:
    """The branch a secretary's new meeting belongs to (a committee admin: the branch they act on)."""
    return seen.acting_branch_id if seen.acting_branch_id is not None else actor.branch_id


# --------------------------------------------------------------------------- seeds and creation


def seed_meeting(*, session: Session, branch_id: int, key: str, spec: MeetingSpec, now: datetime) -> Meeting:
    """Insert a configured meeting once; refresh it from the config only while the chat has not touched it."""
    meeting = session.exec(select(Meeting).where(Meeting.branch_id == branch_id, Meeting.key == key)).first()
    if meeting is None:
        meeting = Meeting(branch_id=branch_id, key=key, kind=spec.kind, topic=spec.topic, starts_at=spec.starts_at,
                          ends_at=spec.starts_at, place=spec.place, origin=Origin.CONFIG, created_at=now,
                          checkin_secret=secrets.token_hex(16))
    elif meeting.revision > 0 or meeting.status != MeetingStatus.SCHEDULED:
        return meeting  # a secretary edited, moved or cancelled it in chat: the chat's version stands
    _apply(meeting, spec)
    session.add(meeting)
    session.flush()
    return meeting


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
    _apply(series, spec)
    series.day, series.local_time, series.duration_minutes = local.day, f"{local:%H:%M}", spec.duration_minutes
    session.add(series)
    session.flush()
    _occurrences(session, series, tz, start=max(now, spec.starts_at), until=max(now + SERIES_HORIZON, spec.starts_at),
                 now=now)
    return series


def create_meeting(*, session: Session, actor: Member, spec: MeetingSpec, now: datetime, scope: Scope | None = None
                   ) -> Meeting:
    actor, seen = _secretary(actor, scope)
    branch_id = _acting_branch(actor, seen)
    if spec.starts_at <= now:
        raise InvalidState("meeting_in_past")
    meeting = Meeting(branch_id=branch_id, key=f"c{secrets.token_hex(6)}", kind=spec.kind, topic=spec.topic,
                      starts_at=spec.starts_at, ends_at=spec.starts_at, place=spec.place, origin=Origin.CHAT,
                      created_by=actor.tg_user_id, created_at=now, checkin_secret=secrets.token_hex(16))
    _apply(meeting, spec)
    session.add(meeting)
    session.flush()
    audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="meeting_created",
          detail=f"#{meeting.id} {spec.kind} {spec.topic}", now=now)
    return meeting


def create_series(*, session: Session, actor: Member, spec: MeetingSpec, tz: ZoneInfo, now: datetime,
                  scope: Scope | None = None) -> tuple[MeetingSeries, list[Meeting]]:
    """A meeting on the same day and time every month, starting with the one in ``spec``."""
    actor, seen = _secretary(actor, scope)
    branch_id = _acting_branch(actor, seen)
    local = spec.starts_at.astimezone(tz)
    if local.day > 28:
        raise InvalidState("series_day", day=local.day)
    if spec.starts_at <= now:
        raise InvalidState("meeting_in_past")
    series = MeetingSeries(branch_id=branch_id, kind=spec.kind, topic=spec.topic, day=local.day,
                           local_time=f"{local:%H:%M}", duration_minutes=spec.duration_minutes, place=spec.place,
                           created_by=actor.tg_user_id, created_at=now)
    _apply(series, spec)
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
            _apply(meeting, MeetingSpec(
                kind=series.kind, topic=series.topic, starts_at=starts_at, duration_minutes=series.duration_minutes,
                place=series.place, host=series.host, recorder=series.recorder, agenda=series.agenda,
                audience=Audience(series.audience), audience_group=series.audience_group,
                audience_ids=tuple(series.audience_ids), materials=tuple(series.materials)))
            session.add(meeting)
            session.flush()
            created.append(meeting)
        month = _next_month(month)


def extend_series(*, session: Session, tz: ZoneInfo, now: datetime) -> int:
    """Keep every active series' occurrences created :data:`SERIES_HORIZON` ahead; returns how many were added."""
    added = 0
    for series in session.exec(select(MeetingSeries).where(col(MeetingSeries.active).is_(True))).all():
        added += len(_occurrences(session, series, tz, start=now, until=now + SERIES_HORIZON, now=now))
    return added


def end_series(*, session: Session, actor: Member, series_id: int, now: datetime, scope: Scope | None = None
               ) -> list[Meeting]:
    """No more occurrences; the ones already planned after now are cancelled (and announced as such)."""
    actor, seen = _secretary(actor, scope)
    series = session.get(MeetingSeries, series_id) if fits(series_id) else None
    if series is None or not seen.sees_branch(series.branch_id):
        raise NotFound("meeting_not_found", id=series_id)
    series.active = False
    session.add(series)
    cancelled = []
    for meeting in session.exec(select(Meeting).where(Meeting.series_id == series_id, Meeting.starts_at > now,
                                                      Meeting.status == MeetingStatus.SCHEDULED)).all():
        cancelled.append(_cancel(meeting, now))
        session.add(meeting)
    audit(session=session, branch_id=series.branch_id, actor=actor.tg_user_id, action="series_ended",
          detail=f"#{series_id}", now=now)
    return cancelled


# --------------------------------------------------------------------------- reading


def get_meeting(*, session: Session, actor: Member, meeting_id: int, scope: Scope | None = None) -> Meeting:
    """A meeting of a branch in the caller's scope; other branches' ids do not exist."""
    meeting = session.get(Meeting, meeting_id) if fits(meeting_id) else None
    if meeting is None or not seen_by(actor, scope).sees_branch(meeting.branch_id):
        raise NotFound("meeting_not_found", id=meeting_id)
    return meeting


def meeting_by_id(*, session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def list_meetings(*, session: Session, actor: Member, now: datetime, limit: int = 6, scope: Scope | None = None
                  ) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, recent) meetings of the caller's branch that concern them; secretaries see every one (a
    committee admin: those of the branch they act on)."""
    seen = seen_by(actor, scope)
    base = select(Meeting).where(Meeting.branch_id == _acting_branch(actor, seen))
    upcoming = session.exec(base.where(Meeting.ends_at > now).order_by(col(Meeting.starts_at))).all()
    recent = session.exec(base.where(Meeting.ends_at <= now).order_by(col(Meeting.starts_at).desc())).all()

    def mine(meetings: list[Meeting] | tuple[Meeting, ...]) -> list[Meeting]:
        if seen.manages:
            return list(meetings)[:limit]
        return [m for m in meetings if actor.id in {a.id for a in attendees(session=session, meeting=m)}][:limit]

    return mine(list(upcoming)), mine(list(recent))


def branch_people(*, session: Session, branch_id: int) -> list[Member]:
    """Everyone who may have been expected at one of the branch's meetings: its active members and those who
    left (a meeting before they left still counts them), by id; committee admins are not members of the
    branch their row sits in (``storage.members.list_members``)."""
    query = select(Member).where(Member.branch_id == branch_id, Member.role != Role.ADMIN,
                                 col(Member.status).in_((MemberStatus.ACTIVE, MemberStatus.LEFT)))
    return list(session.exec(query.order_by(col(Member.id))).all())


def _belonged(member: Member, start: datetime) -> bool:
    """In the branch at ``start``: joined by then (no ``joined_at``: from the beginning), not removed before."""
    joined = member.joined_at is None or member.joined_at <= start
    return joined and (member.status == MemberStatus.ACTIVE or (
        member.status == MemberStatus.LEFT and member.removed_at is not None and member.removed_at > start))


def attendees(*, session: Session, meeting: Meeting, people: Sequence[Member] | None = None) -> list[Member]:
    """Who is expected (应到): the members of the branch the meeting addresses *as of its start*, by id.

    A held meeting's 应到 is history: someone who joins afterwards was never expected (or the quorum and the
    ledger of a past 党员大会 would change), and someone removed or transferred since was.  So a member
    counts when they had joined by the start and were not removed before it; rows without ``joined_at``
    (enrolled before the column was filled) count as joined from the beginning.  ``people`` is the branch's
    :func:`branch_people` when the caller reads many meetings (a ledger), so they are read once.
    """
    start = meeting.starts_at
    if people is None:
        people = branch_people(session=session, branch_id=meeting.branch_id)
    members = [m for m in people if _belonged(m, start)]
    if meeting.audience == Audience.COMMITTEE:
        return [m for m in members if is_at_least(m, Role.SECRETARY)]
    if meeting.audience == Audience.GROUP:
        ids = set(session.exec(select(PartyGroup.member_id).where(
            PartyGroup.branch_id == meeting.branch_id, PartyGroup.name == meeting.audience_group)).all())
        return [m for m in members if m.id in ids]
    if meeting.audience == Audience.LIST:
        wanted = set(meeting.audience_ids)
        return [m for m in members if m.id in wanted]
    return members


def is_attendee(*, session: Session, meeting: Meeting, member: Member) -> bool:
    return any(m.id == member.id for m in attendees(session=session, meeting=meeting))


# --------------------------------------------------------------------------- changes


EDITABLE = ("topic", "place", "starts_at", "duration", "host", "recorder", "agenda")


def edit_meeting(*, session: Session, actor: Member, meeting_id: int, field_name: str, value: str | datetime | int,
                 now: datetime, scope: Scope | None = None) -> Meeting:
    """Change one field; the new revision is announced to everyone already notified."""
    actor, seen = _secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidState("meeting_cancelled", id=meeting_id)
    if meeting.ends_at <= now:
        raise InvalidState("meeting_over", id=meeting_id)
    if field_name == "starts_at":
        assert isinstance(value, datetime)
        if value <= now:
            raise InvalidState("meeting_in_past")
        length = meeting.ends_at - meeting.starts_at
        meeting.starts_at, meeting.ends_at = value, value + length
    elif field_name == "duration":
        assert isinstance(value, int)
        meeting.ends_at = meeting.starts_at + timedelta(minutes=value)
    elif field_name in EDITABLE:
        text = clean_text(str(value)) or ""
        if not text:
            raise InvalidState("empty_value")
        limit = {"topic": MAX_TOPIC, "place": MAX_PLACE, "host": 64, "recorder": 64}.get(field_name, 4000)
        setattr(meeting, field_name, text[:limit])
    else:
        raise ValueError(field_name)
    meeting.revision += 1
    meeting.updated_at = now
    session.add(meeting)
    audit(session=session, branch_id=meeting.branch_id, actor=actor.tg_user_id, action="meeting_edited",
          detail=f"#{meeting_id} {field_name}", now=now)
    return meeting


def _cancel(meeting: Meeting, now: datetime) -> Meeting:
    meeting.status = MeetingStatus.CANCELLED
    meeting.revision += 1
    meeting.updated_at = now
    return meeting


def cancel_meeting(*, session: Session, actor: Member, meeting_id: int, now: datetime, scope: Scope | None = None
                   ) -> Meeting:
    """Cancel (for an occurrence of a series: skip it; the series goes on)."""
    actor, seen = _secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidState("meeting_cancelled", id=meeting_id)
    if meeting.starts_at <= now:
        raise InvalidState("meeting_started", id=meeting_id)
    session.add(_cancel(meeting, now))
    audit(session=session, branch_id=meeting.branch_id, actor=actor.tg_user_id, action="meeting_cancelled",
          detail=f"#{meeting_id}", now=now)
    return meeting


def set_party_group(*, session: Session, actor: Member, name: str, member_ids: list[int], now: datetime,
                    scope: Scope | None = None) -> int:
    """Put members into the 党小组 ``name`` (a member belongs to one group: this moves them)."""
    actor, seen = _secretary(actor, scope)
    branch_id = _acting_branch(actor, seen)
    name = (clean_text(name) or "")[:32]
    if not name:
        raise InvalidState("empty_value")
    moved = 0
    for member_id in member_ids:
        member = session.get(Member, member_id) if fits(member_id) else None
        if member is None or member.branch_id != branch_id:
            raise NotFound("member_not_found", member_id=member_id)
        row = session.exec(select(PartyGroup).where(PartyGroup.member_id == member_id)).first()
        row = row or PartyGroup(branch_id=branch_id, name=name, member_id=member_id)
        row.name = name
        session.add(row)
        moved += 1
    audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="party_group",
          detail=f"{name}: {member_ids}", now=now)
    return moved


def study_units(*, session: Session, branch_id: int, titles: list[str]) -> list[StudyUnit]:
    """The study snippets of a meeting's materials (by title), in reading order: its 补学."""
    if not titles:
        return []
    return list(session.exec(select(StudyUnit).where(
        StudyUnit.branch_id == branch_id, col(StudyUnit.active).is_(True), col(StudyUnit.title).in_(titles))
        .order_by(col(StudyUnit.position))).all())
