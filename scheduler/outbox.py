"""The delivery outbox: idempotent inserts, claims, attempts, and the state machine of one notification.

    pending ──claim──▶ claimed ──record_attempt──▶ (request leaves) ──▶ sent
       ▲                  │                                        ├──▶ failed_permanent (blocked, bad request)
       │   never tried ◀──┤ (sender stopped or died first)        ├──▶ uncertain  (read timeout, dropped
       │                  │                                        │                connection, lost lease)
       └── retry/backoff ─┴──── the request provably never left ◀──┘
    uncertain ──(the kind resends?)──▶ pending          pending past expires_at / subject gone ──▶ expired

Telegram has no idempotency key, so the one question that matters is *may this request have left?*  The
sender commits the attempt (``attempted_at``) before the request is written; a claim without an attempt
was never tried and simply goes back to pending, a claim with one may have arrived and becomes
*uncertain*.  Only kinds whose policy prefers a duplicate to a loss (a reminder) resend uncertain rows.
Every outcome is a conditional UPDATE on ``(state = 'claimed', claimed_by = worker)``, so a sender that
lost its claim cannot overwrite what another decided.  On PostgreSQL the candidates are read with
``FOR UPDATE SKIP LOCKED``, so even two senders never claim the same row.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from scheduler.kinds import DEFAULT_POLICY, Kinds
from storage.db import INSERT_CHUNK, insert_absent
from storage.models import Branch, Delivery, DeliveryState, Member

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewDelivery:
    """One notification to queue.  ``payload`` is for small parameters the renderer needs (an offset, a
    question id) — never the text, which is rendered at send time from current data."""

    branch_id: int
    kind: str
    dedup_key: str
    chat_id: int
    due_at: datetime
    payload: dict[str, Any] | None = None
    member_id: int | None = None
    subject_id: int | None = None
    expires_at: datetime | None = None


def enqueue(
    *,
    session: Session,
    branch_id: int,
    kind: str,
    dedup_key: str,
    chat_id: int,
    due_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
    member_id: int | None = None,
    subject_id: int | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Insert one notification unless its key exists; ``True`` when a row was added."""
    row = NewDelivery(branch_id=branch_id, kind=kind, dedup_key=dedup_key, chat_id=chat_id, due_at=due_at,
                      payload=payload, member_id=member_id, subject_id=subject_id, expires_at=expires_at)
    return enqueue_many(session=session, rows=[row], now=now) == 1


def enqueue_many(*, session: Session, rows: Iterable[NewDelivery], now: datetime) -> int:
    """Insert every notification whose key is not queued yet; the number added.

    The key is the whole guarantee: the insert is ``INSERT … ON CONFLICT (dedup_key) DO NOTHING`` (one
    statement per chunk of rows, SQLite and PostgreSQL alike), so a second tick, a second process or a
    restart adds nothing, even racing this one.  Keys already stored are read first (in chunks too), so
    the tick after a fan-out — every minute of the day for 10,000 members' pushes — writes nothing.
    """
    fresh = {row.dedup_key: row for row in rows}  # a key twice in one call is one notification
    keys = list(fresh)
    for start in range(0, len(keys), INSERT_CHUNK):
        chunk = keys[start:start + INSERT_CHUNK]
        for stored in session.exec(select(Delivery.dedup_key).where(col(Delivery.dedup_key).in_(chunk))):
            fresh.pop(stored, None)
    values = [{"branch_id": row.branch_id, "kind": row.kind, "dedup_key": row.dedup_key, "chat_id": row.chat_id,
               "payload": row.payload or {}, "due_at": row.due_at, "expires_at": row.expires_at,
               "member_id": row.member_id, "subject_id": row.subject_id, "state": DeliveryState.PENDING,
               "attempts": 0, "created_at": now} for row in fresh.values()]
    return len(insert_absent(session, Delivery.__table__, values, unique=("dedup_key",)))  # type: ignore[attr-defined]


