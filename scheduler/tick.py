"""One tick: materialise what is due, tidy the outbox, send, and leave a heartbeat.

``run_tick`` is plain async code over a bot, a store and a clock: APScheduler calls it every
``tick_seconds`` in production, ``zhibu chat``'s ``:clock`` and the tests call it directly after moving
a fake clock.  Producers are synchronous functions ``(session, now) -> rows added`` contributed by
features (meeting reminders, daily study pushes); each runs in its own short transaction so one broken
producer cannot hold back the others or the sender.
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
from scheduler.ratelimit import SendRateLimiter
from scheduler.sender import OnBlocked, SendReport, send_due, sender_lock
from storage.db import Database

log = logging.getLogger(__name__)

Producer = Callable[..., int]  # producer(session=…, now=…) -> rows added


@dataclass
class TickReport:
    produced: int = 0
    expired: int = 0
    uncertain: int = 0
    requeued: int = 0
    sender: bool = False  # this process held the sender lock
    send: SendReport = field(default_factory=SendReport)


def _housekeeping(*, session: Session, now: datetime) -> tuple[int, int, int]:
    expired = outbox.expire(session=session, now=now)
    uncertain, requeued = outbox.recover_lost_claims(session=session, now=now)
    requeued += outbox.requeue_uncertain(session=session, now=now)
    return expired, uncertain, requeued


async def run_tick(
    *,
    bot: Bot,
    db: Database,
    clock: Clock,
    limiter: SendRateLimiter,
    worker: str,
    producers: Sequence[Producer],
    on_blocked: OnBlocked | None = None,
    heartbeat: Path | None = None,
) -> TickReport:
    report = TickReport()
    now = clock.now()
    for producer in producers:
        try:
            report.produced += await db.run(producer, now=now)
        except Exception:  # one broken producer must not stop reminders from the others
            log.exception("producer %s failed", getattr(producer, "__name__", producer))
    async with sender_lock(db) as mine:
        report.sender = mine
        if mine:  # another process is sending: its leases are its own business
            report.expired, report.uncertain, report.requeued = await db.run(_housekeeping, now=now)
            report.send = await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker=worker,
                                         on_blocked=on_blocked)
    if heartbeat is not None:
        write_heartbeat(heartbeat, clock.now())
    if report.produced or report.send.sent or report.send.failed or report.expired:
        log.info("tick: produced %d, sent %d, failed %d, expired %d, uncertain %d", report.produced,
                 report.send.sent, report.send.failed, report.expired, report.uncertain)
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
