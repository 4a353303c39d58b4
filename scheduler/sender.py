"""The sender: claim due outbox rows, render them, send them paced and in order, record exactly what happened.

    claim (a lease's worth) ──▶ per-chat queues ──▶ up to ``lanes`` chats in flight, one request each
         ▲  refill when the queue runs low                │ render in a read transaction (None → expired)
         └───────────────────────────────────────────────┤ commit the attempt, pass the limiter's gate
                                                          │ send; commit sent + after_send together
                                                          │ (over httpx the gate is passed at the write)
Telegram answers in 50–300 ms, so one request at a time reaches a few messages a second; several chats are
in flight at once, each chat's messages stay in order (one lane per chat), and the queue is refilled
continuously rather than once per tick.  The claim never holds more than can go out in half a lease.

What Telegram's answer means for a row:

* success → sent, with the message id; the kind's ``after_send`` runs in the same transaction;
* ``RetryAfter`` → back to pending after the wait, the chat pauses (everyone pauses when 429s pile up);
* ``Forbidden`` (blocked, kicked) → failed_permanent, and ``on_blocked`` marks the member unreachable;
* ``ChatMigrated`` → the group's id is updated everywhere and the row is retried on the new id at once;
* errors that prove the request never left (connect errors, pool timeouts) and answers from a gateway
  (502) → pending again with backoff, up to the kind's attempt limit;
* a read timeout or a connection dropped after the request was written → *uncertain* (the message may
  have arrived: PTB issue #1045) — never retried blindly;
* ``BadRequest`` and anything else → failed_permanent with the error text.

The caller holds the one sender lock of the database (``scheduler.lock.sender_lock``); the request and
its errors are classified in ``scheduler.request``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func
from sqlmodel import Session, select
from telegram import Bot, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from scheduler import outbox
from scheduler.clock import Clock
from scheduler.kinds import DeliveryKind, Kinds, Outgoing
from scheduler.ratelimit import FloodWatch, SendRateLimiter
from scheduler.request import (
    WriteGate,
    backoff,
    deliver,
    deliver_at_write,
    install_write_gate,
    request_never_left,
    retry_seconds,
)
from storage.db import Database
from storage.models import Delivery, DeliveryState

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
LANES = 12  # chats in flight: 25/s × 300 ms needs ~8
LINGER = 5.0  # a row due again within this many seconds (after a 429) is waited for, not left to the next tick
BULK_READ_TIMEOUT = 2.0  # s: Telegram answers in 50–300 ms; a bulk send that waits longer is uncertain anyway,
# and every second waited holds its chat's lane (interactive replies keep the bot's 5 s)

_heap_frozen = False


def _freeze_startup_heap() -> None:
    """Once per process, before the first fan-out: keep the start-up heap out of the collector's way.

    A full collection walks every tracked object — the libraries' hundreds of thousands included — and
    stalls the event loop for 100–300 ms on a busy machine, often enough in a fan-out of thousands to bunch
    requests that passed the limiter before the stall and leave after it.  Freezing what start-up built
    (it lives as long as the process anyway) leaves the collector only what the fan-out itself allocates.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


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


def _render(*, session: Session, kind: DeliveryKind, row: Delivery) -> Outgoing | None:
    return kind.render(session, row)


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


@dataclass
class _Run:
    """The state of one draining run: claimed rows waiting per chat, and who is in flight."""

    bot: Bot
    db: Database
    clock: Clock
    limiter: SendRateLimiter
    worker: str
    kinds: Kinds
    on_blocked: OnBlocked | None
    lease: timedelta
    report: SendReport = field(default_factory=SendReport)
    waiting: dict[int, deque[Delivery]] = field(default_factory=dict)
    floods: FloodWatch = field(default_factory=FloodWatch)  # tells a pile-up of 429s from isolated ones
    stopping: bool = False
    should_stop: Callable[[], bool] = lambda: False
    waited_for: set[datetime] = field(default_factory=set)
    at_write: bool = False  # the limiter is passed as the request is written (the bot talks httpx)

    @property
    def queued(self) -> int:
        return sum(len(rows) for rows in self.waiting.values())


