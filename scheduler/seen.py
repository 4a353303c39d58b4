"""What a reader may last have seen of a meeting: the base a change notice (or a reminder) compares against.

Notices, reminders and change notices render the meeting when they are sent, so each keeps in its own
payload what it showed (``shown``: ``storage.meetings.announced``), written in the render's transaction.
The reader's rows are found through their *anchor* — their notice row (the group's: its notice), whose
key is known — which lists the ids of every later row rendered for that reader (``renders``); so a
fan-out to thousands reads each member's few rows by primary key, never by scanning the outbox::

    notice (14:30) sent ─▶ reminder (15:00, the meeting moved meanwhile) sent ─▶ change: nothing new, not sent
    notice (14:30) sent ─▶ reminder (15:00) *uncertain* ─▶ change: they saw 14:30 or 15:00 — "以此为准"

A secretary's own creation or edit is shown to him in its confirmation, not by a notice: the confirmation is
recorded as a sent row of his (:func:`record_confirmation`), so he is compared like every other reader.

Only rows that went out, or may have (``sent``, ``uncertain``), count.  The last sent row was certainly
seen; an uncertain row after it may have been.  When those candidates disagree, no old → new line can be
right for this reader, and :attr:`Seen.unsure` says so instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler import unbutton
from scheduler.reminders import GROUP, NOTICE
from storage.meetings import announced
from storage.models import Delivery, DeliveryState, Meeting, Member, Rsvp

CONFIRMATION = "confirmation"  # payload flag: a row standing for a secretary's own confirmation, never sent
CONFIRM = "mtg.confirm"  # the kind of a row recording an edit's confirmation (a creation's is his notice row)
SHOWN = "shown"  # payload key: the details a rendered notice, reminder or change notice showed
MAYBE = "maybe"  # payload key: what an earlier, uncertain attempt of the same row showed, when it differs
RENDERS = "renders"  # payload key on the anchor: ids of the reader's later rows, in the order rendered


@dataclass(frozen=True)
class Seen:
    """``shown``: the details the reader most recently may have seen (``None``: nothing recorded — never
    told, or told before the record existed); ``unsure``: they may last have seen other details than that."""

    shown: dict[str, Any] | None = None
    unsure: bool = False


def anchor_key(meeting_id: int, member_id: int | None) -> str:
    """The key of the row that lists a reader's rows about a meeting: their notice (the group's notice)."""
    return f"{GROUP}:{meeting_id}:notice" if member_id is None else f"{NOTICE}:{meeting_id}:{member_id}"


def _moment(row: Delivery) -> datetime:
    return row.sent_at or row.uncertain_at or row.attempted_at or row.created_at


def last_seen(*, session: Session, meeting_id: int, member_id: int | None, exclude: int | None = None) -> Seen:
    """What ``member_id`` (``None``: the branch group) may last have seen of the meeting, by its rows that
    were sent or may have been; ``exclude`` is the row being rendered (a resend of an uncertain row)."""
    anchor = session.exec(select(Delivery).where(Delivery.dedup_key == anchor_key(meeting_id, member_id))).first()
    if anchor is None:
        return Seen()
    ids = [anchor.id, *(int(i) for i in anchor.payload.get(RENDERS, []))]
    found = session.exec(select(Delivery).where(
        col(Delivery.id).in_([i for i in ids if i != exclude]),
        col(Delivery.state).in_([DeliveryState.SENT, DeliveryState.UNCERTAIN]))).all()
    went = sorted(found, key=lambda r: (_moment(r), r.id or 0))
    last_sent = max((i for i, r in enumerate(went) if r.state == DeliveryState.SENT), default=0)
    candidates = went[last_sent:]  # the last one surely seen, and any that may have come after it
    if not candidates:
        return Seen()
    shown = [r.payload.get(SHOWN) if isinstance(r.payload.get(SHOWN), dict) else None for r in candidates]
    latest = shown[-1]
    # a row resent after an uncertain attempt, and uncertain again: the first attempt (other details) may be
    # the one that arrived; once the resend is sent, it came last and is what they saw
    earlier = [r.payload[MAYBE] for r in candidates
               if r.state == DeliveryState.UNCERTAIN and isinstance(r.payload.get(MAYBE), dict)]
    if len(candidates) == 1 and not earlier:
        return Seen(shown=latest)
    return Seen(shown=latest, unsure=any(s != latest for s in [*shown, *earlier]))


def shown_in_message(*, session: Session, meeting_id: int, member_id: int, message_id: int) -> dict[str, Any] | None:
    """The details the reader's message ``message_id`` (a notice, reminder or change notice of theirs)
    showed, found through their anchor by primary key; ``None`` when it is none of those rows or recorded
    nothing (a /meeting reply, a card sent before the record).  A 参加 tap compares *these* with the
    meeting, not the re-rendered text: a /lang switch or a reworded card is no change (review R2.13)."""
    anchor = session.exec(select(Delivery).where(Delivery.dedup_key == anchor_key(meeting_id, member_id))).first()
    if anchor is None:
        return None
    ids = [anchor.id, *(int(i) for i in anchor.payload.get(RENDERS, []))]
    for row in session.exec(select(Delivery).where(col(Delivery.id).in_(ids))).all():
        if row.telegram_message_id == message_id and row.state == DeliveryState.SENT:
            found = row.payload.get(SHOWN)
            return found if isinstance(found, dict) else None
    return None


def shown_on_card(*, session: Session, meeting_id: int, chat_id: int, message_id: int) -> dict[str, Any] | None:
    """The details a card a handler sent itself showed (a ``/meeting`` view, a creation confirmation:
    ``unbutton.record_card``), ``None`` for one recorded without them (sent before they were kept)."""
    row = session.exec(select(Delivery.payload).where(
        Delivery.dedup_key == unbutton.card_key(meeting_id, chat_id, message_id))).first()
    found = row.get(SHOWN) if row is not None else None
    return found if isinstance(found, dict) else None


def record_shown(*, session: Session, row: Delivery, meeting_id: int, member_id: int | None,
                 shown: dict[str, Any]) -> None:
    """Keep on ``row`` what it shows (written as it is rendered: what the reader sees once it is sent), and
    list it on the reader's anchor so :func:`last_seen` finds it.  Both payloads are read afresh: the row
    was loaded when it was claimed, and the anchor's list may have grown since."""
    payload = dict(session.exec(select(Delivery.payload).where(Delivery.id == row.id)).first() or row.payload)
    before = payload.get(SHOWN)
    if row.uncertain_at is not None and isinstance(before, dict) and before != shown:
        payload[MAYBE] = before  # resent after an uncertain attempt that showed other details
    session.execute(update(Delivery).where(col(Delivery.id) == row.id).values(payload={**payload, SHOWN: shown}))
    if row.dedup_key == anchor_key(meeting_id, member_id):
        return
    # locked (PostgreSQL; SQLite serialises writers anyway): two senders rendering two rows of one reader
    # would each append to the list they read, and the later write would drop the other's id
    anchor = session.exec(select(Delivery).where(Delivery.dedup_key == anchor_key(meeting_id, member_id))
                          .with_for_update().execution_options(populate_existing=True)).first()
    if anchor is None or anchor.id is None:
        return
    listed = [int(i) for i in anchor.payload.get(RENDERS, [])]
    if row.id not in listed:
        session.execute(update(Delivery).where(col(Delivery.id) == anchor.id)
                        .values(payload={**anchor.payload, RENDERS: [*listed, row.id]}))


