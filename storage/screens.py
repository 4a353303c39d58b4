"""The check-in screens' records: which message shows a live code, so a restart resumes it (``bot.code_screen``).

Each screen is an outbox row that is already sent (kind ``mtg.screen``, key ``mtg.screen:<chat>:<message>``,
payload: its meeting, whose screen it is, and whether it is still ``live``): the sender never takes it and no
migration was needed.  Reading them on start filters on the kind first, so it does not scan every
notification sent in the last days; rows of meetings long over are pruned (:func:`prune_screens`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from storage.models import Delivery, DeliveryState, Meeting

SCREEN = "mtg.screen"  # the outbox kind of a screen's record (already sent: the sender never takes it)
LIVE = "live"  # payload key: the screen is still kept current
RESUME_WITHIN = timedelta(days=2)  # a screen recorded longer ago than this is not looked for on start


def screen_key(chat_id: int, message_id: int) -> str:
    return f"{SCREEN}:{chat_id}:{message_id}"


def remember_screen(*, session: Session, chat_id: int, message_id: int, meeting_id: int, user_id: int,
              now: datetime) -> None:
    """Record ``message_id`` as its chat's live screen (any other screen of that chat is live no more)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return
    key = screen_key(chat_id, message_id)
    for other in session.exec(select(Delivery).where(col(Delivery.dedup_key).startswith(f"{SCREEN}:{chat_id}:"),
                                                     Delivery.kind == SCREEN)).all():
        if other.dedup_key != key and other.payload.get(LIVE):
            other.payload = {**other.payload, LIVE: False}
            session.add(other)
    row = session.exec(select(Delivery).where(Delivery.dedup_key == key)).first()
    payload = {LIVE: True, "meeting": meeting_id, "user": user_id}
    if row is not None:
        row.payload = {**row.payload, **payload}
        session.add(row)
        return
    session.add(Delivery(branch_id=meeting.branch_id, dedup_key=key, kind=SCREEN, subject_id=meeting_id,
                         chat_id=chat_id, payload=payload, due_at=now, state=DeliveryState.SENT, sent_at=now,
                         telegram_message_id=message_id, created_at=now))


def forget_screen(*, session: Session, chat_id: int, message_id: int) -> None:
    """The screen has stopped: a restart must not bring it back."""
    row = session.exec(select(Delivery).where(Delivery.dedup_key == screen_key(chat_id, message_id))).first()
    if row is not None and row.payload.get(LIVE):
        row.payload = {**row.payload, LIVE: False}
        session.add(row)


def live_screens(*, session: Session, now: datetime) -> list[tuple[int, int, int, int]]:
    """(chat, message, meeting, user) of each screen still live when the process stopped (recorded due when
    shown, so the due time bounds how far back to look)."""
    rows = session.exec(select(Delivery).where(Delivery.kind == SCREEN, Delivery.state == DeliveryState.SENT,
                                               col(Delivery.due_at) >= now - RESUME_WITHIN)).all()
    return [(r.chat_id, int(r.telegram_message_id or 0), int(r.payload.get("meeting", 0)),
             int(r.payload.get("user", 0))) for r in rows if r.payload.get(LIVE) and r.telegram_message_id]


def prune_screens(*, session: Session, now: datetime) -> int:
    """Drop the records of screens shown longer ago than :data:`RESUME_WITHIN`: no start looks for them."""
    result = session.exec(delete(Delivery).where(  # type: ignore[call-overload]
        col(Delivery.kind) == SCREEN, col(Delivery.due_at) < now - RESUME_WITHIN))
    return int(result.rowcount or 0)
