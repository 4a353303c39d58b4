"""Per-user flood guard: a user cannot make the bot work for every keystroke.

A sliding window per Telegram user and kind of update: past ``messages`` messages (or ``buttons`` button
presses) within ``per_seconds`` the update is dropped before any handler runs (``ApplicationHandlerStop``
from group -100).  Buttons have their own, larger budget: a secretary paging through a review queue or a
member tapping through a quiz presses far faster than anyone types, and must not be stopped at a human
pace — only a script hammering a button is.  A dropped message is answered once per window; a dropped
press is *always* answered (Telegram shows a spinner until it is, and a button that does nothing looks
broken).  The window uses the injectable clock, so tests drive it without sleeping.  The state is in
memory on purpose: it protects this process's CPU, and a restart forgives everyone.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.context import caller_lang, reply, services

BUTTONS_PER_MESSAGE = 4  # a press costs a tap, a message costs typing: the default budget of presses
Key = tuple[int, bool]  # a user, and whether the update is a button press


class FloodGuard:
    def __init__(self, messages: int, per_seconds: float, max_users: int = 10_000, buttons: int | None = None
                 ) -> None:
        self.messages = messages
        self.buttons = buttons if buttons is not None else BUTTONS_PER_MESSAGE * messages
        self.per_seconds = per_seconds
        self.max_users = max_users
        self._hits: dict[Key, deque[datetime]] = {}
        self._warned: dict[int, datetime] = {}

    def allow(self, user_id: int, now: datetime, *, button: bool = False) -> bool:
        key = (user_id, button)
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_users:
                self._forget_idle(now)
            hits = self._hits.setdefault(key, deque())
        while hits and (now - hits[0]).total_seconds() >= self.per_seconds:
            hits.popleft()
        if len(hits) >= (self.buttons if button else self.messages):
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
        for key in [k for k, h in self._hits.items() if not h or (now - h[-1]).total_seconds() >= self.per_seconds]:
            self._hits.pop(key, None)
            self._warned.pop(key[0], None)


async def flood_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None:
        return
    svc = services(context)
    guard = svc.flood
    if guard is None:
        return
    now = svc.clock.now()
    query = update.callback_query
    if guard.allow(user.id, now, button=query is not None):
        return
    if query is not None:  # every press is answered: the toast costs no message, a spinner looks broken
        await query.answer(svc.texts.plain("flood.slow_down", await caller_lang(update, svc, context)))
    elif guard.should_warn(user.id, now):
        await reply(update, svc.texts.t("flood.slow_down", await caller_lang(update, svc, context)))
    raise ApplicationHandlerStop