async def send_due(
    *,
    bot: Bot,
    db: Database,
    clock: Clock,
    limiter: SendRateLimiter,
    worker: str,
    kinds: Kinds,
    on_blocked: OnBlocked | None = None,
    lease: timedelta = LEASE,
    lanes: int = LANES,
    budget: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    linger: float = LINGER,
) -> SendReport:
    """Send what is due until nothing is (or ``budget`` seconds passed, or ``should_stop()``).

    The caller holds :func:`sender_lock` (``run_tick`` does).  Rows claimed but not tried when the run
    ends go back to pending.
    """
    _freeze_startup_heap()
    run = _Run(bot, db, clock, limiter, worker, kinds, on_blocked, lease)
    if should_stop is not None:
        run.should_stop = should_stop
    run.at_write = install_write_gate(bot)
    loop = asyncio.get_running_loop()
    deadline = None if budget is None else loop.time() + budget
    # never claim more than can go out in half a lease, so claims are never outlived by their lease
    batch = max(1, int(limiter.per_second * lease.total_seconds() / 2))
    chunk = min(batch, max(2 * lanes, int(2 * limiter.per_second)))  # about two seconds' worth per claim
    in_flight: dict[asyncio.Task[None], int] = {}
    next_look = loop.time()  # after a claim came back short, look again at most once a second
    partial = False  # the last claim left out chats in flight: their later rows may still be due
    try:
        while True:
            run.stopping = ((should_stop is not None and should_stop())
                            or (deadline is not None and loop.time() > deadline))
            held = run.queued + len(in_flight)  # claimed and not finished: waiting, or in a lane's hands
            want = min(chunk, batch - held)  # small claims, often: a long claim would stall the gate's writes
            if not run.stopping and want == chunk and loop.time() >= next_look:
                busy = list(in_flight.values())
                rows = await db.run(outbox.claim, worker=worker, now=clock.now(), lease=lease, limit=want,
                                    exclude_chats=busy)
                partial = bool(busy)
                if len(rows) < want:
                    next_look = loop.time() + 1.0
                for row in rows:
                    run.waiting.setdefault(row.chat_id, deque()).append(row)
            if not run.stopping:
                for chat_id in list(run.waiting):
                    if len(in_flight) >= lanes:
                        break
                    if chat_id not in in_flight.values():
                        in_flight[asyncio.create_task(_lane(run, chat_id))] = chat_id
            if not in_flight:
                if partial and not run.stopping:  # look once more, now that no chat is left out
                    partial, next_look = False, loop.time()
                    continue
                if not run.stopping and await _wait_for_retries(run, linger):
                    next_look = loop.time()
                    continue
                break  # nothing in flight and nothing claimable now (or stopping)
            done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                in_flight.pop(task)
                task.result()
    finally:
        run.stopping = True
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        leftover = [row.id for rows in run.waiting.values() for row in rows if row.id is not None]
        if leftover:
            run.report.released += await db.run(outbox.release, delivery_ids=leftover, worker=worker)
        run.waiting.clear()
    return run.report


def _next_due(*, session: Session) -> datetime | None:
    return session.exec(select(func.min(Delivery.due_at)).where(Delivery.state == DeliveryState.PENDING)).one()


async def _wait_for_retries(run: _Run, linger: float) -> bool:
    """Sleep until the next pending row is due if that is within ``linger`` seconds; False when none is.

    The tail of a fan-out is a handful of rows waiting out a 429: ending the run there would leave them
    for the next tick, tens of seconds later.  Each due time is waited for once (a driven clock that does
    not move cannot keep the run alive), in steps that notice a stop request.
    """
    due = await run.db.run(_next_due)
    if due is None or due in run.waited_for:
        return False
    wait = (due - run.clock.now()).total_seconds()
    if wait > linger:
        return False
    run.waited_for.add(due)
    for _ in range(max(0, math.ceil(wait / 0.1))):
        if run.stopping or run.should_stop():
            break
        await asyncio.sleep(0.1)
    return True


async def _lane(run: _Run, chat_id: int) -> None:
    """Send one chat's claimed rows in order; stop at a row that has to wait, handing its followers back."""
    rows = run.waiting.get(chat_id)
    while rows and not run.stopping:
        row = rows.popleft()
        outcome = await _send_one(run, row)
        run.report.count(outcome)
        if outcome == "hold":  # the chat must wait: its later rows must not overtake the one that waits
            later = [r.id for r in rows if r.id is not None]
            rows.clear()
            if later:
                assert row.id is not None
                await run.db.run(_hold_after, ids=later, worker=run.worker, first_id=row.id)
    if rows is not None and not rows:
        run.waiting.pop(chat_id, None)


