"""Outgoing-message pacing for fan-outs (reminders, daily pushes).

Telegram allows roughly 30 messages/s in bulk, 1/s to one chat and 20/min to one group, and answers
excess with 429 ``RetryAfter`` that stalls the whole bot.  PTB's ``AIORateLimiter`` lets about twice the
rate through in its first second; this limiter instead hands out *slots*: each send reserves the next
free global slot (``1 / per_second`` apart — no burst, ever) and the next free slot of its chat.  The
bulk ceiling defaults well under 30/s so interactive replies, which do not pass through here, keep their
headroom during a fan-out.  ``pause`` pushes every slot back after a 429.  Time comes from an injectable
monotonic function and sleep, so tests check the schedule without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class SendRateLimiter:
    def __init__(
        self,
        per_second: float = 20.0,
        per_chat_interval: float = 1.0,
        per_group_interval: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_chats: int = 50_000,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.per_group_interval = per_group_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._max_chats = max_chats

    def reserve(self, chat_id: int) -> float:
        """Reserve the next slot for ``chat_id``; returns how long to wait before sending."""
        now = self._monotonic()
        slot = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
        self._next_global = slot + self.interval
        spacing = self.per_group_interval if chat_id < 0 else self.per_chat_interval
        if len(self._next_chat) >= self._max_chats:
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        self._next_chat[chat_id] = slot + spacing
        return slot - now

    async def acquire(self, chat_id: int) -> None:
        wait = self.reserve(chat_id)
        if wait > 0:
            await self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """After a 429: nothing goes out before ``seconds`` from now."""
        self._next_global = max(self._next_global, self._monotonic() + seconds)
