"""Over HTTP the sender passes its limiter as the request is written, not before PTB builds it.

The benchmark found arrivals bunched beyond the limiter's margin: a request passed the gate, then waited
(building the request, taking a connection, a loop stall) before it left, and reached Telegram together
with the ones passed after it.  With the gate inside httpx (httpcore's header-write trace event) the
limiter's stamp is the moment the request leaves.  These tests hold a request back between PTB and the
write and check that the pass waits for it; that a withheld request (its claim taken over) never reaches
Telegram; that a request refused before its write records no attempt; and that interactive replies
through the same bot never pass the bulk limiter.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
from sqlalchemy import update
from sqlmodel import col, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.http import serve
from scheduler.clock import FakeClock
from scheduler.ratelimit import SendRateLimiter
from scheduler.sender import send_due
from storage.db import Database
from storage.models import Delivery, DeliveryState
from tests import factories
from tests.scheduler.test_sender_faults import KINDS, _enqueue

HELD = 0.2  # s a request is held between PTB building it and its write


class _Stamping(SendRateLimiter):
    """A real limiter that notes every pass (monotonic time), to compare with when requests were held."""

    def __init__(self) -> None:
        super().__init__(per_second=20)
        self.passes: list[float] = []
        self.followed: list[bool] = []

    async def acquire(self, chat_id: int, prepare: Callable[[], Awaitable[bool]] | None = None,
                      follow: bool = True) -> bool:
        self.followed.append(follow)
        passed = await super().acquire(chat_id, prepare, follow)
        if passed:
            self.passes.append(self.last_passed)
        return passed


@contextmanager
def _hook_first(bot: Bot, hook: Callable[[httpx.Request], Awaitable[None]]) -> Iterator[None]:
    """Run ``hook`` on every request of the bot's httpx client, before the sender's own hook."""
    client = bot.request._client  # type: ignore[attr-defined]
    hooks = client.event_hooks
    hooks["request"].insert(0, hook)
    client.event_hooks = hooks
    yield


@asynccontextmanager
async def _over_http(api: FakeBotApi) -> AsyncIterator[Bot]:
    """A real PTB bot over httpx talking to ``api`` served on a local port — the path the write gate hooks."""
    server, base_url, base_file_url = await serve(api)
    bot = Bot(api.token, base_url=base_url, base_file_url=base_file_url, request=HTTPXRequest())
    try:
        await bot.initialize()
        yield bot
    finally:
        await bot.shutdown()
        await server.aclose()


async def test_the_limiter_passes_a_request_when_it_is_written(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    for chat in (7, 8):
        api.add_user(chat, f"党员{chat}")
        _enqueue(db, clock, branch.id, chat, f"n{chat}")
    limiter = _Stamping()
    held_until: list[float] = []

    async def hold(request: httpx.Request) -> None:  # stands for a stall after PTB built the request
        if request.url.path.endswith("/sendMessage"):
            await asyncio.sleep(HELD)
            held_until.append(time.monotonic())

    async with _over_http(api) as bot:
        with _hook_first(bot, hold):
            report = await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker="w", kinds=KINDS)
    assert report.sent == 2 and len(held_until) == 2 and len(limiter.passes) == 2
    # the k-th pass came after k requests were released for writing: none passed while it was held
    assert all(passed >= held for passed, held in zip(sorted(limiter.passes), sorted(held_until), strict=True))
    # nothing to follow after a pass at the write (a write that comes late re-stamps it instead, which a
    # loaded machine may do here: see test_write_restamp)
    assert not any(limiter.followed)


async def test_a_request_whose_claim_was_taken_over_never_leaves(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    _enqueue(db, clock, branch.id, 7, "taken")

    async def take_over(request: httpx.Request) -> None:  # another sender recovers the claim meanwhile
        if request.url.path.endswith("/sendMessage"):
            def steal(*, session: object) -> None:
                session.execute(update(Delivery).values(claimed_by="other"))  # type: ignore[attr-defined]
            await db.run(steal)

    async with _over_http(api) as bot:
        with _hook_first(bot, take_over):
            report = await send_due(bot=bot, db=db, clock=clock, limiter=SendRateLimiter(per_second=20),
                                    worker="w", kinds=KINDS)
    with db.session() as s:
        row = s.exec(select(Delivery)).one()
    assert api.messages_to(7) == [] and report.sent == report.retried == report.failed == 0
    assert row.state == DeliveryState.CLAIMED and row.claimed_by == "other" and row.attempted_at is None


async def test_a_request_refused_before_its_write_records_no_attempt(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    _enqueue(db, clock, branch.id, 7, "refused")
    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bot = Bot(FakeBotApi(clock=clock).token, base_url=f"http://127.0.0.1:{port}/bot",
              request=HTTPXRequest(connect_timeout=2))
    limiter = _Stamping()
    report = await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker="w", kinds=KINDS)
    with db.session() as s:
        row = s.exec(select(Delivery)).one()
    assert report.retried == 1 and row.state == DeliveryState.PENDING and row.attempted_at is None
    assert limiter.passes == []  # it never reached its write, so it took no place in the window


async def test_interactive_replies_on_the_same_bot_do_not_pass_the_bulk_limiter(db: Database,
                                                                                clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    _enqueue(db, clock, branch.id, 7, "bulk")
    limiter = _Stamping()
    async with _over_http(api) as bot:
        await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker="w", kinds=KINDS)
        limiter.pause(3600)  # were a reply gated, it would wait an hour
        await asyncio.wait_for(bot.send_message(7, "收到"), 5)
    assert len(limiter.passes) == 1 and [m.plain for m in api.messages_to(7)][-1] == "收到"
    with db.session() as s:
        assert s.exec(select(Delivery).where(col(Delivery.state) == DeliveryState.SENT)).one().dedup_key == "bulk"


async def test_a_pause_is_waited_out_before_the_request_takes_a_connection(db: Database, clock: FakeClock) -> None:
    """Inside the gate the request holds a connection: a pause spent there could outlast the server's
    keep-alive, and the write would fail on a closed connection (an uncertain row for nothing)."""
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    _enqueue(db, clock, branch.id, 7, "paused")
    limiter = _Stamping()
    started: list[float] = []

    async def note(request: httpx.Request) -> None:  # httpx runs request hooks before taking a connection
        if request.url.path.endswith("/sendMessage"):
            started.append(time.monotonic())

    async with _over_http(api) as bot:
        with _hook_first(bot, note):
            limiter.pause(1.5)
            paused_until = time.monotonic() + 1.5
            report = await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker="w", kinds=KINDS)
    assert report.sent == 1 and len(started) == 1 and started[0] >= paused_until - limiter.interval
