"""请假 through the outbox: the request to each secretary, and the decision to the member.

Like every notification these are rows, not messages: queued in the same transaction as the answer or the
decision, under a key that names the request (or decision) they carry, and rendered when the sender takes
them (``bot/meeting_notices.py``), in the reader's language then::

    leave request   mtg.leavereq:<rsvp>:<requested at>:<secretary>   [批准][不批准] to each secretary
    leave decision  mtg.leave:<rsvp>:<n>                            批准 / 不批准 to the member (n-th decision)
    decline note    mtg.leavenote:<rsvp>:<n>                        the secretary's why of the n-th decision,
                                                                    a 不批准, after it (optional, trial T24)
    leave recorded  mtg.excused:<meeting>:<member>:<n>              请假 the secretary recorded, to the member
                                                                    (who never asked, or was declined; n-th time)

A member who asks again (or says 参加 instead) makes the older request rows stale, and a secretary who
changes a decision makes the older decision stale: the renderer compares the row with the answer as it
stands (and a decision row with the newest one) and lets a stale row expire, so the member hears only the
decision that holds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler.outbox import enqueue
from storage import attendance
from storage import rsvp as rsvp_store
from storage.errors import InvalidState
from storage.members import secretaries_of
from storage.models import Attendance, AttendanceStatus, Delivery, DeliveryState, LeaveStatus, Meeting, Member, Rsvp
from storage.scope import Scope

REQUEST = "mtg.leavereq"
DECISION = "mtg.leave"
NOTE = "mtg.leavenote"
EXCUSED = "mtg.excused"


def stamp(moment: datetime | None) -> float:
    """A moment as the key and payload carry it (seconds, to the microsecond)."""
    return round(moment.timestamp(), 6) if moment is not None else 0.0


def request_leave(*, session: Session, member: Member, meeting_id: int, reason: str, now: datetime
                  ) -> tuple[Rsvp, Meeting]:
    """Record 请假 with its reason and queue the request to each of the branch's secretaries."""
    row = rsvp_store.respond(session=session, member=member, meeting_id=meeting_id, attend=False, reason=reason,
                             now=now)
    meeting = session.get(Meeting, row.meeting_id)
    assert meeting is not None and row.id is not None
    asked = stamp(row.responded_at)
    for secretary in secretaries_of(session=session, branch_id=meeting.branch_id):
        enqueue(session=session, branch_id=meeting.branch_id, kind=REQUEST,
                dedup_key=f"{REQUEST}:{row.id}:{asked:.6f}:{secretary.id}", chat_id=secretary.chat_id or
                secretary.tg_user_id, member_id=secretary.id, subject_id=meeting.id,
                payload={"rsvp": row.id, "asked": asked}, due_at=now, now=now)
    return row, meeting


def decide_leave(*, session: Session, actor: Member, rsvp_id: int, approve: bool, now: datetime,
                 scope: Scope | None = None, change: bool = False) -> tuple[Rsvp, Member, Meeting]:
    """Record a secretary's decision and queue it to the member (a changed decision queues the new one)."""
    row, member, meeting = rsvp_store.decide_leave(session=session, actor=actor, rsvp_id=rsvp_id, approve=approve,
                                                   now=now, scope=scope, change=change)
    _queue_decision(session, row, member, meeting, now)
    return row, member, meeting


