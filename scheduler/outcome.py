"""What Telegram's answer to one outbox request means for its row (the sender's second half).

* success → sent, with the message id; the kind's ``after_send`` runs in the same transaction;
* ``RetryAfter`` → back to pending after the wait, the chat pauses (everyone pauses when 429s pile up);
* ``Forbidden`` (blocked, kicked) → failed_permanent, and ``on_blocked`` marks the member unreachable;
* ``ChatMigrated`` → the group's id is updated everywhere and the row is retried on the new id at once;
* errors that prove the request never left (connect errors, pool timeouts) and answers from a gateway
  (502) → pending again with backoff, up to the kind's attempt limit;
* a read timeout or a connection dropped after the request was written → *uncertain* (the message may
  have arrived: PTB issue #1045) — never retried blindly; a kind that prefers a duplicate to a loss
  (a reminder) sends it again at once, within its attempts;
* ``BadRequest`` and anything else → failed_permanent with the error text.

Kept apart from ``scheduler.sender`` (which claims, paces and orders the requests) so each reads as one
responsibility; both work on the run's state through :class:`Settling`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol

from sqlmodel import Session
from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from scheduler import outbox
from scheduler.clock import Clock
from scheduler.kinds import DeliveryKind
from scheduler.ratelimit import FloodWatch, SendRateLimiter
from scheduler.request import backoff, request_never_left, retry_seconds
from storage.db import Database
from storage.models import Delivery

log = logging.getLogger(__name__)

OnBlocked = Callable[[Delivery], Awaitable[None]]
Outcome = Literal["sent", "failed", "uncertain", "retried", "expired", "lost", "hold"]


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    retried: int = 0
    expired: int = 0
    released: int = 0  # claimed but never tried, handed back to pending
    paused: int = 0  # times 429s piled up across chats and everyone paused

    def count(self, outcome: Outcome) -> None:
        if outcome == "hold":
            self.retried += 1
        elif outcome != "lost":
            setattr(self, outcome, getattr(self, outcome) + 1)


class Settling(Protocol):
    """What settling a row needs of the sender's run (``scheduler.sender._Run`` provides it)."""

    db: Database
    clock: Clock
    limiter: SendRateLimiter
    worker: str
    on_blocked: OnBlocked | None
    report: SendReport
    floods: FloodWatch


def _sent(*, session: Session, kind: DeliveryKind, row: Delivery, worker: str, message: Message,
          clock: Clock) -> bool:
    """Mark sent and store what Telegram returned, in one transaction (or neither)."""
    assert row.id is not None
    if not outbox.mark_sent(session=session, delivery_id=row.id, worker=worker, message_id=message.message_id,
                            now=clock.now()):
        return False
    if kind.after_send is not None:
        kind.after_send(session, row, message)
    return True


async def sent(run: Settling, kind: DeliveryKind, row: Delivery, message: Message) -> Outcome:
    """The message is out: record it, with the kind's ``after_send`` if that works."""
    db, worker = run.db, run.worker
    try:
        if await db.run(_sent, kind=kind, row=row, worker=worker, message=message, clock=run.clock):
            return "sent"
    except Exception:  # the message is out: record that, even though the kind's hook failed
        log.exception("after-send hook of delivery %s (%s) failed; marking it sent without it", row.id, row.kind)
        assert row.id is not None
        if await db.run(outbox.mark_sent, delivery_id=row.id, worker=worker, message_id=message.message_id,
                        now=run.clock.now()):
            return "sent"
    log.warning("delivery %s was sent after its claim was taken over", row.id)
    return "lost"


async def migrate(run: Settling, row: Delivery, exc: ChatMigrated) -> None:
    """The group became a supergroup: its new id everywhere, and this row goes there at once."""
    await run.db.run(outbox.migrate_chat, old_chat_id=row.chat_id, new_chat_id=exc.new_chat_id)
    await run.db.run(_move_row, delivery_id=row.id, chat_id=exc.new_chat_id)
    log.info("chat %s migrated to %s; retrying delivery %s", row.chat_id, exc.new_chat_id, row.id)
    row.chat_id = exc.new_chat_id


def _move_row(*, session: Session, delivery_id: int, chat_id: int) -> None:
    row = session.get(Delivery, delivery_id)
    if row is not None:
        row.chat_id = chat_id
        session.add(row)


async def failed(run: Settling, kind: DeliveryKind, row: Delivery, exc: TelegramError, passed_at: float) -> Outcome:
    """Map a refusal or a network error to the row's next state (``row.attempts`` counts this try)."""
    assert row.id is not None
    db, worker, now = run.db, run.worker, run.clock.now()
    if isinstance(exc, RetryAfter):
        wait = retry_seconds(exc)
        run.limiter.refund(passed_at)
        run.limiter.pause_chat(row.chat_id, wait)
        if run.floods.answered(passed_at, row.chat_id, refused=True):
            run.limiter.pause(wait)
            run.report.paused += 1
            log.warning("Telegram refuses sends across chats: pausing all sends for %.0f s", wait)
        await db.run(outbox.retry_later, delivery_id=row.id, worker=worker,
                     due_at=now + timedelta(seconds=wait), error=f"RetryAfter {wait:g}s")
        return "hold"
    if isinstance(exc, Forbidden):
        await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"Forbidden: {exc.message}")
        if run.on_blocked is not None:
            await run.on_blocked(row)
        return "failed"
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        if not request_never_left(exc):
            error = f"{type(exc).__name__}: {exc.message}"
            if kind.policy.resend_uncertain and row.attempts < kind.policy.max_attempts:
                # a reminder is better twice than never: resend now rather than at the next tick
                await db.run(outbox.retry_later, delivery_id=row.id, worker=worker, due_at=now, error=error,
                             uncertain_at=now)
                return "hold"
            await db.run(outbox.mark_uncertain, delivery_id=row.id, worker=worker, now=now, error=error)
            return "uncertain"
        if row.attempts >= kind.policy.max_attempts:
            await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"gave up: {exc.message}")
            return "failed"
        await db.run(outbox.retry_later, delivery_id=row.id, worker=worker, due_at=now + backoff(row.attempts),
                     error=f"{type(exc).__name__}: {exc.message}")
        return "hold"
    await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"{type(exc).__name__}: {exc}")
    return "failed"