def _hold_after(*, session: Session, ids: list[int], worker: str, first_id: int) -> None:
    """Hand back a chat's later rows, due no earlier than the row that waits (they keep their order)."""
    first = session.get(Delivery, first_id)
    outbox.release(session=session, delivery_ids=ids, worker=worker)
    if first is not None:
        for delivery_id in ids:
            later = session.get(Delivery, delivery_id)
            if later is not None and later.due_at < first.due_at:
                later.due_at = first.due_at
                session.add(later)


async def _send_one(run: _Run, row: Delivery) -> Outcome:
    """Render, record the attempt, send one row and record the outcome."""
    assert row.id is not None
    db, worker = run.db, run.worker
    kind = run.kinds.get(row.kind)
    if kind is None:
        await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker,
                     error=f"unknown delivery kind {row.kind!r}: no feature provides it")
        log.error("delivery %s has unknown kind %r", row.id, row.kind)
        return "failed"
    try:
        out = await db.run(_render, kind=kind, row=row)
    except Exception as exc:  # a renderer bug must not stop the fan-out
        log.exception("rendering delivery %s (%s) failed", row.id, row.kind)
        await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"render failed: {exc!r}")
        return "failed"
    if out is None:
        await db.run(outbox.mark_expired, delivery_id=row.id, worker=worker, reason="its subject is gone")
        return "expired"
    async def record_attempt() -> bool:
        assert row.id is not None
        return await db.run(outbox.record_attempt, delivery_id=row.id, worker=worker, now=run.clock.now(),
                            lease=run.lease)

    while True:
        if run.at_write:  # the limiter is passed inside httpx, as the request is written
            gate = WriteGate(run.limiter, row.chat_id, record_attempt)
            try:
                message = await deliver_at_write(run.bot, gate, row.chat_id, out, read_timeout=BULK_READ_TIMEOUT)
            except TelegramError as exc:
                if gate.passed is False:
                    return "lost"  # another sender took the claim over: this request did not leave
                if gate.passed is None:  # it never reached its write: nothing recorded, nothing left
                    return await _failed(run, kind, row, exc, 0.0)
                row.attempts += 1
                if isinstance(exc, ChatMigrated):
                    await _migrate(run, row, exc)
                    continue
                return await _failed(run, kind, row, exc, gate.passed_at)
            row.attempts += 1
            run.floods.answered(gate.passed_at, row.chat_id)
            break
        if not await run.limiter.acquire(row.chat_id, prepare=record_attempt):
            return "lost"  # another sender took the claim over: this request must not leave
        row.attempts += 1
        passed_at = run.limiter.last_passed
        try:
            message = await deliver(run.bot, row.chat_id, out, read_timeout=BULK_READ_TIMEOUT)
        except ChatMigrated as exc:
            await _migrate(run, row, exc)
            continue
        except TelegramError as exc:
            return await _failed(run, kind, row, exc, passed_at)
        run.floods.answered(passed_at, row.chat_id)
        break
    try:
        if await db.run(_sent, kind=kind, row=row, worker=worker, message=message, clock=run.clock):
            return "sent"
    except Exception:  # the message is out: record that, even though the kind's hook failed
        log.exception("after-send hook of delivery %s (%s) failed; marking it sent without it", row.id, row.kind)
        if await db.run(outbox.mark_sent, delivery_id=row.id, worker=worker, message_id=message.message_id,
                        now=run.clock.now()):
            return "sent"
    log.warning("delivery %s was sent after its claim was taken over", row.id)
    return "lost"


async def _migrate(run: _Run, row: Delivery, exc: ChatMigrated) -> None:
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


async def _failed(run: _Run, kind: DeliveryKind, row: Delivery, exc: TelegramError, passed_at: float) -> Outcome:
    """Map a refusal or a network error to the row's next state."""
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


def describe(report: SendReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in ("sent", "failed", "uncertain", "retried", "expired", "released",
                                                     "paused")}
