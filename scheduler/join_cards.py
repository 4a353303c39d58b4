"""A decided join request's cards lose their buttons: one edit per card, through the outbox (trial T10).

Each decider (a secretary, or a committee admin while the branch has none) gets a card with 批准·正式 /
批准·预备 / 拒绝 when someone asks to join, and ``/approve 姓名`` answers with a card of its own.  The bot
sends them at once (a direct reply to the applicant's action) and records each here as a row that is already
sent, with its Telegram message id::

    card      reg.card:<chat>:<message>       the card as sent; subject: the applicant
    decided   reg.decided:<chat>:<message>    the card edited to say what was decided; no buttons

A decision — by a button or by ``/approve`` / ``/reject`` — queues one edit for every recorded card of that
request except the one whose button was pressed (the handler edits that one itself), in the same
transaction as the decision, and forgets the records, so a later request of the same person edits only its
own cards.  A stale button pressed before its edit arrives is refused by the decision itself
(``storage.roster.decision_candidate``).  Rendered by ``bot/joining.py`` in the reader's language.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from scheduler.outbox import NewDelivery, enqueue_many
from storage import roster
from storage.models import Delivery, DeliveryState, Member, MemberStatus, Standing
from storage.scope import Scope

CARD = "reg.card"
DECIDED = "reg.decided"


def record_card(*, session: Session, applicant_id: int, decider_id: int | None, chat_id: int, message_id: int,
                now: datetime, request: bool = False) -> None:
    """Remember a request card the bot sent directly, so the decision finds it; a sent row, never taken.
    ``request``: a card of the join request itself (not ``/approve``'s, which may readmit someone rejected):
    sent while another decider was deciding, it finds the request decided already — it gets that decision's
    edit at once rather than a record no decision will read (review R3.7)."""
    applicant = session.get(Member, applicant_id)
    if applicant is None:
        return
    if request and applicant.status != MemberStatus.PENDING:
        _decided_since(session, applicant, decider_id, chat_id, message_id, now)
        return
    key = f"{CARD}:{chat_id}:{message_id}"
    if session.exec(select(Delivery.id).where(Delivery.dedup_key == key)).first() is not None:
        return
    session.add(Delivery(branch_id=applicant.branch_id, dedup_key=key, kind=CARD, subject_id=applicant_id,
                         member_id=decider_id, chat_id=chat_id, payload={}, due_at=now, state=DeliveryState.SENT,
                         sent_at=now, telegram_message_id=message_id, created_at=now))


def _decided_since(session: Session, applicant: Member, decider_id: int | None, chat_id: int, message_id: int,
                   now: datetime) -> None:
    """The edit of a request card sent after its request was decided: what was decided (by whom, as the other
    cards' edits say it), no buttons; nothing for a request that lapsed otherwise (left, withdrawn)."""
    if applicant.status not in (MemberStatus.ACTIVE, MemberStatus.REJECTED):
        return
    other = session.exec(select(Delivery.payload).where(Delivery.kind == DECIDED, Delivery.subject_id == applicant.id)
                         .order_by(col(Delivery.id).desc())).first()
    payload = {"decision": "approved" if applicant.status == MemberStatus.ACTIVE else "rejected",
               "standing": str(applicant.standing), "by": (other or {}).get("by", ""), "message_id": message_id}
    enqueue_many(session=session, rows=[NewDelivery(
        branch_id=applicant.branch_id, kind=DECIDED, dedup_key=f"{DECIDED}:{chat_id}:{message_id}", chat_id=chat_id,
        member_id=decider_id, subject_id=applicant.id, payload=payload, due_at=now)], now=now)


def decide(*, session: Session, actor: Member, member_id: int, approve: bool, now: datetime,
           scope: Scope | None = None, standing: Standing | None = None, button: bool = False,
           pressed: tuple[int, int] | None = None) -> Member:
    """``storage.roster.decide``, and the edit of every other card of the request in the same transaction.
    ``button``: the decision comes from a request card, which decides a pending request only; ``pressed``
    (chat, message): the card the handler edits itself."""
    member = roster.decide(session=session, actor=actor, member_id=member_id, approve=approve, now=now,
                           scope=scope, standing=standing, pending_only=button)
    assert member.id is not None
    cards = session.exec(select(Delivery).where(Delivery.kind == CARD, Delivery.subject_id == member.id)).all()
    payload = {"decision": "approved" if approve else "rejected", "standing": str(member.standing),
               "by": actor.name}
    rows = [NewDelivery(branch_id=member.branch_id, kind=DECIDED, dedup_key=f"{DECIDED}:{card.chat_id}:"
                        f"{card.telegram_message_id}", chat_id=card.chat_id, member_id=card.member_id,
                        subject_id=member.id, payload={**payload, "message_id": card.telegram_message_id},
                        due_at=now)
            for card in cards if (card.chat_id, card.telegram_message_id) != pressed]
    enqueue_many(session=session, rows=rows, now=now)
    session.exec(delete(Delivery).where(  # type: ignore[call-overload]
        col(Delivery.kind) == CARD, col(Delivery.subject_id) == member.id))
    return member
