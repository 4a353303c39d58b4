"""A member's answer to a meeting notice — 参加 or 请假 — and a secretary's decision on a 请假.

Why apart from ``storage/attendance.py``: these rules are about what a member *says* before the meeting
(answerable until it starts, changeable at will, a 请假 waiting for a secretary's approval, a new 请假 after
a decision asking again); attendance is about what happened (check-in, the ledger, the roster).  The one
link is :func:`settle_leave`: what the ledger records settles an undecided 请假, and attendance calls it.
This module imports nothing from attendance, so there is no cycle.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.errors import InvalidState, NotFound
from storage.meetings import as_secretary, clean_text, fits, get_meeting, reach_meeting
from storage.members import audit
from storage.models import CAME, Attendance, AttendanceStatus, LeaveStatus, Meeting, MeetingStatus, Member, Rsvp
from storage.scope import Scope


def _open_meeting(session: Session, member: Member, meeting_id: int, now: datetime) -> Meeting:
    meeting, attending = reach_meeting(session=session, actor=member, meeting_id=meeting_id)
    if not attending:  # a secretary it does not address
        raise InvalidState("not_invited", id=meeting_id)
    return check_answerable(meeting, now)


def check_answerable(meeting: Meeting, now: datetime) -> Meeting:
    """Refuse an answer (参加 or 请假) to a meeting cancelled or begun — one wording for each state, whichever
    button was pressed and wherever (trial G4)."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidState("meeting_cancelled", id=meeting.id)
    if meeting.ends_at <= now:  # an old card's button after the meeting: it is over, not "started" (trial T9)
        raise InvalidState("rsvp_meeting_over", id=meeting.id)
    if meeting.starts_at <= now:
        raise InvalidState("meeting_started", id=meeting.id)
    return meeting


def rsvp_of(*, session: Session, meeting_id: int, member_id: int) -> Rsvp | None:
    return session.exec(select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.member_id == member_id)).first()


def came(*, session: Session, meeting_id: int, member_id: int) -> bool:
    """Whether the member is already recorded present or late (checked in): no 请假, no notice asking."""
    return came_at(session=session, meeting_id=meeting_id, member_id=member_id) is not None


def came_at(*, session: Session, meeting_id: int, member_id: int) -> datetime | None:
    """When the member was recorded present or late (checked in, or marked so), ``None`` if not: a change
    notice tells a checked-in member that the check-in stands, with its time."""
    marked = session.exec(
        select(Attendance.status, Attendance.checked_in_at).where(Attendance.meeting_id == meeting_id,
                                                                  Attendance.member_id == member_id)
    ).first()
    return marked[1] if marked is not None and marked[0] in CAME else None


def check_may_ask_leave(*, session: Session, meeting: Meeting, member: Member) -> None:
    """A member who has checked in cannot ask for leave (trial T2): no secretary could decide it, since the
    ledger already says they came."""
    assert meeting.id is not None and member.id is not None
    if came(session=session, meeting_id=meeting.id, member_id=member.id):
        raise InvalidState("checked_in_no_leave", id=meeting.id)


def respond(
    *, session: Session, member: Member, meeting_id: int, attend: bool, reason: str | None, now: datetime
) -> Rsvp:
    """Record 参加, or 请假 with its reason (then pending a secretary's decision); upsert by (meeting, member)."""
    meeting = _open_meeting(session, member, meeting_id, now)
    assert member.id is not None and meeting.id is not None
    if not attend:
        check_may_ask_leave(session=session, meeting=meeting, member=member)
    row = rsvp_of(session=session, meeting_id=meeting.id, member_id=member.id)
    row = row or Rsvp(branch_id=meeting.branch_id, meeting_id=meeting.id, member_id=member.id, response="attend")
    row.response = "attend" if attend else "leave"
    row.reason = None if attend else (clean_text(reason) or "")[:500]
    row.leave_status = None if attend else LeaveStatus.PENDING
    row.decided_by = row.decided_at = None
    row.responded_at = now
    session.add(row)
    session.flush()
    return row


