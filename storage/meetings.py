"""Meetings (三会一课, 主题党日): the rows reminders, RSVPs, attendance and the ledger hang off.

Who owns a meeting:

* a **seed** from the config (``origin = config``) is inserted once by key; later starts update it only
  while nobody has touched it in chat (``revision == 0`` and still scheduled) — once a secretary edited,
  moved or cancelled it, the chat's version stands and the config never overwrites it;
* a meeting created in chat is the chat's from the start;
* a **series** (``MeetingSeries``: a day of every month) owns nothing but its template: its occurrences are
  ordinary Meeting rows keyed ``s<series>-<YYYYMM>``, created ahead (``storage/meeting_series.py``), so a
  single occurrence can be edited or skipped (cancelled) and is never recreated.

Who is expected at a meeting (应到) is ``storage/meeting_audience.py``.

Every change made in chat bumps ``revision``; the reminder producer announces each revision once to
everyone already notified.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.meeting_audience import attendees, is_attendee
from storage.meeting_checks import checked_spec, material_titles, party_groups, resolve_material
from storage.members import audit
from storage.models import (
    Audience,
    AuditEntry,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Member,
    Origin,
    PartyGroup,
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


def apply_spec(meeting: Meeting | MeetingSeries, spec: MeetingSpec) -> None:
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


def as_secretary(actor: Member | None, scope: Scope | None) -> tuple[Member, Scope]:
    if actor is None:
        raise PermissionDenied()
    seen = seen_by(actor, scope)
    if not seen.manages:
        raise PermissionDenied()
    return actor, seen


def acting_branch(actor: Member, seen: Scope) -> int:
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
    apply_spec(meeting, spec)
    session.add(meeting)
    session.flush()
    return meeting


def create_meeting(*, session: Session, actor: Member, spec: MeetingSpec, now: datetime, scope: Scope | None = None
                   ) -> Meeting:
    actor, seen = as_secretary(actor, scope)
    branch_id = acting_branch(actor, seen)
    if spec.starts_at <= now:
        raise InvalidState("meeting_in_past")
    spec = checked_spec(session=session, branch_id=branch_id, spec=spec)
    meeting = Meeting(branch_id=branch_id, key=f"c{secrets.token_hex(6)}", kind=spec.kind, topic=spec.topic,
                      starts_at=spec.starts_at, ends_at=spec.starts_at, place=spec.place, origin=Origin.CHAT,
                      created_by=actor.tg_user_id, created_at=now, checkin_secret=secrets.token_hex(16))
    apply_spec(meeting, spec)
    session.add(meeting)
    session.flush()
    audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="meeting_created",
          detail=f"#{meeting.id} {spec.kind} {spec.topic}", now=now)
    return meeting


# --------------------------------------------------------------------------- reading


def get_meeting(*, session: Session, actor: Member, meeting_id: int, scope: Scope | None = None,
                lock: bool = False) -> Meeting:
    """A meeting of a branch in the caller's scope; other branches' ids do not exist.

    ``lock``: read it ``FOR UPDATE`` (fresh, not from the identity map) on a path that writes it, so an
    edit and a cancel racing on PostgreSQL take turns and the second sees the first's revision."""
    meeting = (session.get(Meeting, meeting_id, with_for_update=True if lock else None, populate_existing=lock)
               if fits(meeting_id) else None)
    if meeting is None or not seen_by(actor, scope).sees_branch(meeting.branch_id):
        raise NotFound("meeting_not_found", id=meeting_id)
    return meeting


def addressed_meeting(*, session: Session, actor: Member, meeting_id: int, scope: Scope | None = None) -> Meeting:
    """A meeting the caller may reach as a member: one addressed to them (whole branch, committee, their
    党小组, or a list naming them); secretaries reach every meeting they manage.

    Every member-facing path (view, 参加 / 请假, .ics, check-in) goes through here, and a meeting of their
    own branch that is not theirs reads exactly like an unknown id — its topic, time and place are the
    business of those it addresses (a 支委会's agenda, another 党小组's meeting)."""
    return reach_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=scope)[0]


