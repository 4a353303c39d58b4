"""What happened at a meeting: check-in, the secretary's ledger marks, the roster and quorum, 补学 owed.

What members *say* beforehand (参加 / 请假 and a secretary's decision on a 请假) is ``storage/rsvp.py``;
a mark or a check-in here settles an undecided 请假 through its ``settle_leave``.

Rules that live here (tests check them without Telegram):

* check-in is open from ``before`` ahead of the start to ``after`` past it, and takes only the code of the
  current period (a 4-digit HMAC of the period number under the meeting's own secret; the previous one
  for a few seconds after it rotates, for someone typing at the turn);
  wrong and stale codes are counted and, past :data:`MISS_LIMIT` in :data:`MISS_WINDOW`, refused unread;
  checking in after the start is *late*;
* 应到 are the meeting's attendees; 实到 the present and the late; a member with an approved 请假 who did
  not come is excused with its reason; the rest are absent — "not yet checked in" until the check-in window
  closes, when the roster (and a 党员大会's quorum: more than half of the *full* members expected) is final;
* after the meeting, each absent or excused member owes its study (补学) until they mark it done.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, func, select

from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.makeup import makeup_states
from storage.meeting_audience import attendees, is_attendee, standings_at
from storage.meetings import as_secretary, clean_text, fits, get_meeting, seen_by
from storage.members import audit
from storage.models import (
    CAME,
    Attendance,
    AttendanceStatus,
    CheckinMiss,
    LeaveStatus,
    Makeup,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Rsvp,
    Standing,
)
from storage.rsvp import settle_leave
from storage.scope import Scope

MISS_LIMIT = 5
MISS_WINDOW = timedelta(minutes=10)
CODE_GRACE = timedelta(seconds=10)  # the previous code still counts this long after it rotated
STALE_PERIODS = 60  # a code from this many periods back is recognised as stale rather than wrong
JUST_CLOSED = timedelta(hours=3)  # a code typed this long after a meeting's check-in closed is for that meeting


@dataclass(frozen=True)
class Window:
    """The check-in window and code period, from the config."""

    before: timedelta
    after: timedelta
    period_seconds: int

    def opens(self, meeting: Meeting) -> datetime:
        return meeting.starts_at - self.before

    def closes(self, meeting: Meeting) -> datetime:
        """The one end of check-in — for codes typed, the code shown and the screen alike — even when the
        meeting is shorter and has ended before it (late arrivals still check in)."""
        return meeting.starts_at + self.after

    def makeup_from(self, meeting: Meeting) -> datetime:
        """When the 补学 goes out (``scheduler.reminders.produce_makeup``): the meeting over and its check-in
        closed — the roster, the /attendance 补学 mark and the sender all read this one moment (trial T1/T6)."""
        return max(meeting.ends_at, self.closes(meeting))


# --------------------------------------------------------------------------- check-in: the rotating code

CODE_DIGITS = 4


def code_at(secret: str, when: datetime, period_seconds: int) -> str:
    """The code shown during the period containing ``when``: an HMAC of the period number, 4 digits."""
    period = int(when.timestamp()) // period_seconds
    digest = hmac.new(secret.encode(), str(period).encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def ensure_secret(*, session: Session, meeting: Meeting) -> str:
    """Meetings from before check-in existed have no secret yet: give them one."""
    if not meeting.checkin_secret:
        meeting.checkin_secret = secrets.token_hex(16)
        session.add(meeting)
        session.flush()
    return meeting.checkin_secret


def checkin_code(*, session: Session, actor: Member, meeting_id: int, now: datetime, window: Window,
                 scope: Scope | None = None) -> tuple[Meeting, str, datetime]:
    """The current code and when it stops being valid; for secretaries and the meeting's host, and only
    while a code can still be used: a cancelled meeting, or one whose check-in is over, says so (V12).  "Over"
    is :meth:`Window.closes`, the one end :func:`check_in` knows, not the meeting's end (review R5)."""
    seen = seen_by(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    if not seen.manages and (meeting.host or "").strip() != actor.name.strip():
        raise PermissionDenied()
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidState("meeting_cancelled", id=meeting_id)
    if now >= window.closes(meeting):  # what check_in accepts, even past the end of a meeting shorter than it
        raise InvalidState("checkin_meeting_over" if now >= meeting.ends_at else "checkin_closed", id=meeting_id)
    if now < window.opens(meeting):  # a code now would be dead on the screen until the opening (trial T11)
        raise InvalidState("checkin_not_open", id=meeting_id, opens=window.opens(meeting))
    secret = ensure_secret(session=session, meeting=meeting)
    period = int(now.timestamp()) // window.period_seconds
    valid_until = datetime.fromtimestamp((period + 1) * window.period_seconds, tz=now.tzinfo)
    return meeting, code_at(secret, now, window.period_seconds), valid_until


# --------------------------------------------------------------------------- check-in


class CheckIn(StrEnum):
    PRESENT = "present"
    LATE = "late"
    ALREADY = "already"
    WRONG = "wrong"
    STALE = "stale"
    NOT_OPEN = "not_open"  # no meeting of theirs has its window open
    CLOSED = "closed"  # none open, but one of theirs closed just now: that is the one they mean (trial T9)
    LIMITED = "limited"  # too many wrong codes lately
    FORMAT = "format"  # not a code at all (letters, too short): a hint, not a miss


@dataclass(frozen=True)
class CheckInResult:
    outcome: CheckIn
    meeting: Meeting | None = None
    opens_at: datetime | None = None
    withdrew_leave: bool = False  # the check-in withdrew the member's own undecided 请假
    tries_left: int | None = None  # after a wrong or stale code: how many more before the pause
    closed_at: datetime | None = None  # CLOSED: when that meeting's check-in ended


def _code_age(secret: str, code: str, now: datetime, period: int) -> int | None:
    """How many periods ago ``code`` was current (0 = now), or ``None`` if it never was lately."""
    for age in range(STALE_PERIODS):
        if code_at(secret, now - timedelta(seconds=age * period), period) == code:
            return age
    return None


def check_in(*, session: Session, member: Member, code: str, now: datetime, window: Window,
             meeting_id: int | None = None) -> CheckInResult:
    """A member checks in with the code on the screen (``meeting_id`` from a deep link, else found by code)."""
    assert member.id is not None
    code = unicodedata.normalize("NFKC", code).strip()  # full-width digits typed on a phone read as digits
    if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
        return CheckInResult(CheckIn.FORMAT)  # trial T12: a typo of form is not a guess, so it is not a miss
    since = now - MISS_WINDOW
    misses = session.exec(select(func.count()).select_from(CheckinMiss).where(
        CheckinMiss.member_id == member.id, CheckinMiss.at > since)).one()
    if misses >= MISS_LIMIT:
        return CheckInResult(CheckIn.LIMITED)
    query = select(Meeting).where(Meeting.branch_id == member.branch_id, Meeting.status == MeetingStatus.SCHEDULED,
                                  Meeting.starts_at > now - window.after, Meeting.starts_at <= now + window.before)
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    candidates = [m for m in session.exec(query.order_by(col(Meeting.starts_at))).all()
                  if window.opens(m) <= now < window.closes(m) and is_attendee(session=session, meeting=m,
                                                                                member=member)]
    if not candidates:
        closed = _just_closed(session, member, now, window, meeting_id)
        later = session.exec(select(Meeting).where(
            Meeting.branch_id == member.branch_id, Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now).order_by(col(Meeting.starts_at))).all()
        # the next meeting *of theirs*: another group's meeting is not named to them
        upcoming = next((m for m in later if is_attendee(session=session, meeting=m, member=member)), None)
        # back to back (支委会 closes 14:30, 党课 opens 14:45): the nearer of the two is the one meant (review R3.11)
        if closed is not None and (upcoming is None or meeting_id is not None
                                   or now - window.closes(closed) <= window.opens(upcoming) - now):
            return CheckInResult(CheckIn.CLOSED, closed, closed_at=window.closes(closed))
        return CheckInResult(CheckIn.NOT_OPEN, upcoming, window.opens(upcoming) if upcoming else None)
    stale: Meeting | None = None
    for meeting in candidates:
        age = _code_age(ensure_secret(session=session, meeting=meeting), code, now, window.period_seconds)
        since_rotation = timedelta(seconds=now.timestamp() % window.period_seconds)
        fresh = age == 0 or (age == 1 and since_rotation < CODE_GRACE)
        if fresh:
            return _record(session, member, meeting, now)
        if age is not None:
            stale = meeting
    session.add(CheckinMiss(branch_id=member.branch_id, member_id=member.id, at=now))
    return CheckInResult(CheckIn.STALE if stale else CheckIn.WRONG, stale or candidates[0],
                         tries_left=MISS_LIMIT - misses - 1)


def _just_closed(session: Session, member: Member, now: datetime, window: Window, meeting_id: int | None
                 ) -> Meeting | None:
    """The member's meeting whose check-in closed within :data:`JUST_CLOSED`, the latest first: a code typed
    then is for it, not for next month's (trial T9)."""
    query = select(Meeting).where(Meeting.branch_id == member.branch_id, Meeting.status == MeetingStatus.SCHEDULED,
                                  Meeting.starts_at <= now - window.after,
                                  Meeting.starts_at > now - window.after - JUST_CLOSED)
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    return next((m for m in session.exec(query.order_by(col(Meeting.starts_at).desc())).all()
                 if is_attendee(session=session, meeting=m, member=member)), None)


def _record(session: Session, member: Member, meeting: Meeting, now: datetime) -> CheckInResult:
    assert meeting.id is not None and member.id is not None
    row = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                Attendance.member_id == member.id)).first()
    if row is not None and row.status in CAME:
        return CheckInResult(CheckIn.ALREADY, meeting)
    status = AttendanceStatus.LATE if now > meeting.starts_at else AttendanceStatus.PRESENT
    row = row or Attendance(branch_id=meeting.branch_id, meeting_id=meeting.id, member_id=member.id)
    row.status, row.checked_in_at, row.method, row.note = status, now, "self", None
    session.add(row)
    withdrew = settle_leave(session=session, meeting_id=meeting.id, member_id=member.id, status=status, by=None,
                            now=now)
    session.flush()
    return CheckInResult(CheckIn(status.value), meeting, withdrew_leave=withdrew)



