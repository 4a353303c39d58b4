"""Outgoing-message pacing for fan-outs (reminders, daily pushes), as Telegram sees the arrivals.

Telegram allows roughly 30 messages/s in bulk, 1/s to one chat and 20/min to one group, and answers
excess with 429 ``RetryAfter``.  PTB's ``AIORateLimiter`` lets about twice the rate through in its first
second; pacing *request starts* on a schedule is not enough either: when the event loop stalls, every
request whose slot passed meanwhile leaves at once, and latency jitter bunches them further on the way —
a fault-injection run saw 21–22 arrivals in one second against a ceiling of 20.  So this limiter:

* lets one request at a time through a gate and stamps the moment it *actually* passes; the next one is
  due one interval after its slot, so a late wake-up (a timer overshoot, a slow attempt write, a stall on
  a loaded machine) is caught up — but never by passing two requests closer than half an interval, and
  never more than ``catch_up`` seconds of it (a long stall is forgiven, not turned into a burst);
* keeps a sliding record of the stamps and never lets more than the cap through in any window, however
  the slots fell — and the window is a little *longer* than a second: at most ``ceiling`` passes in any
  ``1 + spread`` seconds.  A request reaches Telegram some milliseconds after it passes, and that delay
  varies; as long as it varies by less than ``spread``, any one second *of arrivals* holds no more than
  ``ceiling`` messages — the window holds as Telegram sees it, not only as we send.  The pace is the
  window's (``ceiling / (1 + spread)``: 24.5/s for the default 25 and 20 ms), so the margin costs 2 % of
  the rate.  The spread is small because the sender passes the gate at the request's very write
  (``scheduler.request.WriteGate``) and learns when its last byte was written (:meth:`left`): a request
  the loop held back between the two is re-stamped to its write, so what varies after the stamp is only
  the network and Telegram's side.
  The ceiling itself (default 25/s) stays well under Telegram's ~30, so interactive replies, which do not
  pass through here, keep their headroom;
* re-stamps a pass to the moment its request was written when the two are more than ``stall`` apart, so
  the requests that catch up after a stall cannot join the held-back one in one second of arrivals over
  the ceiling: over httpx the write gate reports the body's write; when the gate is passed *before* the
  request (a bot without httpx, e.g. the offline fake), the limiter follows each request for a moment
  after it passes and takes a late wake-up as the write;
* spaces each chat (1 s; a group 3 s, i.e. 20/min; both plus the spread) and pauses one chat, or
  everything, after a 429 (:class:`FloodWatch` tells which).

Time comes from an injectable monotonic function and sleep, so tests check the schedule without waiting.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Self

DEFAULT_CEILING = 25.0
DEFAULT_SPREAD = 0.02  # arrival jitter the window absorbs: a second of arrivals stays within the ceiling
_EPS = 1e-6  # a hair, so float rounding never squeezes one more into a window


class SendRateLimiter:
    def __init__(
        self,
        per_second: float = DEFAULT_CEILING / (1 + DEFAULT_SPREAD),
        per_chat_interval: float = 1.0,
        per_group_interval: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_chats: int = 50_000,
        catch_up: float = 0.25,
        lead: float = 0.03,
        window: float = 1.0,
        stall: float = 0.01,
        stall_check: float = 0.005,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.per_second = per_second
        self.interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.per_group_interval = per_group_interval
        self.window = window + _EPS
        self.window_cap = max(1, math.floor(per_second * window + 1e-9))
        self.catch_up = catch_up
        self.lead = lead
        self._monotonic = monotonic
        self._sleep = sleep
        self._slot = 0.0  # the pace's next slot: a late pass does not move it
        self._not_before = 0.0  # half an interval after the latest pass: catching up is not a burst
        self._next_chat: dict[int, float] = {}
        self._stamps: deque[float] = deque()
        self._max_chats = max_chats
        self._gate: asyncio.Lock | None = None
        self.last_passed = 0.0  # when the latest request passed the gate (what ``refund`` takes back)
        self.stall, self.stall_check = stall, stall_check
        self._watches: set[asyncio.Future[None]] = set()
        self.restamped = 0  # passes moved to the end of a stall that may have held them back

    @classmethod
    def under_ceiling(cls, ceiling: float = DEFAULT_CEILING, spread: float = DEFAULT_SPREAD,
                      **kwargs: object) -> Self:
        """At most ``floor(ceiling)`` arrivals in any second, even when arrival delays vary by ``spread`` s.

        Each chat's spacing takes the same margin, so jitter never lands two messages to one chat less than a
        second (a group's less than three) apart.
        """
        if not 0 <= spread < 1:
            raise ValueError("spread must be in [0, 1)")
        cap = max(1, math.floor(ceiling))
        kwargs.setdefault("per_chat_interval", 1.0 + spread)
        kwargs.setdefault("per_group_interval", 3.0 + spread)
        return cls(per_second=cap / (1 + spread), window=1 + spread, **kwargs)  # type: ignore[arg-type]

    def _spacing(self, chat_id: int) -> float:
        return self.per_group_interval if chat_id < 0 else self.per_chat_interval

    def _next_global(self) -> float:
        return max(self._slot, self._not_before)

    def _window_ready(self, now: float) -> float:
        """The earliest time one more request keeps the count of the last window within the cap."""
        while self._stamps and self._stamps[0] <= now - self.window:
            self._stamps.popleft()
        if len(self._stamps) < self.window_cap:
            return now
        return self._stamps[-self.window_cap] + self.window

    def reserve(self, chat_id: int) -> float:
        """Book the next slot for ``chat_id`` as if it passes then; returns how long to wait for it."""
        now = self._monotonic()
        slot = max(now, self._next_global(), self._next_chat.get(chat_id, 0.0), self._window_ready(now))
        self._stamp(chat_id, slot, slot)
        return slot - now

    def _stamp(self, chat_id: int, slot: float, actual: float) -> None:
        # due one interval after the slot (a late pass is caught up), never sooner than half an interval
        # after this one, and never for a debt older than ``catch_up``
        self._slot = max(slot, actual - self.catch_up) + self.interval
        self._not_before = actual + self.interval / 2
        self._stamps.append(actual)
        if len(self._next_chat) >= self._max_chats:
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > actual}
        self._next_chat[chat_id] = actual + self._spacing(chat_id)

    def chat_wait(self, chat_id: int) -> float:
        """How long ``chat_id`` must still wait for its own spacing (or its own 429 pause)."""
        return max(0.0, self._next_chat.get(chat_id, 0.0) - self._monotonic())

    async def wait_pauses(self, chat_id: int) -> None:
        """Wait out ``chat_id``'s spacing and any pause (its own or everyone's), the pace aside.

        A request that passes the gate at its write waits this out *before* it takes a connection, so the
        connection is held at the gate only for the pace (a fraction of a second), never for a pause: an
        idle keep-alive connection the server closed meanwhile would make the write fail after the fact.
        """
        wait = max(self.chat_wait(chat_id), self._slot - self._monotonic() - self.interval)
        if wait > 0:
            await self._sleep(wait)

    async def acquire(self, chat_id: int, prepare: Callable[[], Awaitable[bool]] | None = None,
                      follow: bool = True) -> bool:
        """Wait for this chat's turn, then pass the global gate; ``False`` if ``prepare`` said not to send.

        The chat's own spacing is waited out *before* the gate, so a group waiting its three seconds never
        holds up the other chats; the gate is then held only while waiting for the global pace.
        ``prepare`` runs inside the gate just before the slot (``lead`` seconds ahead): the sender commits
        "this request is about to leave" there, so only the request at the gate — not every one queued
        behind it — counts as possibly sent if the process dies.  ``follow=False`` when the caller passes
        the gate at the very write (``scheduler.request.WriteGate``): nothing can hold the request back
        after the pass, so there is no stall to follow.
        """
        wait = self.chat_wait(chat_id)
        if wait > 0:
            await self._sleep(wait)
        if self._gate is None:
            self._gate = asyncio.Lock()
        async with self._gate:
            prepared = prepare is None
            # a slot missed by more than ``catch_up`` (the limiter sat idle, or a long stall) is not owed
            if self._slot < self._monotonic() - self.catch_up:
                self._slot = self._monotonic()
            while True:
                now = self._monotonic()
                due = max(self._slot, self._not_before)
                ready = max(now, due, self._next_chat.get(chat_id, 0.0), self._window_ready(now))
                if not prepared and ready - now <= self.lead + 1e-6:
                    assert prepare is not None
                    if not await prepare():
                        return False
                    prepared = True
                    continue
                if ready <= now + 1e-9:
                    break
                await self._sleep(ready - now - (0.0 if prepared else self.lead))
            self._stamp(chat_id, self._slot, now)
            self.last_passed = now
        if follow and self.stall_check > 0:
            watch = asyncio.ensure_future(self._watch_write(chat_id, now))
            self._watches.add(watch)
            watch.add_done_callback(self._watches.discard)
        return True

    async def _watch_write(self, chat_id: int, passed_at: float) -> None:
        """Follow a request that just passed for the moment it takes to be written (``stall_check``).

        If the loop stalls in that moment the request reaches Telegram only at the stall's end — together
        with the requests the gate lets through right after to catch up.  A check that wakes more than
        ``stall`` late moves the request's stamp to the stall's end (:meth:`left`).
        """
        await self._sleep(self.stall_check)
        if self._monotonic() - passed_at - self.stall_check > self.stall:
            self.left(chat_id, passed_at)

    def left(self, chat_id: int, passed_at: float) -> float:
        """The request that passed at ``passed_at`` has now been written; returns its stamp from now on.

        Between the pass and the last byte on the wire the loop may stall (or the process lose the CPU on a
        busy machine): the request then reaches Telegram at the stall's end, a whole stall later than its
        stamp says, and the window — which counts stamps — lets the next ones through as if it had left on
        time: the benchmark saw 26 arrivals in one second, the first of them written 52 ms after its pass.
        Written more than ``stall`` after its pass, the request's stamp moves to now: the window, the
        half-interval spacing and its chat's spacing then count from when it really left.  Moving a stamp
        later is only ever more careful; a request written within ``stall`` keeps its stamp (the spread
        absorbs that much).
        """
        now = self._monotonic()
        if now - passed_at <= self.stall:
            return passed_at
        try:
            self._stamps.remove(passed_at)
        except ValueError:
            return passed_at  # refunded, or already out of the window
        bisect.insort(self._stamps, now)
        self._not_before = max(self._not_before, now + self.interval / 2)
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), now + self._spacing(chat_id))
        if self.last_passed == passed_at:
            self.last_passed = now
        self.restamped += 1
        return now

    def refund(self, passed_at: float) -> None:
        """A request Telegram refused (429) delivered nothing: its place goes to the next one.

        Telegram counts the messages it accepts; without the refund a 5 % rate of refusals would cost 5 % of
        the fan-out's speed for nothing.  The refused pass leaves the window and the pace steps back one
        interval; the window cap still holds every second to ``floor(per_second)`` passes.
        """
        try:
            self._stamps.remove(passed_at)
        except ValueError:
            return  # already out of the window
        self._slot = max(self._monotonic(), self._slot - self.interval)

    def pause(self, seconds: float) -> None:
        """After a 429 that concerns everyone: nothing goes out before ``seconds`` from now."""
        self._slot = max(self._slot, self._monotonic() + seconds)

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        """After a 429 for one chat: that chat waits, the others go on."""
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), self._monotonic() + seconds)


class FloodWatch:
    """Tells a pile-up of 429s across chats (Telegram throttling the bot as a whole) from isolated ones.

    Telegram refuses single requests now and then (the benchmark's fake injects 5 %); pausing everyone for
    each such refusal would cost a second of the fan-out each time.  Everyone pauses only when, among the
    requests that *passed the gate* within the last ``window`` seconds, at least ``chats`` distinct chats
    were refused and the refusals are more than ``share`` of the answers.  Requests are placed by the
    moment they passed, not by when their answer was handled, so a loop stall that hands back many answers
    at once does not look like a pile-up.
    """

    def __init__(self, window: float = 2.0, share: float = 0.3, chats: int = 4) -> None:
        self.window, self.share, self.chats = window, share, chats
        self._answers: deque[tuple[float, int, bool]] = deque()  # (passed at, chat, refused), as answered
        self._latest = 0.0

    def answered(self, passed_at: float, chat_id: int, refused: bool = False) -> bool:
        """Note an answer; True when it makes the recent refusals a pile-up (everyone should pause)."""
        self._answers.append((passed_at, chat_id, refused))
        self._latest = max(self._latest, passed_at)
        while self._answers and self._answers[0][0] < self._latest - self.window:
            self._answers.popleft()
        if not refused:
            return False
        refused_chats = {chat for _, chat, no in self._answers if no}
        refusals = sum(1 for *_, no in self._answers if no)
        return len(refused_chats) >= self.chats and refusals > self.share * len(self._answers)
