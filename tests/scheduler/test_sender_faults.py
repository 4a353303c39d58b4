"""Regression tests for the faults a fault-injection run found in the sender (issue 9, item 6).

* a kill -9 lost the rows claimed but never tried → untried claims go back to pending;
* a connection dropped after Telegram accepted a message duplicated it → only errors that prove the
  request never left are retried; a drop after the request was written is uncertain;
* two processes on one SQLite file sent at once → one sender per database;
plus the sender's speed contract: several chats in flight, each chat in order, continuous refill, and a
claim never larger than what can go out within its lease.
"""

from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.http import serve
from bot.fakeapi.records import BotApiError
from bot.fakeapi.request import OfflineRequest
from scheduler import outbox
from scheduler.clock import FakeClock
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing
from scheduler.lock import sender_lock
from scheduler.ratelimit import SendRateLimiter
from scheduler.sender import send_due
from storage.db import Database
from storage.models import Branch, Delivery, DeliveryState, Member
from tests import factories


class _Instant:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds


def _limiter(per_second: float = 20) -> SendRateLimiter:
    fake = _Instant()
    return SendRateLimiter(per_second=per_second, monotonic=fake.monotonic, sleep=fake.sleep)


def _text(_session: Session, row: Delivery) -> Outgoing:
    return Outgoing(text=f"通知 {row.dedup_key}")


NOTICE = DeliveryKind("notice", render=_text)  # a duplicate is worse than a loss: uncertain rows stay
REMINDER = DeliveryKind("reminder", render=_text, policy=KindPolicy(resend_uncertain=True))
KINDS = {"notice": NOTICE, "reminder": REMINDER}


def _enqueue(db: Database, clock: FakeClock, branch_id: int, chat_id: int, key: str, kind: str = "notice") -> None:
    with db.session() as s:
        assert outbox.enqueue(session=s, branch_id=branch_id, kind=kind, dedup_key=key, chat_id=chat_id,
                              due_at=clock.now(), now=clock.now())


