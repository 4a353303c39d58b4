"""The sender's bulk path against the benchmark's findings (issue 9, item 7).

* an injected timeout held its chat's lane for the bot's whole 5 s read timeout → bulk sends wait 2 s,
  interactive replies keep the bot's timeout, and a bulk timeout still leaves the row uncertain;
* the global pause fired on isolated, random 429s → everyone pauses only when several distinct chats are
  refused within a short window.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from telegram import Bot

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError
from bot.fakeapi.request import OfflineRequest
from scheduler import outbox
from scheduler.clock import FakeClock
from scheduler.ratelimit import FloodWatch, SendRateLimiter
from scheduler.sender import BULK_READ_TIMEOUT, send_due
from storage.db import Database
from storage.models import Delivery, DeliveryState
from tests import factories
from tests.scheduler.test_sender_faults import KINDS, _limiter


class _Recording(OfflineRequest):
    """The offline request, noting the read timeout each call asked for (None: the bot's own)."""

    def __init__(self, api: FakeBotApi) -> None:
        super().__init__(api, read_timeout=5.0)
        self.asked: list[Any] = []

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         read_timeout: Any = OfflineRequest.DEFAULT_NONE, **rest: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            self.asked.append(None if read_timeout is OfflineRequest.DEFAULT_NONE else read_timeout)
        return await super().do_request(url, method, request_data, read_timeout, **rest)


async def test_bulk_sends_wait_two_seconds_and_a_timeout_is_still_uncertain(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    api.set_latency(2.6, "sendMessage")  # slower than the bulk wait, faster than the bot's 5 s
    with db.session() as s:
        assert outbox.enqueue(session=s, branch_id=branch.id, kind="notice", dedup_key="slow", chat_id=7,
                              due_at=clock.now(), now=clock.now())
    request = _Recording(api)
    bot = Bot(api.token, request=request, get_updates_request=request)
    await bot.initialize()
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    assert request.asked == [BULK_READ_TIMEOUT] and BULK_READ_TIMEOUT == 2.0
    with db.session() as s:
        row = s.exec(select(Delivery)).one()
    assert report.uncertain == 1 and row.state == DeliveryState.UNCERTAIN and row.uncertain_at is not None
    await bot.send_message(7, "收到")  # an interactive reply waits the bot's own 5 s and gets through
    await bot.shutdown()
    assert request.asked == [BULK_READ_TIMEOUT, None] and api.messages_to(7)[-1].plain == "收到"


class _PauseCounting(SendRateLimiter):
    """The virtual-time limiter of the fault tests, counting the pauses that stop everyone."""

    pauses = 0

    def pause(self, seconds: float) -> None:
        self.pauses += 1
        super().pause(seconds)


def _counting_limiter() -> _PauseCounting:
    base = _limiter(per_second=20)
    return _PauseCounting(per_second=20, monotonic=base._monotonic, sleep=base._sleep)


async def _fan_out_with_429s(db: Database, clock: FakeClock, chats: int, refused: list[int]) -> _PauseCounting:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    for chat in range(1000, 1000 + chats):
        api.add_user(chat, f"党员{chat}")
        with db.session() as s:
            assert outbox.enqueue(session=s, branch_id=branch.id, kind="notice", dedup_key=f"n{chat}", chat_id=chat,
                                  due_at=clock.now(), now=clock.now())
    for chat in refused:
        api.fail_next("sendMessage", BotApiError.flood(1), chat_id=chat)
    limiter = _counting_limiter()
    bot = Bot(api.token, request=OfflineRequest(api), get_updates_request=OfflineRequest(api))
    await bot.initialize()
    report = await send_due(bot=bot, db=db, clock=clock, limiter=limiter, worker="w", kinds=KINDS)
    await bot.shutdown()
    assert report.paused == limiter.pauses and report.retried == len(refused)
    return limiter


async def test_isolated_429s_pause_only_their_chat(db: Database, clock: FakeClock) -> None:
    # eight random refusals in a fan-out of 100 at 20/s: a few in any two seconds, never a pile-up
    limiter = await _fan_out_with_429s(db, clock, 100, [1000 + 12 * i for i in range(8)])
    assert limiter.pauses == 0


async def test_429s_piling_up_across_chats_pause_everyone(db: Database, clock: FakeClock) -> None:
    limiter = await _fan_out_with_429s(db, clock, 30, [1000 + i for i in range(10)])  # the first ten all refused
    assert limiter.pauses >= 1


def test_the_flood_watch_counts_by_pass_time_and_distinct_chats() -> None:
    watch = FloodWatch(window=2.0, share=0.3, chats=4)
    for i in range(10):  # one chat refused ten times: that chat's business
        assert not watch.answered(i * 0.05, 7, refused=True)
    watch = FloodWatch(window=2.0, share=0.3, chats=4)
    for i in range(40):  # 40 passes over two seconds, every tenth refused: 10 %
        assert not watch.answered(i * 0.05, 100 + i, refused=i % 10 == 0)
    assert not watch.answered(2.5, 200, refused=True)  # five refusals of 31 in the window: not a pile-up
    watch = FloodWatch(window=2.0, share=0.3, chats=4)
    outcomes = [watch.answered(i * 0.05, 100 + i, refused=i % 2 == 0) for i in range(10)]
    assert outcomes[:6] == [False] * 6 and outcomes[6]  # the 4th distinct chat refused, half refused
