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
from bot.fakeapi.request import OfflineRequest
from scheduler import outbox
from scheduler.clock import FakeClock
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