def _states(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {row.dedup_key: row.state for row in s.exec(select(Delivery)).all()}


async def _bot(api: FakeBotApi) -> Bot:
    bot = Bot(api.token, request=OfflineRequest(api), get_updates_request=OfflineRequest(api))
    await bot.initialize()
    return bot


def test_a_killed_sender_hands_back_what_it_never_tried(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    for i, kind in enumerate(("notice", "notice", "reminder", "notice")):
        _enqueue(db, clock, branch.id, 100 + i, f"k{i}", kind)
    lease = timedelta(seconds=30)
    with db.session() as s:
        claimed = outbox.claim(session=s, worker="killed", now=clock.now(), lease=lease, limit=10)
    with db.session() as s:  # it got as far as recording attempts for k1 and k2, then kill -9
        for row in claimed[1:3]:
            assert outbox.record_attempt(session=s, delivery_id=row.id, worker="killed", now=clock.now(), lease=lease)
    with db.session() as s:  # the next sender holds the lock: the dead one's claims are settled at once
        assert outbox.recover_claims(session=s, worker="next", now=clock.now(), kinds=KINDS) == (2, 2, 1)
    assert _states(db) == {"k0": DeliveryState.PENDING, "k1": DeliveryState.UNCERTAIN,
                           "k2": DeliveryState.PENDING, "k3": DeliveryState.PENDING}
    with db.session() as s:  # the reminder went back because its kind resends; the row remembers why
        k2 = s.exec(select(Delivery).where(Delivery.dedup_key == "k2")).one()
        assert k2.uncertain_at is not None and k2.attempts == 1
    with db.session() as s:  # the dead worker can no longer start a request for a row it lost
        assert not outbox.record_attempt(session=s, delivery_id=claimed[0].id, worker="killed", now=clock.now(),
                                         lease=lease)


async def test_claims_stay_within_the_lease_and_refill_continuously_in_chat_order(
    db: Database, clock: FakeClock
) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    chats = [200 + i for i in range(10)]
    for chat in chats:
        api.add_user(chat, f"用户{chat}")
    for n in range(5):  # five messages to each of ten chats, interleaved
        for chat in chats:
            _enqueue(db, clock, branch.id, chat, f"{chat}:{n}")
    most_claimed = 0

    def counting(session: Session, row: Delivery) -> Outgoing:
        nonlocal most_claimed
        claimed = session.exec(select(func.count()).select_from(Delivery)
                               .where(col(Delivery.state) == DeliveryState.CLAIMED)).one()
        most_claimed = max(most_claimed, int(claimed))
        return _text(session, row)

    bot = await _bot(api)
    # 4/s for a 10 s lease: no more than 20 rows may be claimed at once (half the lease's worth)
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(per_second=4), worker="w",
                            kinds={"notice": DeliveryKind("notice", render=counting)}, lease=timedelta(seconds=10),
                            lanes=4)
    await bot.shutdown()
    assert report.sent == 50, report  # one call: refilled until nothing was due
    assert 0 < most_claimed <= 20
    for chat in chats:
        assert [m.plain for m in api.messages_to(chat)] == [f"通知 {chat}:{n}" for n in range(5)]


async def test_a_429_holds_its_chat_in_order_while_other_chats_go_on(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    for chat in (1, 2):
        api.add_user(chat, f"用户{chat}")
        for n in range(3):
            _enqueue(db, clock, branch.id, chat, f"{chat}:{n}")
    api.fail_next("sendMessage", BotApiError.flood(30), chat_id=1)  # longer than the sender lingers
    bot = await _bot(api)
    first = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    assert first.sent == 3 and [m.plain for m in api.messages_to(2)] == [f"通知 2:{n}" for n in range(3)]
    assert api.messages_to(1) == []
    clock.advance(timedelta(seconds=31))
    second = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    await bot.shutdown()
    assert second.sent == 3 and [m.plain for m in api.messages_to(1)] == [f"通知 1:{n}" for n in range(3)]


async def test_a_connection_dropped_after_the_request_left_is_uncertain_not_resent(
    db: Database, clock: FakeClock
) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    api.time_out_next("sendMessage", delivered=True, chat_id=7)  # Telegram took it, then the connection died
    _enqueue(db, clock, branch.id, 7, "dropped")
    server, base_url, base_file_url = await serve(api)
    bot = Bot(api.token, base_url=base_url, base_file_url=base_file_url, request=HTTPXRequest(read_timeout=5))
    try:
        await bot.initialize()
        report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
        clock.advance(timedelta(hours=1))
        await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    finally:
        await bot.shutdown()
        await server.aclose()
    assert report.uncertain == 1 and _states(db) == {"dropped": DeliveryState.UNCERTAIN}
    assert len(api.messages_to(7)) == 1  # it arrived once, and was not sent again


async def test_a_request_that_never_left_is_retried(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    _enqueue(db, clock, branch.id, 7, "refused")
    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = FakeBotApi(clock=clock)
    bot = Bot(api.token, base_url=f"http://127.0.0.1:{port}/bot", request=HTTPXRequest(connect_timeout=2))
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    with db.session() as s:
        row = s.exec(select(Delivery)).one()
    assert report.retried == 1 and row.state == DeliveryState.PENDING and row.due_at > clock.now()
    assert row.last_error is not None and "ConnectError" in row.last_error and row.uncertain_at is None


async def test_a_migrated_group_takes_its_new_id_everywhere(db: Database, clock: FakeClock) -> None:
    with db.session() as s:
        from storage import members as member_store

        branch = member_store.ensure_branch(session=s, key="csfz", name="支部", invite_code="code",
                                           group_chat_id=-100, now=clock.now())
    member = factories.member(db, branch.id, 8, "李四", clock.now())
    with db.session() as s:  # a member whose recorded chat is the group (a bot that only knows the group)
        row = s.get(Member, member.id)
        assert row is not None
        row.chat_id = -100
        s.add(row)
    api = FakeBotApi(clock=clock)
    api.add_group(-100, "支部群")
    api.migrate_group(-100, -1009)
    _enqueue(db, clock, branch.id, -100, "group")
    bot = await _bot(api)
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    await bot.shutdown()
    assert report.sent == 1 and [m.chat_id for m in api.outbox] == [-1009]
    with db.session() as s:
        assert s.get(Branch, branch.id).group_chat_id == -1009  # type: ignore[union-attr]
        assert s.get(Member, member.id).chat_id == -1009  # type: ignore[union-attr]


async def test_one_sender_per_sqlite_file(sqlite_url: str) -> None:
    first, second = Database(sqlite_url), Database(sqlite_url)
    try:
        async with sender_lock(first) as mine, sender_lock(second) as theirs:
            assert mine and not theirs
        async with sender_lock(second) as now_mine:
            assert now_mine
    finally:
        first.dispose()
        second.dispose()


async def test_senders_of_two_schemas_do_not_block_each_other(pg_url: str, other_pg_url: str) -> None:
    first, second, third = Database(pg_url), Database(other_pg_url), Database(pg_url)
    try:
        async with sender_lock(first) as mine, sender_lock(second) as other, sender_lock(third) as same:
            assert mine and other and not same
    finally:
        for database in (first, second, third):
            database.dispose()