def mark(*, session: Session, actor: Member, meeting_id: int, member_id: int, status: AttendanceStatus,
         note: str | None, now: datetime, scope: Scope | None = None) -> tuple[Meeting, Member]:
    """A secretary records what happened for one member (present / late / excused with a reason / absent)."""
    _, seen = as_secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    member = session.get(Member, member_id) if fits(member_id) else None
    if member is None or member.branch_id != meeting.branch_id:
        raise NotFound("member_not_found", member_id=member_id)
    row = session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id,
                                                Attendance.member_id == member_id)).first()
    row = row or Attendance(branch_id=meeting.branch_id, meeting_id=meeting_id, member_id=member_id)
    row.status, row.method, row.note, row.checked_in_at = status, "secretary", (clean_text(note) or None), now
    session.add(row)
    settle_leave(session=session, meeting_id=meeting_id, member_id=member_id, status=status, by=actor.tg_user_id,
                 now=now)
    audit(session=session, branch_id=meeting.branch_id, actor=actor.tg_user_id, action="attendance_marked",
          detail=f"meeting #{meeting_id} member #{member_id} {status}", now=now)
    return meeting, member


# --------------------------------------------------------------------------- the roster


@dataclass(frozen=True)
class RosterLine:
    member_id: int
    name: str
    standing: str
    status: str | None  # AttendanceStatus, or None: not checked in (yet)
    rsvp: str | None  # attend / leave / None
    leave_status: str | None
    reason: str | None
    makeup: str | None  # None / owes / done