def claim(
    *, session: Session, worker: str, now: datetime, lease: timedelta, limit: int, exclude_chats: Sequence[int] = ()
) -> list[Delivery]:
    """Claim up to ``limit`` due rows for ``worker``, oldest first; the caller commits before sending.

    ``exclude_chats`` leaves alone chats the sender is still working on, so a chat's rows are never split
    between two claims that could overtake each other.
    """
    query = (select(Delivery.id).where(Delivery.state == DeliveryState.PENDING, Delivery.due_at <= now)
             .order_by(col(Delivery.due_at), col(Delivery.id)).limit(limit))
    if exclude_chats:
        query = query.where(col(Delivery.chat_id).not_in(list(exclude_chats)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.exec(query).all())
    if not ids:
        return []
    session.execute(  # one statement for the batch; the state condition keeps a row another sender took
        update(Delivery)
        .where(col(Delivery.id).in_(ids), col(Delivery.state) == DeliveryState.PENDING)
        .values(state=DeliveryState.CLAIMED, claimed_by=worker, lease_until=now + lease, attempted_at=None)
    )
    mine = (select(Delivery)
            .where(col(Delivery.id).in_(ids), Delivery.state == DeliveryState.CLAIMED, Delivery.claimed_by == worker)
            .order_by(col(Delivery.due_at), col(Delivery.id)).execution_options(populate_existing=True))
    return list(session.exec(mine).all())


def record_attempt(*, session: Session, delivery_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Commit "this request is about to leave" — the line between *never tried* and *may have arrived*.

    ``False`` when the claim is no longer ours (another sender recovered it): the request must not leave.
    """
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.state) == DeliveryState.CLAIMED,
               col(Delivery.claimed_by) == worker)
        .values(attempted_at=now, attempts=Delivery.attempts + 1, lease_until=now + lease)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def count_attempt(*, session: Session, delivery_id: int, worker: str) -> bool:
    """Count a try whose request failed before its write (a connect error, a pool timeout).

    It provably never left, so ``attempted_at`` stays unset (a crash now loses nothing and duplicates
    nothing), but it counts toward the kind's attempt limit and backoff like any blind retry: a sender
    that cannot reach Telegram gives up on the row after its attempts instead of retrying it every 15 s
    until it expires.  ``False`` when the claim is no longer ours.
    """
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.state) == DeliveryState.CLAIMED,
               col(Delivery.claimed_by) == worker)
        .values(attempts=Delivery.attempts + 1)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _finish(session: Session, delivery_id: int, worker: str, **values: Any) -> bool:
    """Record an outcome only if this worker still holds the claim (a lost claim is not overwritten)."""
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


def mark_uncertain(*, session: Session, delivery_id: int, worker: str, error: str, now: datetime) -> bool:
    return _finish(session, delivery_id, worker, state=DeliveryState.UNCERTAIN, last_error=error[:500],
                   uncertain_at=now)


def mark_expired(*, session: Session, delivery_id: int, worker: str, reason: str) -> bool:
    return _finish(session, delivery_id, worker, state=DeliveryState.EXPIRED, last_error=reason[:500])


def retry_later(*, session: Session, delivery_id: int, worker: str, due_at: datetime, error: str,
                chat_id: int | None = None, uncertain_at: datetime | None = None) -> bool:
    """Back to pending at ``due_at`` (RetryAfter, a request that never left, an uncertain reminder)."""
    values: dict[str, Any] = {"state": DeliveryState.PENDING, "due_at": due_at, "last_error": error[:500],
                              "claimed_by": None}
    if chat_id is not None:
        values["chat_id"] = chat_id
    if uncertain_at is not None:
        values["uncertain_at"] = uncertain_at
    return _finish(session, delivery_id, worker, **values)


def release(*, session: Session, delivery_ids: Sequence[int], worker: str) -> int:
    """Hand back claims this worker never tried (it stops, or a RetryAfter holds their chat)."""
    if not delivery_ids:
        return 0
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id).in_(list(delivery_ids)), col(Delivery.state) == DeliveryState.CLAIMED,
               col(Delivery.claimed_by) == worker, col(Delivery.attempted_at).is_(None))
        .values(state=DeliveryState.PENDING, claimed_by=None, lease_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def migrate_chat(*, session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: every place that holds the old id takes the new one."""
    session.execute(update(Branch).where(col(Branch.group_chat_id) == old_chat_id).values(group_chat_id=new_chat_id))
    session.execute(update(Member).where(col(Member.chat_id) == old_chat_id).values(chat_id=new_chat_id))
    session.execute(update(Delivery).where(col(Delivery.chat_id) == old_chat_id,
                                           col(Delivery.state) == DeliveryState.PENDING).values(chat_id=new_chat_id))


def expire(*, session: Session, now: datetime) -> int:
    """Pending rows past their usefulness (a reminder after the meeting began) become expired, and say so."""
    rows = session.exec(select(Delivery).where(Delivery.state == DeliveryState.PENDING,
                                               col(Delivery.expires_at).is_not(None),
                                               col(Delivery.expires_at) <= now)).all()
    for row in rows:
        row.state = DeliveryState.EXPIRED
        row.last_error = "expired before it could be sent"
        session.add(row)
    if rows:
        keys = [row.dedup_key for row in rows]
        log.warning("expired %d notification(s) no longer useful: %s%s", len(rows), ", ".join(keys[:10]),
                    " …" if len(keys) > 10 else "")
    return len(rows)


def recover_claims(*, session: Session, worker: str, now: datetime, kinds: Kinds) -> tuple[int, int, int]:
    """Settle claims left by a sender that is gone; returns (back to pending, uncertain, requeued).

    Runs only in the process holding the sender lock, so any claim by another worker belongs to a sender
    that stopped or died (its lock went with it), and one of ours whose lease ran out was abandoned.
    A claim never tried goes back to pending; one whose attempt was recorded may have arrived.
    """
    rows = session.exec(select(Delivery).where(
        Delivery.state == DeliveryState.CLAIMED,
        or_(col(Delivery.claimed_by) != worker, col(Delivery.lease_until) < now),
    )).all()
    pending = uncertain = requeued = 0
    for row in rows:
        if row.attempted_at is None:
            row.state = DeliveryState.PENDING
            pending += 1
        else:
            row.state = DeliveryState.UNCERTAIN
            row.last_error = "the sender stopped after the request may have left"
            row.uncertain_at = now
            uncertain += 1
        row.lease_until = None
        row.claimed_by = None
        session.add(row)
    session.flush()
    requeued = requeue_uncertain(session=session, now=now, kinds=kinds)
    return pending, uncertain, requeued


def requeue_uncertain(*, session: Session, now: datetime, kinds: Kinds) -> int:
    """Uncertain rows of kinds that prefer a duplicate to a loss go back to pending, within their attempts."""
    resending = [name for name, kind in kinds.items() if kind.policy.resend_uncertain]
    if not resending:
        return 0
    count = 0
    for row in session.exec(select(Delivery).where(Delivery.state == DeliveryState.UNCERTAIN,
                                                   col(Delivery.kind).in_(resending))).all():
        policy = kinds[row.kind].policy if row.kind in kinds else DEFAULT_POLICY
        if row.attempts < policy.max_attempts:
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