def decide_leave(
    *,
    session: Session,
    actor: Member,
    rsvp_id: int,
    approve: bool,
    now: datetime,
    scope: Scope | None = None,
    change: bool = False,
) -> tuple[Rsvp, Member, Meeting]:
    """A secretary approves or declines a 请假; changing a decision takes ``change`` (its own confirmed step),
    so a second tap on 批准 or 不批准 — whatever button now sits there — finds the request decided already."""
    _, seen = as_secretary(actor, scope)
    row = session.get(Rsvp, rsvp_id) if fits(rsvp_id) else None
    if row is None:
        raise NotFound("leave_not_found", id=rsvp_id)
    meeting = get_meeting(session=session, actor=actor, meeting_id=row.meeting_id, scope=seen)
    if meeting.status == MeetingStatus.CANCELLED:  # an old 批准 button: nothing left to approve
        raise InvalidState("meeting_cancelled", id=meeting.id)
    decision = LeaveStatus.APPROVED if approve else LeaveStatus.DECLINED
    marked = session.exec(
        select(Attendance.status).where(Attendance.meeting_id == row.meeting_id, Attendance.member_id == row.member_id)
    ).first()
    if marked in CAME:  # checked in (or recorded present) since: nothing to decide, and the secretary is told so
        who = session.get(Member, row.member_id)
        raise InvalidState("leave_came", id=rsvp_id, name=who.name if who else "")
    if marked is not None and marked != AttendanceStatus.ABSENT:  # recorded 请假: settled by the ledger
        raise InvalidState("leave_decided", id=rsvp_id)
    if row.response != "leave":  # the member said 参加 since: nothing to decide, and the secretary is told so
        who = session.get(Member, row.member_id)
        raise InvalidState("leave_withdrawn", id=rsvp_id, name=who.name if who else "")
    if row.leave_status == decision or (not change and row.leave_status != LeaveStatus.PENDING):
        raise InvalidState("leave_decided", id=rsvp_id)
    row.leave_status = decision
    row.decided_by, row.decided_at = actor.tg_user_id, now
    session.add(row)
    member = session.get(Member, row.member_id)
    assert member is not None
    audit(
        session=session,
        branch_id=meeting.branch_id,
        actor=actor.tg_user_id,
        action="leave_approved" if approve else "leave_declined",
        detail=f"meeting #{meeting.id} member #{member.id}",
        now=now,
    )
    return row, member, meeting


def decided_leave(*, session: Session, actor: Member, rsvp_id: int, scope: Scope | None = None
                  ) -> tuple[Rsvp, Member, Meeting]:
    """A 请假 a secretary of its branch decided, with its member and meeting (the reason after 不批准)."""
    _, seen = as_secretary(actor, scope)
    row = session.get(Rsvp, rsvp_id) if fits(rsvp_id) else None
    if row is None:
        raise NotFound("leave_not_found", id=rsvp_id)
    meeting = get_meeting(session=session, actor=actor, meeting_id=row.meeting_id, scope=seen)
    member = session.get(Member, row.member_id)
    assert member is not None
    return row, member, meeting


def settle_leave(
    *, session: Session, meeting_id: int, member_id: int, status: AttendanceStatus, by: int | None, now: datetime
) -> bool:
    """What the ledger now records settles an undecided 请假, so it does not wait for a decision forever:
    recorded 请假 (excused) approves it, recorded present (or a check-in) withdraws it — the member came.
    Absent leaves it open: the secretary may still excuse them.  Returns whether a pending 请假 was withdrawn
    (the member came), so a check-in can tell them that the promised decision will not come."""
    row = rsvp_of(session=session, meeting_id=meeting_id, member_id=member_id)
    if row is None or row.response != "leave" or row.leave_status != LeaveStatus.PENDING:
        return False
    withdrew = False
    if status == AttendanceStatus.EXCUSED:
        row.leave_status, row.decided_by, row.decided_at = LeaveStatus.APPROVED, by, now
    elif status in CAME:
        row.response, row.leave_status = "attend", None
        withdrew = True
    else:
        return False
    session.add(row)
    return withdrew
