"""A cancelled meeting's cards in private lose their buttons: one edit per card, through the outbox.

Every private message that offered 参加 / 请假 (or a secretary's 批准 / 不批准, or 取消会议) about a meeting
is a sent outbox row with its Telegram message id: notices, reminders and change notices as the sender
recorded them, a 请假 request to each secretary, and — recorded here by :func:`record_card`, as a row that is
already sent — the cards a handler answered with directly (a secretary's creation confirmation, a
``/meeting`` view).  Once the meeting is cancelled, each of them gets one edit row::

    unbutton   mtg.unbutton:<meeting>:<chat>:<message>     the card says 已取消, no reply needed; no buttons

keyed by the message, so it is queued once however many ticks see the cancellation, is delivered once and
survives a restart like any other row.  A send whose fate is unknown has no message id to edit: its buttons
still answer with the polite "meeting cancelled" when pressed (``storage.rsvp.check_answerable``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from scheduler.outbox import NewDelivery, enqueue_many
from storage.models import Delivery, DeliveryState, Meeting
from storage.screens import prune_screens

CARD = "mtg.card"  # a card a handler sent itself, recorded as a sent row so it can be edited later
UNBUTTON = "mtg.unbutton"
CARDS_KEPT = timedelta(days=2)  # after its meeting ended, a card's record has nothing left to take off


def card_key(meeting_id: int, chat_id: int, message_id: int) -> str:
    return f"{CARD}:{meeting_id}:{chat_id}:{message_id}"


def record_card(*, session: Session, meeting: Meeting, member_id: int | None, chat_id: int, message_id: int,
                now: datetime, payload: dict[str, object] | None = None) -> None:
    """Remember a card with buttons that a handler sent directly (not through the outbox), so a cancellation
    finds it.  Already sent: the sender never takes it; no text is kept (the edit renders from the meeting),
    only ``payload`` — the details the card showed (``scheduler.seen``), which a 参加 tap compares."""
    assert meeting.id is not None
    key = card_key(meeting.id, chat_id, message_id)
    if session.exec(select(Delivery.id).where(Delivery.dedup_key == key)).first() is not None:
        return
    session.add(Delivery(branch_id=meeting.branch_id, dedup_key=key, kind=CARD, subject_id=meeting.id,
                         member_id=member_id, chat_id=chat_id, payload=dict(payload or {}), due_at=now,
                         state=DeliveryState.SENT, sent_at=now, telegram_message_id=message_id, created_at=now))


def unbutton_private(session: Session, meeting: Meeting, now: datetime, kinds: Iterable[str]) -> int:
    """An edit row for each sent message of ``kinds`` about the cancelled ``meeting`` (private chats: the
    group's posts have their own, ``reminders._unbutton_group``)."""
    assert meeting.id is not None
    posted = session.exec(select(Delivery).where(
        Delivery.subject_id == meeting.id, col(Delivery.kind).in_(list(kinds)),
        Delivery.state == DeliveryState.SENT, col(Delivery.telegram_message_id).is_not(None))).all()
    rows: list[NewDelivery] = []
    for row in posted:
        payload: dict[str, object] = {"message_id": row.telegram_message_id, "was": row.kind}
        for carried in ("rsvp", "asked"):  # a 请假 request: which answer, and which asking of it
            if carried in row.payload:
                payload[carried] = row.payload[carried]
        rows.append(NewDelivery(branch_id=meeting.branch_id, kind=UNBUTTON,
                                dedup_key=f"{UNBUTTON}:{meeting.id}:{row.chat_id}:{row.telegram_message_id}",
                                chat_id=row.chat_id, payload=payload, due_at=now, member_id=row.member_id,
                                subject_id=meeting.id))
    return enqueue_many(session=session, rows=rows, now=now)  # keys already queued are skipped there


def prune_records(*, session: Session, now: datetime) -> int:
    """A tick's housekeeping (review R9): the records that are no messages to send — handler cards of
    meetings ended more than :data:`CARDS_KEPT` ago (a cancellation can no longer concern them) and check-in
    screens no start looks for — are deleted, so the outbox does not grow by one row per ``/meeting`` view
    for ever.  Adds nothing (a producer's count of rows added: 0)."""
    ended = select(Meeting.id).where(col(Meeting.ends_at) < now - CARDS_KEPT)
    session.exec(delete(Delivery).where(  # type: ignore[call-overload]
        col(Delivery.kind) == CARD, col(Delivery.subject_id).in_(ended)))
    prune_screens(session=session, now=now)
    return 0
