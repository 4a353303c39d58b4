"""One send step for every bot: the write gate, passed at the write over httpx and just before the request
without it (the offline fake); and a connect error on the write path counts as an attempt.

The sender had two near-copies of its step; only the fake-bot one counted a try that failed before its
request was written, so over httpx (the product) a row whose every connection was refused was retried
every 15 s until it expired.  A connect error proves the request never left — a blind retry is right —
but it is bounded like any other: the kind's attempt limit and backoff hold on both bots alike.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select
from telegram import Bot
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.http import serve
from bot.fakeapi.request import OfflineRequest
from scheduler.clock import FakeClock
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing
from scheduler.ratelimit import SendRateLimiter
from scheduler.request import WriteGate, deliver_gated, install_write_gate
from scheduler.sender import send_due
from storage.db import Database
from storage.models import Delivery, DeliveryState
from tests import factories
from tests.scheduler.test_sender_faults import _enqueue, _limiter, _text

ATTEMPTS = 3
NOTICE = DeliveryKind("notice", render=_text, policy=KindPolicy(max_attempts=ATTEMPTS))


class _Refused(OfflineRequest):
    """The offline request with every connection refused, surfacing as PTB's ``HTTPXRequest`` raises it."""

    async def do_request(self, url: str, method: str, request_data: Any = None, **rest: Any) -> tuple[int, bytes]:
        err = httpx.ConnectError("[Errno 111] Connection refused")
        raise NetworkError(f"httpx.ConnectError: {err}") from err


def _refused_over_http(api: FakeBotApi) -> Bot:
    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return Bot(api.token, base_url=f"http://127.0.0.1:{port}/bot", request=HTTPXRequest(connect_timeout=2))


def _refused_offline(api: FakeBotApi) -> Bot:
    return Bot(api.token, request=_Refused(api), get_updates_request=_Refused(api))


def _row(db: Database) -> Delivery:
    with db.session() as s:
        return s.exec(select(Delivery)).one()


@pytest.mark.parametrize("make_bot", [_refused_over_http, _refused_offline], ids=["httpx", "offline"])
async def test_a_refused_connection_counts_toward_the_attempt_limit_with_backoff(
    db: Database, clock: FakeClock, make_bot: Callable[[FakeBotApi], Bot]
) -> None:
    branch = factories.branch(db, clock.now())
    _enqueue(db, clock, branch.id, 7, "refused")
    bot = make_bot(FakeBotApi(clock=clock))
    waits: list[float] = []
    for attempt in range(1, ATTEMPTS + 1):
        started = clock.now()
        report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w",
                                kinds={"notice": NOTICE})
        row = _row(db)
        assert row.attempts == attempt
        if make_bot is _refused_over_http:  # refused before its write: counted, yet never recorded as sent off
            assert row.attempted_at is None
        if attempt < ATTEMPTS:
            assert report.retried == 1 and row.state == DeliveryState.PENDING
            waits.append((row.due_at.replace(tzinfo=started.tzinfo) - started).total_seconds())
            clock.advance(timedelta(seconds=waits[-1] + 1))
    assert report.failed == 1 and row.state == DeliveryState.FAILED
    assert row.last_error is not None and row.last_error.startswith("gave up")
    assert waits == [15.0, 30.0]  # the backoff grows with the attempts, as for any blind retry


class _Following(SendRateLimiter):
    """A real limiter (virtual time) noting, per pass, whether it follows the request after the pass."""

    def __init__(self) -> None:
        base = _limiter()
        super().__init__(per_second=20, monotonic=base._monotonic, sleep=base._sleep)
        self.follows: list[bool] = []

    async def acquire(self, chat_id: int, prepare: Callable[[], Awaitable[bool]] | None = None,
                      follow: bool = True) -> bool:
        self.follows.append(follow)
        return await super().acquire(chat_id, prepare, follow)


@asynccontextmanager
async def _bot(api: FakeBotApi, over_http: bool) -> AsyncIterator[Bot]:
    if not over_http:
        bot = Bot(api.token, request=OfflineRequest(api), get_updates_request=OfflineRequest(api))
        await bot.initialize()
        yield bot
        await bot.shutdown()
        return
    server, base_url, base_file_url = await serve(api)
    bot = Bot(api.token, base_url=base_url, base_file_url=base_file_url, request=HTTPXRequest())
    try:
        await bot.initialize()
        yield bot
    finally:
        await bot.shutdown()
        await server.aclose()


@pytest.mark.parametrize("over_http", [True, False], ids=["httpx", "offline"])
async def test_one_gate_passes_at_the_write_or_just_before_the_request(clock: FakeClock, over_http: bool) -> None:
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    limiter = _Following()
    prepared: list[str] = []

    async def prepare() -> bool:
        prepared.append(f"{len(api.messages_to(7))} sent before")
        return True

    async with _bot(api, over_http) as bot:
        at_write = install_write_gate(bot)
        gate = WriteGate(limiter, 7, prepare, at_write=at_write)
        message = await deliver_gated(bot, gate, Outgoing(text="通知"))
    assert at_write is over_http and gate.passed is True and message is not None
    assert prepared == ["0 sent before"] and [m.plain for m in api.messages_to(7)] == ["通知"]
    # passed at the write there is nothing to follow; passed before the request, the limiter follows it
    assert limiter.follows == [not over_http]


@pytest.mark.parametrize("over_http", [True, False], ids=["httpx", "offline"])
async def test_a_withheld_request_never_leaves_on_either_bot(clock: FakeClock, over_http: bool) -> None:
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")

    async def taken_over() -> bool:  # another sender recovered the claim: the request must not leave
        return False

    async with _bot(api, over_http) as bot:
        gate = WriteGate(_limiter(), 7, taken_over, at_write=install_write_gate(bot))
        message = await deliver_gated(bot, gate, Outgoing(text="通知"))
    assert message is None and gate.passed is False and api.messages_to(7) == []
