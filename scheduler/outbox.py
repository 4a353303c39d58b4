"""The delivery outbox: idempotent inserts, leases, and the state machine of one notification.

    pending ──claim──▶ claimed ──▶ sent
       ▲                  │ ├────▶ failed_permanent   (blocked, bad request)
       │                  │ └────▶ uncertain          (read timeout: it may have arrived)
       └── retry/backoff ─┘        lease expired ──▶ uncertain ──(kind resends?)──▶ pending
    pending past expires_at ──▶ expired

Telegram has no idempotency key, so a message whose fate is unknown is never silently resent: it becomes
*uncertain*, and only kinds that declare ``resend_uncertain`` (a reminder is better twice than never) go
back to pending.  Claims are single conditional UPDATEs (``WHERE state = 'pending'``), and on PostgreSQL
the candidate rows are read with ``FOR UPDATE SKIP LOCKED``, so two senders never claim the same row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryState


@dataclass(frozen=True)
class KindPolicy:
    resend_uncertain: bool = False
    max_attempts: int = 5


POLICIES: dict[str, KindPolicy] = {}
DEFAULT_POLICY = KindPolicy()


def register_kind(kind: str, policy: KindPolicy) -> None:
    """Features declare how their notifications behave when their fate is unknown."""
    POLICIES[kind] = policy


def policy_for(kind: str) -> KindPolicy:
    return POLICIES.get(kind, DEFAULT_POLICY)


def enqueue(
    *,
    session: Session,
    branch_id: int,
    kind: str,
    dedup_key: str,
    chat_id: int,
    payload: dict[str, Any],
    due_at: datetime,
    now: datetime,
    member_id: int | None = None,
    subject_id: int | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Insert one notification unless its key exists; ``True`` when a row was added."""
    if session.exec(select(Delivery.id).where(Delivery.dedup_key == dedup_key)).first() is not None:
        return False
    row = Delivery(branch_id=branch_id, kind=kind, dedup_key=dedup_key, chat_id=chat_id, payload=payload,
                   due_at=due_at, expires_at=expires_at, member_id=member_id, subject_id=subject_id, created_at=now)
    try:
        with session.begin_nested():  # another process may insert the same key between our check and here
            session.add(row)
    except IntegrityError:
        return False
    return True


def claim(*, session: Session, worker: str, now: datetime, lease: timedelta, limit: int) -> list[Delivery]:
    """Claim up to ``limit`` due rows for ``worker``; the caller commits before sending anything."""
    query = (select(Delivery).where(Delivery.state == DeliveryState.PENDING, Delivery.due_at <= now)
             .order_by(col(Delivery.due_at), col(Delivery.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed: list[Delivery] = []
    for row in session.exec(query).all():
        result = session.execute(
            update(Delivery)
            .where(col(Delivery.id) == row.id, col(Delivery.state) == DeliveryState.PENDING)
            .values(state=DeliveryState.CLAIMED, claimed_by=worker, lease_until=now + lease,
                    attempts=Delivery.attempts + 1)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            session.refresh(row)
            claimed.append(row)
    return claimed


def _finish(session: Session, delivery_id: int, worker: str, **values: Any) -> bool:
    """Record an outcome only if this worker still holds the claim (a lost lease is not overwritten)."""
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.state) == DeliveryState.CLAIMED,
               col(Delivery.claimed_by) == worker)
        .values(lease_until=None, **values)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_sent(*, session: Session, delivery_id: int, worker: str, message_id: int | None, now: datetime) -> bool:
    return _finish(session, delivery_id, worker, state=DeliveryState.SENT, sent_at=now,
                   telegram_message_id=message_id, last_error=None)


def mark_failed(*, session: Session, delivery_id: int, worker: str, error: str) -> bool:
    return _finish(session, delivery_id, worker, state=DeliveryState.FAILED, last_error=error[:500])


def mark_uncertain(*, session: Session, delivery_id: int, worker: str, error: str) -> bool:
    return _finish(session, delivery_id, worker, state=DeliveryState.UNCERTAIN, last_error=error[:500])


def retry_later(*, session: Session, delivery_id: int, worker: str, due_at: datetime, error: str,
                chat_id: int | None = None) -> bool:
    """Back to pending at ``due_at`` (RetryAfter, network trouble, a migrated chat)."""
    values: dict[str, Any] = {"state": DeliveryState.PENDING, "due_at": due_at, "last_error": error[:500],
                              "claimed_by": None}
    if chat_id is not None:
        values["chat_id"] = chat_id
    return _finish(session, delivery_id, worker, **values)


def expire(*, session: Session, now: datetime) -> int:
    """Pending rows past their usefulness (a reminder after the meeting began) become expired."""
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.state) == DeliveryState.PENDING, col(Delivery.expires_at).is_not(None),
               col(Delivery.expires_at) <= now)
        .values(state=DeliveryState.EXPIRED, last_error="expired before it could be sent")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def recover_lost_claims(*, session: Session, now: datetime) -> tuple[int, int]:
    """Claims whose lease ran out (the sender died mid-send) become uncertain; resendable kinds retry.

    Returns (uncertain, requeued).
    """
    rows = session.exec(select(Delivery).where(Delivery.state == DeliveryState.CLAIMED,
                                               col(Delivery.lease_until) < now)).all()
    uncertain = requeued = 0
    for row in rows:
        policy = policy_for(row.kind)
        if policy.resend_uncertain and row.attempts < policy.max_attempts:
            row.state = DeliveryState.PENDING
            row.due_at = now
            requeued += 1
        else:
            row.state = DeliveryState.UNCERTAIN
            uncertain += 1
        row.last_error = "claim lease expired: the sender stopped mid-send"
        row.lease_until = None
        row.claimed_by = None
        session.add(row)
    return uncertain, requeued


def requeue_uncertain(*, session: Session, now: datetime) -> int:
    """Uncertain rows of kinds that prefer a duplicate to a loss go back to pending (once per attempt)."""
    count = 0
    for row in session.exec(select(Delivery).where(Delivery.state == DeliveryState.UNCERTAIN)).all():
        policy = policy_for(row.kind)
        if policy.resend_uncertain and row.attempts < policy.max_attempts:
            row.state = DeliveryState.PENDING
            row.due_at = now
            session.add(row)
            count += 1
    return count


def counts(*, session: Session, branch_id: int | None = None) -> dict[str, int]:
    query = select(Delivery.state)
    if branch_id is not None:
        query = query.where(Delivery.branch_id == branch_id)
    tally = Counter(session.exec(query).all())
    return {state.value: tally.get(state.value, 0) for state in DeliveryState}