def mark_attendance(*, session: Session, actor: Member, meeting_id: int, member_id: int,
                    status: AttendanceStatus, note: str | None, now: datetime, scope: Scope | None = None
                    ) -> tuple[Meeting, Member, bool]:
    """A secretary's ``/attendance`` mark; when it approves the member's pending 请假 (recorded 请假), the
    member hears it as from the 批准 button (trial T5) — the ledger is another way to decide, not a silent one.
    Recorded 请假 for a member who never asked (or was declined) is told too: it excuses them and brings a
    补学, which they should not learn of only when the 补学 arrives.  Not told: a 请假 they already know was
    approved, the same 请假 recorded again, and 缺席 / 迟到 / 出席 (what they did themselves).
    The flag says the mark (出席 / 迟到) withdrew a pending 请假 instead, so the secretary's reply can say so
    rather than the request vanish unremarked (review R2.12)."""
    asked = rsvp_store.rsvp_of(session=session, meeting_id=meeting_id, member_id=member_id)
    leave = (asked.leave_status if asked is not None and asked.response == "leave" else None)
    before = session.exec(select(Attendance.status).where(Attendance.meeting_id == meeting_id,
                                                          Attendance.member_id == member_id)).first()
    meeting, member = attendance.mark(session=session, actor=actor, meeting_id=meeting_id, member_id=member_id,
                                      status=status, note=note, now=now, scope=scope)
    if asked is not None and leave == LeaveStatus.PENDING and asked.leave_status == LeaveStatus.APPROVED:
        _queue_decision(session, asked, member, meeting, now)
    elif status == AttendanceStatus.EXCUSED and before != AttendanceStatus.EXCUSED and leave != LeaveStatus.APPROVED:
        prefix = f"{EXCUSED}:{meeting_id}:{member_id}:"
        enqueue(session=session, branch_id=meeting.branch_id, kind=EXCUSED,
                dedup_key=f"{prefix}{_count(session, prefix) + 1}",
                chat_id=member.chat_id or member.tg_user_id, member_id=member.id, subject_id=meeting.id,
                payload={"meeting": meeting_id, "member": member_id}, due_at=now, now=now)
    withdrew = asked is not None and leave == LeaveStatus.PENDING and asked.response != "leave"
    return meeting, member, withdrew


def _count(session: Session, prefix: str) -> int:
    """How many rows were queued under keys starting with ``prefix`` (the next one is numbered after them)."""
    return int(session.exec(select(func.count()).select_from(Delivery)
                            .where(col(Delivery.dedup_key).startswith(prefix))).one())


def _queue_decision(session: Session, row: Rsvp, member: Member, meeting: Meeting, now: datetime) -> None:
    prefix = f"{DECISION}:{row.id}:"
    enqueue(session=session, branch_id=meeting.branch_id, kind=DECISION,
            dedup_key=f"{prefix}{_count(session, prefix) + 1}",
            chat_id=member.chat_id or member.tg_user_id, member_id=member.id, subject_id=meeting.id,
            payload={"rsvp": row.id, "decision": str(row.leave_status)}, due_at=now, now=now)


def note_decline(*, session: Session, actor: Member, rsvp_id: int, note: str, now: datetime,
                 scope: Scope | None = None) -> tuple[Rsvp, Member]:
    """Queue the secretary's reason for a 不批准 to the member, after the decision it explains (the outbox
    sends a chat's rows in order, and the note waits for a decision whose send was put off: ``note_waits``).
    Keyed by that decision: a second note for it is one message, and a decision changed since makes the note
    stale (``current_note``)."""
    row, member, meeting = rsvp_store.decided_leave(session=session, actor=actor, rsvp_id=rsvp_id, scope=scope)
    if row.leave_status != LeaveStatus.DECLINED:
        raise InvalidState("leave_not_declined", name=member.name)
    count = _count(session, f"{DECISION}:{row.id}:")
    enqueue(session=session, branch_id=meeting.branch_id, kind=NOTE, dedup_key=f"{NOTE}:{row.id}:{count}",
            chat_id=member.chat_id or member.tg_user_id, member_id=member.id, subject_id=meeting.id,
            payload={"rsvp": row.id, "decision": count, "note": note}, due_at=now, now=now)
    return row, member


def current_note(session: Session, delivery: Delivery) -> Rsvp | None:
    """The 不批准 a note row explains, if it still holds (declined, and no decision made since)."""
    row = session.get(Rsvp, int(str(delivery.payload.get("rsvp", 0))))
    if row is None or row.response != "leave" or row.leave_status != LeaveStatus.DECLINED:
        return None
    return row if _count(session, f"{DECISION}:{row.id}:") == delivery.payload.get("decision") else None