@dataclass(frozen=True)
class Quorum:
    full_expected: int
    full_present: int

    @property
    def needed(self) -> int:
        return self.full_expected // 2 + 1

    @property
    def met(self) -> bool:
        return self.full_present * 2 > self.full_expected


@dataclass(frozen=True)
class Roster:
    """The ledger view of one meeting (a read model: no table rows leave storage)."""

    meeting_id: int
    final: bool
    expected: tuple[RosterLine, ...]
    quorum: Quorum | None
    begun: bool = True  # the meeting has started (before: nobody is late or missing yet, all is "so far")
    checking_in: bool = False  # not begun, but check-in is open: who is here so far counts already
    makeup_from: datetime | None = None  # when the 补学 goes out (Window.makeup_from)
    makeup_due: bool = True  # that moment has come: no 补学 row by now means none was sent

    def having(self, *statuses: str | None) -> list[RosterLine]:
        return [line for line in self.expected if line.status in statuses]

    @property
    def present(self) -> list[RosterLine]:
        return self.having(*CAME)

    @property
    def said_yes_absent(self) -> list[RosterLine]:
        """Said 参加 but did not come (known once the roster is final: before, they may still come)."""
        return [x for x in self.expected if x.rsvp == "attend" and x.status == AttendanceStatus.ABSENT]

    @property
    def came_unannounced(self) -> list[RosterLine]:
        return [x for x in self.present if x.rsvp is None]

    @property
    def owes_makeup(self) -> list[RosterLine]:
        return [x for x in self.expected if x.makeup == "owes"]

    @property
    def missed(self) -> list[RosterLine]:
        """Absent or excused: those who owe the meeting's 补学 once it has gone out."""
        return self.having(AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)