def record_confirmation(*, session: Session, meeting: Meeting, member: Member, now: datetime, notice: bool) -> None:
    """The secretary who just created or edited ``meeting`` read its card in his confirmation: keep it as what
    he has seen, in the transaction that made the change, so the producers treat him like every reader.

    ``notice``: the confirmation stands for his notice (it carried the 参加 / 请假 buttons: a creation, to an
    attendee) — it becomes his anchor, marked sent, so no notice repeats it and later change notices and
    reminders are listed on it.  Otherwise (an edit) it is a row of its own (``mtg.confirm:<meeting>:<revision>:
    <member>``, sent, no text) listed on his anchor, like a change notice he read; without an anchor he has been
    told nothing yet, and his notice will show the card as it is then.  Only this occurrence is covered: the
    later occurrences of a series he created reach him as they reach everyone (review R1)."""
    assert meeting.id is not None and member.id is not None
    anchor = session.exec(select(Delivery.id).where(Delivery.dedup_key == anchor_key(meeting.id, member.id))).first()
    if anchor is None and not notice:
        return
    key = (anchor_key(meeting.id, member.id) if anchor is None
           else f"{CONFIRM}:{meeting.id}:{meeting.revision}:{member.id}")
    if anchor is not None and session.exec(select(Delivery.id).where(Delivery.dedup_key == key)).first() is not None:
        return  # recorded already (without an anchor, the lookup above found the key free)
    row = Delivery(branch_id=meeting.branch_id, dedup_key=key, kind=NOTICE if anchor is None else CONFIRM,
                   subject_id=meeting.id, member_id=member.id, chat_id=member.chat_id or member.tg_user_id,
                   payload={CONFIRMATION: True}, due_at=now, expires_at=meeting.starts_at,
                   state=DeliveryState.SENT, sent_at=now, created_at=now)
    session.add(row)
    session.flush()
    record_shown(session=session, row=row, meeting_id=meeting.id, member_id=member.id, shown=announced(meeting))


def answered_before_move(*, session: Session, meeting_id: int) -> set[int]:
    """The members whose standing 参加 was given for another start than the meeting's current one: the last of
    their rows they may have read before answering showed another time (a move's change notice asks them to
    confirm, review R3.3; tapping 参加 again answers it).  A member with no such row (answered from /meeting
    alone) is not counted: nothing says which time they answered for.  Read by /attendance's roster."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return set()
    start = announced(meeting)["starts_at"]
    stale: set[int] = set()
    for answer in session.exec(select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.response == "attend")).all():
        anchor = session.exec(select(Delivery).where(
            Delivery.dedup_key == anchor_key(meeting_id, answer.member_id))).first()
        if anchor is None:
            continue
        ids = [anchor.id, *(int(i) for i in anchor.payload.get(RENDERS, []))]
        went = [r for r in session.exec(select(Delivery).where(
            col(Delivery.id).in_(ids), col(Delivery.state).in_([DeliveryState.SENT, DeliveryState.UNCERTAIN]))).all()
            if _moment(r) <= answer.responded_at and isinstance(r.payload.get(SHOWN), dict)]
        if went and max(went, key=lambda r: (_moment(r), r.id or 0)).payload[SHOWN].get("starts_at") != start:
            stale.add(answer.member_id)
    return stale
