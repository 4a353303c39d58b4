"""One tick: materialise what is due, tidy the outbox, send, and leave a heartbeat.

``run_tick`` is plain async code over a bot, a store and a clock: APScheduler calls it every
``tick_seconds`` in production, ``zhibu chat``'s ``:clock`` and the tests call it directly after moving
a fake clock.  Producers are synchronous functions ``(session, now) -> rows added`` contributed by
features (meeting reminders, daily study pushes); each runs in its own short transaction so one broken
producer cannot hold back the others or the sender.  Producers and delivery kinds are plain values the
caller passes in (the wiring collects them from the features); nothing registers itself.

:func:`drain` is the sending half on its own: under the sender lock it settles what a stopped sender
left behind, then sends until nothing is due.  The bot runs it as a background task between ticks, so a
fan-out of thousands goes out continuously instead of one batch per tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session
from telegram import Bot

from scheduler import outbox
from scheduler.clock import Clock
from scheduler.kinds import Kinds
from scheduler.lock import sender_lock
from scheduler.ratelimit import SendRateLimiter
from scheduler.sender import OnBlocked, SendReport, send_due
from storage.db import Database

log = logging.getLogger(__name__)

Producer = Callable[..., int]  # producer(session=…, now=…) -> rows added


@dataclass
class TickReport:
    produced: int = 0
    expired: int = 0
    recovered: int = 0  # claims a stopped sender never tried, back to pending
    uncertain: int = 0
    requeued: int = 0
    sender: bool = False  # this process held the sender lock
    send: SendReport = field(default_factory=SendReport)


def _housekeeping(*, session: Session, worker: str, now: datetime, kinds: Kinds) -> tuple[int, int, int, int]:
    expired = outbox.expire(session=session, now=now)
    recovered, uncertain, requeued = outbox.recover_claims(session=session, worker=worker, now=now, kinds=kinds)
    return expired, recovered, uncertain, requeued


async def produce(*, db: Database, clock: Clock, producers: Sequence[Producer]) -> int:
    """Ask every producer what is due now; each in its own transaction."""
    produced = 0
    now = clock.now()
    for producer in producers:
        try:
            produced += await db.run(producer, now=now)
        except Exception:  # one broken producer must not stop reminders from the others
            log.exception("producer %s failed", getattr(producer, "__name__", producer))
    return produced


async def drain(
    *,
    bot: Bot,
    db: Database,
    clock: Clock,
    limiter: SendRateLimiter,
    worker: str,
    kinds: Kinds,
    on_blocked: OnBlocked | None = None,
    report: TickReport | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TickReport:
    """Under the sender lock: settle abandoned claims, expire what is too late, send until nothing is due."""
    report = report or TickReport()
    async with sender_lock(db) as mine:
        report.sender = mine
        if mine:  # another process is sending: its claims are its own business
            report.expired, report.recovered, report.uncertain, report.requeued = await db.run(
                _housekeeping, worker=worker, now=clock.now(), kinds=kinds)
            report.send = await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker=worker, kinds=kinds,
                                         on_blocked=on_blocked, should_stop=should_stop)
    return report


async def run_tick(
    *,
    bot: Bot,
    db: Database,
    clock: Clock,
    limiter: SendRateLimiter,
    worker: str,
    producers: Sequence[Producer],
    kinds: Kinds,
    on_blocked: OnBlocked | None = None,
    heartbeat: Path | None = None,
    send: bool = True,
) -> TickReport:
    """Produce, then (unless ``send`` is false: the caller drains in the background) drain."""
    report = TickReport()
    report.produced = await produce(db=db, clock=clock, producers=producers)
    if send:
        await drain(bot=bot, db=db, clock=clock, limiter=limiter, worker=worker, kinds=kinds, on_blocked=on_blocked,
                    report=report)
    if heartbeat is not None:
        write_heartbeat(heartbeat, clock.now())
    if report.produced or report.send.sent or report.send.failed or report.expired or report.recovered:
        log.info("tick: produced %d, sent %d, failed %d, expired %d, uncertain %d, recovered %d", report.produced,
                 report.send.sent, report.send.failed, report.expired + report.send.expired,
                 report.uncertain + report.send.uncertain, report.recovered)
    return report


def write_heartbeat(path: Path, now: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(now.isoformat(), encoding="utf-8")
    tmp.replace(path)


def heartbeat_age(path: Path, now: datetime) -> float | None:
    """Seconds since the last tick, or ``None`` when no tick has run yet."""
    try:
        last = datetime.fromisoformat(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    return (now - last).total_seconds()