def roster(*, session: Session, actor: Member, meeting_id: int, now: datetime, window: Window,
           scope: Scope | None = None) -> Roster:
    _, seen = as_secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    return build_roster(session=session, meeting=meeting, now=now, window=window)


def build_roster(*, session: Session, meeting: Meeting, now: datetime, window: Window) -> Roster:
    assert meeting.id is not None
    final = now >= window.closes(meeting)
    marks = {a.member_id: a for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    answers = {r.member_id: r for r in session.exec(select(Rsvp).where(Rsvp.meeting_id == meeting.id))}
    makeups = makeup_states(session=session, meeting_id=meeting.id)
    standings = standings_at(session=session, branch_id=meeting.branch_id, at=meeting.starts_at)  # that day's
    lines = []
    for member in attendees(session=session, meeting=meeting):
        assert member.id is not None
        mark_row, answer = marks.get(member.id), answers.get(member.id)
        status: str | None = mark_row.status if mark_row else None
        reason = mark_row.note if mark_row else None
        if status is None and answer and answer.leave_status == LeaveStatus.APPROVED:
            status, reason = AttendanceStatus.EXCUSED, answer.reason
        if status is None and final:
            status = AttendanceStatus.ABSENT
        lines.append(RosterLine(
            member_id=member.id, name=member.name, standing=standings.get(member.id, member.standing), status=status,
            rsvp=answer.response if answer else None, leave_status=answer.leave_status if answer else None,
            reason=reason or (answer.reason if answer and answer.response == "leave" else None),
            makeup=makeups.get(member.id)))
    quorum = None
    if meeting.kind == MeetingKind.GENERAL:
        full = [x for x in lines if x.standing == Standing.FULL]
        quorum = Quorum(full_expected=len(full), full_present=sum(
            1 for x in full if x.status in CAME))
    return Roster(meeting_id=meeting.id, final=final, expected=tuple(lines), quorum=quorum,
                  begun=now >= meeting.starts_at, checking_in=window.opens(meeting) <= now < meeting.starts_at,
                  makeup_from=window.makeup_from(meeting), makeup_due=now >= window.makeup_from(meeting))


def recent_rosters(*, session: Session, actor: Member, now: datetime, window: Window, limit: int = 6,
                   scope: Scope | None = None) -> list[tuple[Meeting, Roster]]:
    """The rosters of the branch's latest meetings that have begun, newest first: the secretary's overview
    of attendance and of who still owes 补学."""
    _, seen = as_secretary(actor, scope)
    branch_id = seen.acting_branch_id if seen.acting_branch_id is not None else actor.branch_id
    meetings = session.exec(select(Meeting).where(
        Meeting.branch_id == branch_id, Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at <= now)
        .order_by(col(Meeting.starts_at).desc()).limit(limit)).all()
    return [(m, build_roster(session=session, meeting=m, now=now, window=window)) for m in meetings]


# --------------------------------------------------------------------------- 补学


def assign_makeup(*, session: Session, meeting: Meeting, now: datetime, window: Window) -> list[int]:
    """After a meeting: who was absent or excused owes its study; returns the member ids to send it to (new or
    not) — not those a secretary already recorded done (``record_makeup``), who have nothing left to do."""
    owed = [x.member_id for x in build_roster(session=session, meeting=meeting, now=now, window=window).missed]
    rows = session.exec(select(Makeup).where(Makeup.meeting_id == meeting.id)).all()
    existing = {r.member_id for r in rows}
    done = {r.member_id for r in rows if r.completed_at is not None}
    for member_id in owed:
        if member_id not in existing:
            assert meeting.id is not None
            session.add(Makeup(branch_id=meeting.branch_id, meeting_id=meeting.id, member_id=member_id,
                               assigned_at=now))
    session.flush()
    return [member_id for member_id in owed if member_id not in done]