def reach_meeting(*, session: Session, actor: Member, meeting_id: int, scope: Scope | None = None
                  ) -> tuple[Meeting, bool]:
    """:func:`addressed_meeting`, and whether the meeting addresses the caller (a secretary reaches every
    meeting, but answers 参加 / 请假 only for theirs): asked once per request, not twice."""
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=scope)
    attending = is_attendee(session=session, meeting=meeting, member=actor)
    if attending or seen_by(actor, scope).manages:
        return meeting, attending
    raise NotFound("meeting_not_found", id=meeting_id)


def meeting_by_id(*, session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def _gone_at(meeting: Meeting) -> datetime:
    """When a meeting became "recent": its start, or for a cancelled one its cancellation if that came first."""
    if meeting.status == MeetingStatus.CANCELLED and meeting.updated_at is not None:
        return min(meeting.starts_at, meeting.updated_at)
    return meeting.starts_at


def list_meetings(*, session: Session, actor: Member, now: datetime, limit: int | None = 6,
                  scope: Scope | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, recent) meetings of the caller's branch that concern them; secretaries see every one (a
    committee admin: those of the branch they act on).  Upcoming: soonest first.  Recent — held, or cancelled
    (never upcoming) and marked so by the caller — latest first by when each left the upcoming list: a held
    one at its start, a cancelled one when cancelled, so a meeting called off today for next month does not
    head the list above the one held yesterday (trial V17 / V21).  A cancelled meeting whose date is still
    ahead comes after every one whose date has passed, however recently it was called off (trial T10).
    ``limit=None``: every one (``/meetings 全部`` pages through them)."""
    seen = seen_by(actor, scope)
    base = select(Meeting).where(Meeting.branch_id == acting_branch(actor, seen))
    # a cancelled meeting is not coming up: it is listed (marked) with the past ones
    upcoming = session.exec(base.where(Meeting.ends_at > now, Meeting.status == MeetingStatus.SCHEDULED)
                            .order_by(col(Meeting.starts_at))).all()
    recent = sorted(session.exec(base.where((col(Meeting.ends_at) <= now)
                                            | (Meeting.status == MeetingStatus.CANCELLED))).all(),
                    key=lambda m: (m.starts_at <= now, _gone_at(m), m.id or 0), reverse=True)

    def mine(meetings: list[Meeting] | tuple[Meeting, ...]) -> list[Meeting]:
        if seen.manages:
            return list(meetings)[:limit]
        return [m for m in meetings if actor.id in {a.id for a in attendees(session=session, meeting=m)}][:limit]

    return mine(list(upcoming)), mine(list(recent))


# --------------------------------------------------------------------------- changes


EDITABLE = ("topic", "place", "starts_at", "duration", "host", "recorder", "agenda")
ANNOUNCED = ("starts_at", "ends_at", "topic", "place", "agenda", "host", "recorder")  # what a notice tells


def announced(meeting: Meeting) -> dict[str, str | None]:
    """The details a notice tells members, in a form a JSON column keeps (times as ISO instants in UTC).

    A sent notice records them, so a change notice can say what changed *for the one who reads it*: from
    what they were last told to what the meeting is now, however many edits lay between."""
    return {"starts_at": meeting.starts_at.astimezone(UTC).isoformat(),
            "ends_at": meeting.ends_at.astimezone(UTC).isoformat(),
            "topic": meeting.topic, "place": meeting.place, "agenda": meeting.agenda, "host": meeting.host,
            "recorder": meeting.recorder}


def edit_meeting(*, session: Session, actor: Member, meeting_id: int, field_name: str, value: str | datetime | int,
                 now: datetime, scope: Scope | None = None) -> Meeting:
    """Change one field; the new revision is announced to everyone already notified."""
    actor, seen = as_secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen, lock=True)
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
    elif field_name == "materials":  # one more material for the 补学, by (part of) its title
        title = resolve_material(str(value), material_titles(session=session, branch_id=meeting.branch_id))
        if title not in meeting.materials:
            meeting.materials = [*meeting.materials, title]
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


def mark_cancelled(meeting: Meeting, now: datetime) -> Meeting:
    meeting.status = MeetingStatus.CANCELLED
    meeting.revision += 1
    meeting.updated_at = now
    return meeting


def cancellable(*, session: Session, actor: Member, meeting_id: int, now: datetime, scope: Scope | None = None,
                lock: bool = False) -> Meeting:
    """The meeting a secretary may cancel now: asked before the question is put, and again when confirmed."""
    actor, seen = as_secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen, lock=lock)
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidState("meeting_cancelled", id=meeting_id)
    if meeting.starts_at <= now:  # not "answers are closed": that is a member's refusal (G4)
        raise InvalidState("cancel_started", id=meeting_id)
    return meeting


def cancel_meeting(*, session: Session, actor: Member, meeting_id: int, now: datetime, scope: Scope | None = None,
                   revision: int | None = None) -> Meeting:
    """Cancel (for an occurrence of a series: skip it; the series goes on).

    ``revision`` is the version the secretary was asked about (the confirm button carries it): a meeting
    edited since is a different meeting to cancel — moved to another day, say — so it is refused, and the
    secretary asks again about what it is now."""
    meeting = cancellable(session=session, actor=actor, meeting_id=meeting_id, now=now, scope=scope, lock=True)
    if revision is not None and revision != meeting.revision:
        raise InvalidState("meeting_changed", id=meeting_id)
    session.add(mark_cancelled(meeting, now))
    audit(session=session, branch_id=meeting.branch_id, actor=actor.tg_user_id, action="meeting_cancelled",
          detail=f"#{meeting_id}", now=now)
    return meeting


def cancelled_by(*, session: Session, meeting: Meeting) -> int | None:
    """The Telegram id of whoever cancelled ``meeting`` (or ended its series), from the audit: they were told
    in their confirmation, so the cancellation notice is not sent back to them."""
    wanted = [("meeting_cancelled", f"#{meeting.id}")]
    if meeting.series_id is not None:
        wanted.append(("series_ended", f"#{meeting.series_id}"))
    for action, detail in wanted:
        actor = session.exec(select(AuditEntry.actor_tg_id).where(
            AuditEntry.branch_id == meeting.branch_id, AuditEntry.action == action, AuditEntry.detail == detail)
            .order_by(col(AuditEntry.at).desc())).first()
        if actor is not None:
            return actor
    return None


def edited_by(*, session: Session, meeting: Meeting) -> int | None:
    """The Telegram id of whoever made ``meeting``'s latest edit: their confirmation showed the card as it
    is now, so the change notice is not sent back to them (trial V15)."""
    return session.exec(select(AuditEntry.actor_tg_id).where(
        AuditEntry.branch_id == meeting.branch_id, AuditEntry.action == "meeting_edited",
        col(AuditEntry.detail).startswith(f"#{meeting.id} "))
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())).first()


def set_party_group(*, session: Session, actor: Member, name: str, member_ids: list[int], now: datetime,
                    scope: Scope | None = None) -> int:
    """Put members into the 党小组 ``name`` (a member belongs to one group: this moves them)."""
    actor, seen = as_secretary(actor, scope)
    branch_id = acting_branch(actor, seen)
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


def known_party_groups(*, session: Session, actor: Member, scope: Scope | None = None) -> list[str]:
    """The 党小组 (with members) a secretary's new 党小组会 can be for — the guided form offers and checks these."""
    actor, seen = as_secretary(actor, scope)
    return party_groups(session=session, branch_id=acting_branch(actor, seen))


def study_units(*, session: Session, branch_id: int, titles: list[str]) -> list[StudyUnit]:
    """The study snippets of a meeting's materials (by title), in reading order: its 补学."""
    if not titles:
        return []
    return list(session.exec(select(StudyUnit).where(
        StudyUnit.branch_id == branch_id, col(StudyUnit.active).is_(True), col(StudyUnit.title).in_(titles))
        .order_by(col(StudyUnit.position))).all())
