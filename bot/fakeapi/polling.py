"""The update queue behind ``getUpdates``, with Telegram's long-polling semantics.

Updates the users produce are numbered with increasing ``update_id`` and kept until confirmed — by a
``getUpdates`` whose ``offset`` is past them (a negative offset keeps only the last ``-offset``), or by
:meth:`UpdateQueue.confirm` when an OfflineSession delivered them directly.  A ``getUpdates`` with a
``timeout`` waits on the event loop until an update arrives or the time is up, so a polling bot sees
a message as soon as the test produces it.  As on Telegram, a newer ``getUpdates`` ends an older one
still waiting with 409 Conflict, and none may run while a webhook is set.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.fakeapi.params import Params
from bot.fakeapi.records import BotApiError
from bot.fakeapi.world import World

_DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Pending updates of one fake Telegram and the ``getUpdates`` calls waiting for them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._next_update_id = 100_000_001
        self._waiters: set[asyncio.Future[None]] = set()
        self._generation = 0
        self._releases = 0
        self._allowed: list[str] = []

    def enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Number an update body, queue it, wake waiting pollers; returns the full Update dict."""
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self.world.updates.append(update)
        self._wake()
        return update

    def confirm(self, update_id: int) -> None:
        self.world.updates[:] = [u for u in self.world.updates if u["update_id"] > update_id]

    def release(self) -> None:
        """Make every waiting ``getUpdates`` return now with whatever it has."""
        self._releases += 1
        self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        if self.world.webhook.get("url"):
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
                "delete the webhook first",
            )
        offset = p.opt_int("offset") or 0
        limit = min(max(p.opt_int("limit") or 100, 1), 100)
        timeout = max(p.opt_int("timeout") or 0, 0)
        if p.list("allowed_updates") is not None:
            self._allowed = p.list("allowed_updates") or []
        if offset > 0:
            self.confirm(offset - 1)
        elif offset < 0:
            self.world.updates[:] = self.world.updates[offset:]
        self._generation += 1
        generation, releases = self._generation, self._releases
        self._wake()  # a newer request ends an older one still waiting
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._generation:
                raise BotApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            batch = [u for u in self.world.updates if self._wanted(u)][:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or releases != self._releases:
                return batch
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait([waiter], timeout=remaining)
            finally:
                self._waiters.discard(waiter)

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed:
            return kind in self._allowed
        return kind not in _DEFAULT_EXCLUDED
