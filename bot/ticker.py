"""The bot's side of the scheduler: run one tick with this application's bot, store and clock.

Kept in ``bot/`` because it needs Telegram objects and the catalog (to tell a secretary that a member
blocked the bot); the clock-driven logic itself is in ``scheduler/``.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.context import SERVICES_KEY, Services
from bot.notify import member_unreachable
from scheduler.tick import TickReport, run_tick
from storage.models import Delivery

log = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"


async def tick(app: Application[Any, Any, Any, Any, Any, Any]) -> TickReport:
    svc: Services = app.bot_data[SERVICES_KEY]
    limiter = svc.limiter

    async def on_blocked(row: Delivery) -> None:
        if row.member_id is not None:
            await member_unreachable(app.bot, svc, row.member_id)

    return await run_tick(bot=app.bot, db=svc.db, clock=svc.clock, limiter=limiter, worker=WORKER,
                          producers=svc.producers, on_blocked=on_blocked,
                          heartbeat=svc.settings.data_dir / "heartbeat")


async def tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await tick(context.application)
