"""The fake Telegram of the delivery benchmark: the offline Bot API over HTTP, with Telegram's limits,
latency and injected faults on ``sendMessage``, in its own process (``python bench/bench_telegram.py``).

It admits at most 30 messages in any second, one per chat per second and twenty per group per minute,
refusing the excess with 429 (counted as the client's *own* 429s); injects 429s and timeouts at the given
rates (a timeout is accepted, or not, half the time each, and gets no answer for 6 s); answers after
``latency ± jitter``; and records every accepted message with its arrival time.  ``benchStats`` returns
(and with ``reset`` clears) what it recorded; ``benchCount`` the number of accepted messages.

A message's arrival is the moment the kernel received the last bytes of its request (``SO_TIMESTAMPNS``
on each connection), not the moment this process's handler ran: on a loaded machine the fake waits for
the CPU like everything else, and a 30–190 ms wait stamped what arrived evenly as one bunch — bunching
that Telegram's own servers, not starved by this machine, would not see.  The limits are enforced on the
same arrival times; the handler's times are recorded beside them (``handled``) so the difference shows.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import signal
import socket
import struct
import sys
import time
from collections import deque
from contextvars import ContextVar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.fakeapi.api import FakeBotApi  # noqa: E402
from bot.fakeapi.http import BotApiServer  # noqa: E402
from bot.fakeapi.records import BotApiError, SimulatedTimeout  # noqa: E402

FIRST_MEMBER = 1_000_000
GROUP = -1_001_234
INTERACTIVE = 9_000_000
INTERACTIVE_CHATS = 50
TOKEN = "123456789:AAbench-zhibu-token-0123456789abcdef"
_SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


class _StampingSocket:
    """A connection's socket as the transport sees it, reading through ``recvmsg`` to keep the kernel's
    receive time of the latest bytes (``arrived``, wall-clock seconds); everything else is the socket's."""

    def __init__(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
        self._sock = sock
        self.arrived: float | None = None

    def recv(self, size: int) -> bytes:
        data, ancillary, _, _ = self._sock.recvmsg(size, socket.CMSG_SPACE(16))
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", value[:16])
                self.arrived = seconds + nanoseconds / 1e9
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


_CONNECTION: ContextVar[_StampingSocket | None] = ContextVar("bench_connection", default=None)


class _StampingServer(BotApiServer):
    """The offline Bot API's HTTP front, each connection's reads stamped by the kernel."""

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transport = writer.transport
        raw = getattr(transport, "_sock", None)  # asyncio's selector transport reads through ``_sock.recv``
        if isinstance(raw, socket.socket):
            stamping = _StampingSocket(raw)
            transport._sock = stamping  # type: ignore[attr-defined]
            _CONNECTION.set(stamping)
        await super()._serve_connection(reader, writer)


def _arrival() -> float:
    """When the request being handled reached this machine (the handler's time if the kernel did not say)."""
    connection = _CONNECTION.get()
    return connection.arrived if connection is not None and connection.arrived is not None else time.time()


class BenchApi(FakeBotApi):
    """The offline Bot API with Telegram's limits, latency and injected faults on ``sendMessage``."""

    def __init__(self, seed: int, latency: float, jitter: float, p429: float, ptimeout: float) -> None:
        super().__init__(token=TOKEN)
        self.rng = random.Random(seed)
        self.latency, self.jitter, self.p429, self.ptimeout = latency, jitter, p429, ptimeout
        self.faults = True
        self._reset()

    def _reset(self) -> None:
        self.accepted: list[tuple[float, int]] = []
        self.handled: list[tuple[float, int]] = []  # the same messages, stamped when the handler ran
        self.own429 = self.injected429 = self.timeouts = 0
        self.refusals: list[tuple[float, int, str]] = []  # each own-pacing 429: (when, chat, which limit)
        self._window: deque[float] = deque()
        self._last_chat: dict[int, float] = {}
        self._group: dict[int, deque[float]] = {}

    def _admit(self, chat: int, now: float) -> str | None:
        """None when Telegram's limits admit the message now; otherwise the limit it would exceed."""
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= 30:
            return "30/s"
        if now - self._last_chat.get(chat, -10.0) < 1.0:
            return "1/s per chat"
        if chat < 0:
            group = self._group.setdefault(chat, deque())
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= 20:
                return "20/min per group"
            group.append(now)
        self._window.append(now)
        self._last_chat[chat] = now
        return None

    async def call(self, method: str, params: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
        name = method.lower()
        if name == "benchstats":
            stats = {"accepted": self.accepted, "own429": self.own429, "injected429": self.injected429,
                     "timeouts": self.timeouts, "polls": len(self.calls_of("getUpdates")),
                     "refusals": self.refusals, "handled": self.handled}
            if params.get("reset"):
                self._reset()
            if "faults" in params:
                self.faults = bool(int(params["faults"]))
            return stats
        if name == "benchcount":
            return len(self.accepted)
        if name != "sendmessage":
            return await super().call(method, params, files)
        now, handled = _arrival(), time.time()
        chat = int(params["chat_id"])
        refused = self._admit(chat, now)
        if refused is not None:
            self.own429 += 1
            self.refusals.append((now, chat, refused))
            raise BotApiError.flood(1)
        injected = self.faults and chat < INTERACTIVE and chat != GROUP
        roll = self.rng.random() if injected else 1.0
        if roll < self.p429:  # refused: Telegram does not count it
            self._window.pop()
            self._last_chat.pop(chat, None)
            self.injected429 += 1
            raise BotApiError.flood(1)
        if roll < self.p429 + self.ptimeout:
            self.timeouts += 1
            delivered = self.rng.random() < 0.5
            if delivered:
                self.accepted.append((now, chat))
                self.handled.append((handled, chat))
                await super().call(method, params, files)
            await asyncio.sleep(6.0)  # past the client's 5 s read timeout; then hang up
            raise SimulatedTimeout(method, delivered=delivered)
        self.accepted.append((now, chat))
        self.handled.append((handled, chat))
        await asyncio.sleep(max(0.0, self.latency + self.rng.uniform(-self.jitter, self.jitter)))
        return await super().call(method, params, files)


async def _serve(port: int, members: int, seed: int) -> None:
    api = BenchApi(seed, latency=0.1, jitter=0.03, p429=0.05, ptimeout=0.01)
    for chat in range(FIRST_MEMBER, FIRST_MEMBER + members):
        api.add_user(chat, "党员")
    for chat in range(INTERACTIVE, INTERACTIVE + INTERACTIVE_CHATS):
        api.add_user(chat, "互动")
    api.add_group(GROUP, "支部群")
    api.world.local_mode = True
    server = _StampingServer(api)
    await server.start("127.0.0.1", port)
    # The arrival stamp is taken when the handler runs: a full collection over the 10,000 members set up
    # here would hold every request of those 50-300 ms and stamp them together — bunching Telegram itself
    # does not do.  The set-up lives as long as the server; freezing it keeps the stamps honest.
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    await server.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="the delivery benchmark's fake Telegram")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    asyncio.run(_serve(arguments.port, arguments.members, arguments.seed))
