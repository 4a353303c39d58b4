"""A secretary's ``/attendance N 姓名 补学``: one member's 补学 recorded done — apart from ``storage.makeup`` (which
``storage.attendance`` reads) because it needs the roster to tell who was absent or excused."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.attendance import Window, build_roster
from storage.errors import InvalidState
from storage.makeup import makeup_of, mark_makeup
from storage.meetings import as_secretary, fits, get_meeting
from storage.models import Makeup, Meeting, Member
from storage.scope import Scope


def record_makeup(*, session: Session, actor: Member, meeting_id: int, member_id: int, now: datetime,
                  window: Window, scope: Scope | None = None) -> tuple[Meeting, Member]:
    """``/attendance N 姓名 补学``: a secretary records one member's 补学 done — also one the bot never sent (the
    meeting older than the sweep reaches, the bot down at the time): the roster then says to record it this
    way, so an absent or excused member gets the row here.  Before the 补学 goes out there is nothing to
    make up yet — the meeting's content is not all given — and the answer says when (trial T6)."""
    _, seen = as_secretary(actor, scope)
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=seen)
    if makeup_of(session=session, meeting_id=meeting_id, member_id=member_id) is None and fits(member_id):
        if now < window.makeup_from(meeting):
            raise InvalidState("makeup_not_yet", id=meeting_id, end=window.makeup_from(meeting))
        line = next((x for x in build_roster(session=session, meeting=meeting, now=now, window=window).missed
                     if x.member_id == member_id), None)
        if line is not None:  # absent or excused, and no 补学 was sent: recorded as given by the secretary
            session.add(Makeup(branch_id=meeting.branch_id, meeting_id=meeting_id, member_id=member_id,
                               assigned_at=now))
            session.flush()
    return mark_makeup(session=session, actor=actor, meeting_id=meeting_id, member_id=member_id, now=now,
                       scope=scope)