def note_waits(session: Session, delivery: Delivery) -> datetime | None:
    """When the 不批准 a note row explains is still waiting for its send (a retry pushed it later), the moment
    it is due: the note waits until then, so the member never reads the reason before the refusal (review
    R3.4).  ``None`` once the decision was sent, may have been, or will never be — and when it is due no later
    than the note: the outbox claims by due time then id, so the decision (queued first) goes first anyway."""
    decision = session.exec(select(Delivery).where(
        Delivery.dedup_key == f"{DECISION}:{delivery.payload.get('rsvp')}:{delivery.payload.get('decision')}")).first()
    if decision is None or decision.state != DeliveryState.PENDING or decision.due_at <= delivery.due_at:
        return None
    return decision.due_at


def current_request(session: Session, payload: dict[str, object]) -> Rsvp | None:
    """The 请假 a request row carries, if it still waits for a decision (else the row is stale)."""
    row = session.get(Rsvp, int(str(payload.get("rsvp", 0))))
    if row is None or row.response != "leave" or row.leave_status != LeaveStatus.PENDING:
        return None
    return row if abs(stamp(row.responded_at) - float(str(payload.get("asked", 0)))) < 1e-5 else None


def current_decision(session: Session, delivery: Delivery) -> Rsvp | None:
    """The decision a decision row carries, if it is still the one that holds (the newest, unchanged)."""
    row = session.get(Rsvp, int(str(delivery.payload.get("rsvp", 0))))
    if row is None or row.response != "leave" or row.leave_status != delivery.payload.get("decision"):
        return None
    if row.leave_status == LeaveStatus.APPROVED and rsvp_store.came(session=session, meeting_id=row.meeting_id,
                                                                    member_id=row.member_id):
        return None  # recorded present since (请假 then 出席 before the sender ran): an approval would contradict it
    newest = session.exec(select(func.max(Delivery.id)).where(
        Delivery.kind == DECISION, col(Delivery.dedup_key).startswith(f"{DECISION}:{row.id}:"))).one()
    return row if newest == delivery.id else None


def current_excused(session: Session, delivery: Delivery) -> Attendance | None:
    """The recorded 请假 an excused row carries, if it still stands (the record not changed since, and no
    later row for the same member and meeting)."""
    meeting_id, member_id = int(str(delivery.payload.get("meeting", 0))), int(str(delivery.payload.get("member", 0)))
    row = session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id,
                                                Attendance.member_id == member_id)).first()
    if row is None or row.status != AttendanceStatus.EXCUSED:
        return None
    newest = session.exec(select(func.max(Delivery.id)).where(
        Delivery.kind == EXCUSED, col(Delivery.dedup_key).startswith(f"{EXCUSED}:{meeting_id}:{member_id}:"))).one()
    if newest != delivery.id or _knows_excused(session, meeting_id, member_id, delivery.id):
        return None
    return row


def _knows_excused(session: Session, meeting_id: int, member_id: int, this: int | None) -> bool:
    """Whether the last word on their leave the member was sent (or may have been) already says they are
    excused — a recorded 请假 or an approval: 请假 → 出席 → 请假 recorded across ticks (出席 tells nothing)
    would otherwise tell the same 请假 twice (trial T5 leftover).  A 不批准 in between makes it news, and so does
    an approval the member has withdrawn since (they said 参加 after it: review R3.10) — it no longer stands."""
    last = session.exec(select(Delivery).where(
        Delivery.subject_id == meeting_id, Delivery.member_id == member_id,
        col(Delivery.kind).in_([DECISION, EXCUSED]), Delivery.id != this,
        col(Delivery.state).in_([DeliveryState.SENT, DeliveryState.UNCERTAIN])).order_by(col(Delivery.id).desc())
    ).first()
    if last is None:
        return False
    if last.kind == EXCUSED:
        return True
    if last.payload.get("decision") != LeaveStatus.APPROVED:
        return False
    row = rsvp_store.rsvp_of(session=session, meeting_id=meeting_id, member_id=member_id)
    return row is not None and row.response == "leave" and row.leave_status == LeaveStatus.APPROVED
