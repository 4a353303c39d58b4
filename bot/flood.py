"""Per-user flood guard: a user cannot make the bot work for every keystroke.

A sliding window per Telegram user: past ``messages`` updates within ``per_seconds`` the update is
dropped before any handler runs (``ApplicationHandlerStop`` from group -100), and the user is told once
per window to slow down.  The window uses the injectable clock, so tests drive it without sleeping.
The state is in memory on purpose: it protects this process's CPU, and a restart forgives everyone.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.context import reply, services


class FloodGuard:
    def __init__(self, messages: int, per_seconds: float, max_users: int = 10_000) -> None:
        self.messages = messages
        self.per_seconds = per_seconds
        self.max_users = max_users
        self._hits: dict[int, deque[datetime]] = {}
        self._warned: dict[int, datetime] = {}

    def allow(self, user_id: int, now: datetime) -> bool:
        hits = self._hits.get(user_id)
        if hits is None:
            if len(self._hits) >= self.max_users:
                self._forget_idle(now)
            hits = self._hits.setdefault(user_id, deque())
        while hits and (now - hits[0]).total_seconds() >= self.per_seconds:
            hits.popleft()
        if len(hits) >= self.messages:
            return False
        hits.append(now)
        return True

    def should_warn(self, user_id: int, now: datetime) -> bool:
        last = self._warned.get(user_id)
        if last is not None and (now - last).total_seconds() < self.per_seconds:
            return False
        self._warned[user_id] = now
        return True

    def _forget_idle(self, now: datetime) -> None:
        for user_id in [u for u, h in self._hits.items() if not h or (now - h[-1]).total_seconds() >= self.per_seconds]:
            self._hits.pop(user_id, None)
            self._warned.pop(user_id, None)


async def flood_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None:
        return
    svc = services(context)
    guard = svc.flood
    if guard is None:
        return
    now = svc.clock.now()
    if guard.allow(user.id, now):
        return
    if guard.should_warn(user.id, now):
        if update.callback_query is not None:
            await update.callback_query.answer(svc.texts.plain("flood.slow_down", svc.settings.language))
        else:
            await reply(update, svc.texts.t("flood.slow_down", svc.settings.language))
    elif update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
