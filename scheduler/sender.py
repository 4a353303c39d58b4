"""The sender: claim due outbox rows, render them, send them paced and in order, record exactly what happened.

    claim (a lease's worth) ──▶ per-chat queues ──▶ up to ``lanes`` chats in flight, one request each
         ▲  refill when the queue runs low                │ render in a read transaction (None → expired)
         └───────────────────────────────────────────────┤ commit the attempt, pass the limiter's gate
                                                          │ send; commit sent + after_send together
                                                          │ (over httpx the gate is passed at the write)
Telegram answers in 50–300 ms, so one request at a time reaches a few messages a second; several chats are
in flight at once, each chat's messages stay in order (one lane per chat), and the queue is refilled
continuously rather than once per tick.  The claim never holds more than can go out in half a lease.

Every request passes the limiter through one gate (``scheduler.request.WriteGate``): at the request's
write when the bot talks httpx, just before the request otherwise (the offline fake) — one send step
either way, so the tests run the step the product runs.  What Telegram's answer means for the row is
``scheduler.outcome``'s business.

The caller holds the one sender lock of the database (``scheduler.lock.sender_lock``); the request and
its errors are classified in ``scheduler.request``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select
from telegram import Bot
from telegram.error import ChatMigrated, TelegramError

from scheduler import outbox
from scheduler.clock import Clock
from scheduler.kinds import DeliveryKind, Kinds, Later, Outgoing
from scheduler.outcome import OnBlocked, Outcome, SendReport, failed, migrate, sent
from scheduler.ratelimit import FloodWatch, SendRateLimiter
from scheduler.request import WriteGate, deliver_gated, install_write_gate
from storage.db import Database
from storage.models import Delivery, DeliveryState

__all__ = ["BULK_READ_TIMEOUT", "LANES", "LEASE", "OnBlocked", "SendReport", "describe", "send_due"]

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


def _render(*, session: Session, kind: DeliveryKind, row: Delivery) -> Outgoing | Later | None:
    return kind.render(session, row)


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
    if isinstance(out, Later):  # not yet: untried, and the chat's later rows wait behind it (its order holds)
        await db.run(outbox.retry_later, delivery_id=row.id, worker=worker, due_at=max(out.until, run.clock.now()),
                     error="waits for an earlier message")
        return "hold"

    async def record_attempt() -> bool:  # inside the gate: "this request is about to leave"
        assert row.id is not None
        return await db.run(outbox.record_attempt, delivery_id=row.id, worker=worker, now=run.clock.now(),
                            lease=run.lease)

    while True:
        gate = WriteGate(run.limiter, row.chat_id, record_attempt, at_write=run.at_write)
        try:
            message = await deliver_gated(run.bot, gate, out, read_timeout=BULK_READ_TIMEOUT)
        except TelegramError as exc:
            # it failed before its write (a connect error): nothing left and nothing was recorded, yet it
            # is a try like any other blind retry — counted, so the kind's attempt limit and backoff hold
            if gate.passed is None and not await db.run(outbox.count_attempt, delivery_id=row.id, worker=worker):
                return "lost"  # another sender took the claim over
            row.attempts += 1
            if isinstance(exc, ChatMigrated):
                await migrate(run, row, exc)
                continue
            return await failed(run, kind, row, exc, gate.passed_at)
        if message is None:
            return "lost"  # another sender took the claim over: this request did not leave
        row.attempts += 1
        run.floods.answered(gate.passed_at, row.chat_id)
        return await sent(run, kind, row, message)


def describe(report: SendReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in ("sent", "failed", "uncertain", "retried", "expired", "released",
                                                     "paused")}
