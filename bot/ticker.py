"""The bot's side of the scheduler: run ticks and the sender with this application's bot, store and clock.

Kept in ``bot/`` because it needs the application (its bot, its services) and the catalog (to tell a
secretary that a member blocked the bot); the clock-driven logic itself is in ``scheduler/``.

In production APScheduler calls :func:`tick_job` every ``tick_seconds``: it runs the producers, leaves the
heartbeat, and makes sure one background task is draining the outbox.  That task sends continuously
while anything is due (a fan-out of thousands does not wait for the next tick between batches) and ends
when nothing is; it is created with ``Application.create_task``, so on SIGTERM PTB waits for it — and it
stops claiming at once, lets the requests in flight finish, and hands its untried claims back.
Offline (``zhibu chat``, tests) :func:`tick` does everything inline after the driven clock moved.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from typing import Any

from telegram.ext import Application, ContextTypes

from bot import code_screen
from bot.context import SERVICES_KEY, Services
from bot.notify import member_unreachable
from scheduler.tick import TickReport, drain, run_tick
from storage.models import Delivery

log = logging.getLogger(__name__)

# unique per process: a restarted bot must not mistake its predecessor's claims for its own
WORKER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
SENDER_TASK_KEY = "zhibu.sender_task"

App = Application[Any, Any, Any, Any, Any, Any]


def _on_blocked(app: App, svc: Services) -> Any:
    async def on_blocked(row: Delivery) -> None:
        if row.member_id is not None:
            await member_unreachable(app.bot, svc, row.member_id)
        else:
            log.warning("delivery %s: Telegram refuses chat %s (the bot was removed?)", row.id, row.chat_id)

    return on_blocked


async def tick(app: App) -> TickReport:
    """Produce and send everything due now, inline (the driven clock of ``zhibu chat`` and the tests); the
    check-in screens whose code rotated are edited too (in production their own jobs time that)."""
    svc: Services = app.bot_data[SERVICES_KEY]
    await code_screen.refresh_due(app)
    return await run_tick(bot=app.bot, db=svc.db, clock=svc.clock, limiter=svc.limiter, worker=WORKER,
                          producers=svc.producers, kinds=svc.kinds, on_blocked=_on_blocked(app, svc),
                          heartbeat=svc.settings.data_dir / "heartbeat")


def ensure_sender(app: App) -> asyncio.Task[Any] | None:
    """Start the background sender unless one is running; ``None`` when the application is stopping."""
    task: asyncio.Task[Any] | None = app.bot_data.get(SENDER_TASK_KEY)
    if task is not None and not task.done():
        return task
    if not app.running:
        return None
    svc: Services = app.bot_data[SERVICES_KEY]
    task = app.create_task(drain(bot=app.bot, db=svc.db, clock=svc.clock, limiter=svc.limiter, worker=WORKER,
                                 kinds=svc.kinds, on_blocked=_on_blocked(app, svc),
                                 should_stop=lambda: not app.running), name="zhibu.sender")
    app.bot_data[SENDER_TASK_KEY] = task
    return task


async def tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = context.application
    svc: Services = app.bot_data[SERVICES_KEY]
    await run_tick(bot=app.bot, db=svc.db, clock=svc.clock, limiter=svc.limiter, worker=WORKER,
                   producers=svc.producers, kinds=svc.kinds, heartbeat=svc.settings.data_dir / "heartbeat", send=False)
    ensure_sender(app)
