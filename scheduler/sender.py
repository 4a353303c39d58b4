"""The sender: claim due outbox rows, send them paced, record exactly what happened.

Order per row: the claim is committed *before* the request leaves, and the outcome is committed after
it returns, so a crash in between leaves a claimed row whose lease runs out and becomes *uncertain* —
never a silent duplicate.  Telegram's answers map to states:

* success → sent (with the Telegram message id);
* ``RetryAfter`` → back to pending after the given wait, and the limiter pauses every chat;
* ``Forbidden`` (blocked, kicked) → failed_permanent, and ``on_blocked`` marks the member unreachable
  and tells a secretary;
* ``ChatMigrated`` → the row takes the new chat id and is retried at once;
* ``TimedOut`` → uncertain (the request may have arrived: PTB issue #1045);
* other network errors → pending again with exponential backoff, up to the kind's attempt limit;
* ``BadRequest`` and anything else → failed_permanent with the error text.

On PostgreSQL one sender at a time holds an advisory lock (housekeeping of leases runs under it too, so
no process turns another's in-flight claim into *uncertain*), and claims use ``SKIP LOCKED`` anyway.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from scheduler import outbox
from scheduler.clock import Clock
from scheduler.ratelimit import SendRateLimiter
from storage.db import Database
from storage.models import Delivery

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x7A686962  # "zhib"
LEASE = timedelta(minutes=2)
# a batch must finish well inside its lease: 100 rows at the default 20/s take ~5 s (a 429 hands the rest back)
BATCH = 100

OnBlocked = Callable[[Delivery], Awaitable[None]]


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    retried: int = 0


def render_markup(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = payload.get("buttons")
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in rows])


async def deliver(bot: Bot, row: Delivery) -> Message:
    """Send one row's payload: a text message with optional inline buttons."""
    payload = row.payload
    return await bot.send_message(row.chat_id, payload["text"], parse_mode=payload.get("parse_mode", "HTML"),
                                  reply_markup=render_markup(payload), disable_web_page_preview=True)


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, as seconds, whichever type PTB hands out (int now, timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 3600))


@asynccontextmanager
async def sender_lock(db: Database) -> AsyncIterator[bool]:
    """Whether this process may send now: on PostgreSQL one sender at a time holds an advisory lock.

    The lock lives on its own AUTOCOMMIT connection (never idle in a transaction while Telegram is called),
    taken and released in a worker thread so the event loop never waits on the database.
    """
    if db.dialect != "postgresql":
        yield True
        return
    connection = await asyncio.to_thread(lambda: db.engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
    try:
        got = await asyncio.to_thread(
            lambda: bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar())
        )
        try:
            yield got
        finally:
            if got:
                await asyncio.to_thread(
                    lambda: connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                )
    finally:
        await asyncio.to_thread(connection.close)


async def send_due(
    *,
    bot: Bot,
    db: Database,
    clock: Clock,
    limiter: SendRateLimiter,
    worker: str,
    limit: int = BATCH,
    on_blocked: OnBlocked | None = None,
) -> SendReport:
    """Claim and send one batch.  The caller holds :func:`sender_lock` (``run_tick`` does)."""
    report = SendReport()
    rows = await db.run(outbox.claim, worker=worker, now=clock.now(), lease=LEASE, limit=limit)
    for index, row in enumerate(rows):
        paused = await _send_one(bot, db, clock, limiter, worker, row, report, on_blocked)
        if paused:  # give the rest of the batch back; they go out after the pause
            for rest in rows[index + 1:]:
                assert rest.id is not None
                await db.run(outbox.retry_later, delivery_id=rest.id, worker=worker, due_at=clock.now(),
                             error="batch paused by RetryAfter")
            break
    return report


async def _send_one(
    bot: Bot, db: Database, clock: Clock, limiter: SendRateLimiter, worker: str, row: Delivery,
    report: SendReport, on_blocked: OnBlocked | None,
) -> bool:
    """Send one row and record the outcome; ``True`` when Telegram asked everyone to wait."""
    assert row.id is not None
    await limiter.acquire(row.chat_id)
    try:
        message = await deliver(bot, row)
    except RetryAfter as exc:
        wait = retry_seconds(exc)
        limiter.pause(float(wait))
        await db.run(outbox.retry_later, delivery_id=row.id, worker=worker,
                     due_at=clock.now() + timedelta(seconds=float(wait)), error=f"RetryAfter {wait}s")
        report.retried += 1
        return True
    except Forbidden as exc:
        await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"Forbidden: {exc.message}")
        report.failed += 1
        if on_blocked is not None:
            await on_blocked(row)
        return False
    except ChatMigrated as exc:
        await db.run(outbox.retry_later, delivery_id=row.id, worker=worker, due_at=clock.now(),
                     error="chat migrated", chat_id=exc.new_chat_id)
        report.retried += 1
        return False
    except TimedOut as exc:
        await db.run(outbox.mark_uncertain, delivery_id=row.id, worker=worker, error=f"TimedOut: {exc.message}")
        report.uncertain += 1
        return False
    except BadRequest as exc:
        await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"BadRequest: {exc.message}")
        report.failed += 1
        return False
    except NetworkError as exc:
        if row.attempts >= outbox.policy_for(row.kind).max_attempts:
            await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"gave up: {exc.message}")
            report.failed += 1
        else:
            await db.run(outbox.retry_later, delivery_id=row.id, worker=worker,
                         due_at=clock.now() + backoff(row.attempts), error=f"NetworkError: {exc.message}")
            report.retried += 1
        return False
    except TelegramError as exc:
        await db.run(outbox.mark_failed, delivery_id=row.id, worker=worker, error=f"{type(exc).__name__}: {exc}")
        report.failed += 1
        return False
    await db.run(outbox.mark_sent, delivery_id=row.id, worker=worker, message_id=message.message_id,
                 now=clock.now())
    report.sent += 1
    return False
