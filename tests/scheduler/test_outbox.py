"""The delivery outbox and its sender, on an SQLite file and on PostgreSQL, against the fake Bot API."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import col, select
from telegram import Bot

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError
from bot.fakeapi.request import OfflineRequest
from scheduler import outbox
from scheduler.clock import FakeClock
from scheduler.kinds import DeliveryKind, Outgoing
from scheduler.lock import sender_lock
from scheduler.ratelimit import SendRateLimiter
from scheduler.sender import send_due
from scheduler.tick import run_tick
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Delivery, DeliveryState
from tests import factories


class _NoWait:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


def _render(_session: object, row: Delivery) -> Outgoing:
    return Outgoing(text=f"<b>提醒</b> {row.dedup_key}")


KINDS = {"test": DeliveryKind("test", render=_render)}


def _limiter() -> SendRateLimiter:
    fake = _NoWait()
    return SendRateLimiter(per_second=20, monotonic=fake.monotonic, sleep=fake.sleep)


def _enqueue(db: Database, clock: FakeClock, branch_id: int, chat_id: int, key: str, **kw: object) -> bool:
    with db.session() as s:
        return outbox.enqueue(session=s, branch_id=branch_id, kind="test", dedup_key=key, chat_id=chat_id,
                              due_at=clock.now(), now=clock.now(), **kw)


def _states(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {row.dedup_key: row.state for row in s.exec(select(Delivery)).all()}


async def _bot(api: FakeBotApi) -> Bot:
    bot = Bot(api.token, request=OfflineRequest(api), get_updates_request=OfflineRequest(api))
    await bot.initialize()
    return bot


def test_enqueue_is_idempotent(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    assert _enqueue(db, clock, branch.id, 1, "k1")
    assert not _enqueue(db, clock, branch.id, 1, "k1")
    with db.session() as s:
        assert outbox.counts(session=s)["pending"] == 1


def _bulk(branch_id: int, clock: FakeClock, count: int) -> list[outbox.NewDelivery]:
    return [outbox.NewDelivery(branch_id=branch_id, kind="test", dedup_key=f"bulk:{n}", chat_id=n, due_at=clock.now())
            for n in range(count)]


def test_enqueue_many_adds_each_key_once_across_chunks(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    assert _enqueue(db, clock, branch.id, 3, "bulk:3")  # queued before, one at a time
    rows = _bulk(branch.id, clock, 1200)  # more than two statements' worth
    rows.append(rows[7])  # the same key twice in one call
    with db.session() as s:
        assert outbox.enqueue_many(session=s, rows=rows, now=clock.now()) == 1199
    with db.session() as s:
        assert outbox.enqueue_many(session=s, rows=rows, now=clock.now()) == 0  # the next tick
        stored = s.exec(select(Delivery).where(col(Delivery.dedup_key).like("bulk:%"))).all()
    assert sorted(r.chat_id for r in stored) == list(range(1200))
    assert all(r.state == DeliveryState.PENDING and r.attempts == 0 and r.payload == {} for r in stored)


def test_enqueue_many_racing_another_transaction_adds_each_key_once(pg_url: str, clock: FakeClock) -> None:
    """The second transaction cannot see the first's uncommitted keys when it looks; the unique key makes
    it wait for them and skip them."""
    db = Database(pg_url)
    upgrade(db)
    try:
        branch = factories.branch(db, clock.now())
        rows = _bulk(branch.id, clock, 600)
        with ThreadPoolExecutor(1) as pool:
            with db.session() as first:
                assert outbox.enqueue_many(session=first, rows=rows[:400], now=clock.now()) == 400
                second = pool.submit(db.call, outbox.enqueue_many, rows=rows, now=clock.now())
                assert _waits_on_a_lock(db), "the second insert never waited for the first"
            assert second.result(timeout=30) == 200
        with db.session() as s:
            assert len(s.exec(select(Delivery.id)).all()) == 600
    finally:
        db.dispose()


def _waits_on_a_lock(db: Database) -> bool:
    for _ in range(100):
        with db.engine.connect() as connection:
            if connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND query LIKE 'INSERT INTO delivery%'")).scalar():
                return True
        time.sleep(0.05)
    return False


def test_claims_never_overlap(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    for i in range(5):
        _enqueue(db, clock, branch.id, 100 + i, f"k{i}")
    with db.session() as s:
        first = outbox.claim(session=s, worker="a", now=clock.now(), lease=timedelta(minutes=1), limit=3)
    with db.session() as s:
        second = outbox.claim(session=s, worker="b", now=clock.now(), lease=timedelta(minutes=1), limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {r.id for r in first} & {r.id for r in second}


def test_lost_lease_becomes_uncertain_and_late_reminders_expire(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    _enqueue(db, clock, branch.id, 1, "lost")
    _enqueue(db, clock, branch.id, 2, "late", expires_at=clock.now() + timedelta(minutes=5))
    with db.session() as s:
        claimed = outbox.claim(session=s, worker="dead", now=clock.now(), lease=timedelta(minutes=1), limit=1)
    assert [r.dedup_key for r in claimed] == ["lost"]
    with db.session() as s:  # the request was about to leave when the sender died
        assert outbox.record_attempt(session=s, delivery_id=claimed[0].id, worker="dead", now=clock.now(),
                                     lease=timedelta(minutes=1))
    clock.advance(timedelta(minutes=10))
    with db.session() as s:
        assert outbox.expire(session=s, now=clock.now()) == 1
        assert outbox.recover_claims(session=s, worker="alive", now=clock.now(), kinds=KINDS) == (0, 1, 0)
    with db.session() as s:  # the dead worker's late report must not overwrite what was decided
        assert not outbox.mark_sent(session=s, delivery_id=claimed[0].id, worker="dead", message_id=1,
                                    now=clock.now())
    assert _states(db) == {"lost": DeliveryState.UNCERTAIN, "late": DeliveryState.EXPIRED}


async def test_sender_maps_telegram_answers_to_states(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    api = FakeBotApi(clock=clock)
    for user in (1, 2, 3, 4):
        api.add_user(user, f"用户{user}")
    api.block(2)
    api.fail_next("sendMessage", BotApiError(429, "Too Many Requests: retry after 7", retry_after=7), chat_id=3)
    api.time_out_next("sendMessage", chat_id=4)
    for user in (1, 2, 3, 4):
        _enqueue(db, clock, branch.id, user, f"u{user}")
    bot = await _bot(api)
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    states = _states(db)
    assert states["u1"] == DeliveryState.SENT
    assert states["u2"] == DeliveryState.FAILED
    assert states["u3"] == DeliveryState.PENDING  # retried after the wait Telegram asked for
    assert report.sent == 1 and report.failed == 1 and report.retried >= 1
    clock.advance(timedelta(seconds=8))
    await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    states = _states(db)
    assert states["u3"] == DeliveryState.SENT
    assert states["u4"] == DeliveryState.UNCERTAIN  # the request left; it may have arrived
    assert len([m for m in api.outbox if m.chat_id == 1]) == 1
    await bot.shutdown()


async def test_tick_writes_a_heartbeat(db: Database, clock: FakeClock, tmp_path: Path) -> None:
    api = FakeBotApi(clock=clock)
    bot = await _bot(api)
    beat = tmp_path / "heartbeat"
    calls: list[object] = []

    def producer(*, session: object, now: object) -> int:
        calls.append(now)
        return 0

    await run_tick(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", producers=[producer], kinds=KINDS,
                   heartbeat=beat)
    assert calls == [clock.now()] and beat.read_text().startswith("2026-03-20")
    await bot.shutdown()


def test_limiter_spaces_sends_without_burst() -> None:
    fake = _NoWait()
    limiter = SendRateLimiter(per_second=10, per_chat_interval=1.0, monotonic=fake.monotonic, sleep=fake.sleep)
    waits = [limiter.reserve(chat) for chat in (1, 2, 3, 4, 5)]
    assert all(abs(w - 0.1 * i) < 1e-9 for i, w in enumerate(waits))
    assert abs(limiter.reserve(1) - 1.0) < 1e-9  # the same chat waits its one second
    limiter.pause(30)
    assert limiter.reserve(6) >= 30


async def test_only_one_process_sends_at_a_time(pg_url: str) -> None:
    first, second = Database(pg_url), Database(pg_url)
    try:
        async with sender_lock(first) as mine, sender_lock(second) as theirs:
            assert mine and not theirs
        async with sender_lock(second) as now_mine:  # released when the first sender finished
            assert now_mine
    finally:
        first.dispose()
        second.dispose()


def test_concurrent_claims_skip_each_others_rows(pg_url: str, clock: FakeClock) -> None:
    db = Database(pg_url)
    upgrade(db)
    try:
        branch = factories.branch(db, clock.now())
        for i in range(5):
            _enqueue(db, clock, branch.id, 100 + i, f"k{i}")
        with db.session() as first:  # its transaction stays open while the second sender claims
            mine = outbox.claim(session=first, worker="a", now=clock.now(), lease=timedelta(minutes=1), limit=3)
            with ThreadPoolExecutor(1) as pool:
                theirs = pool.submit(db.call, outbox.claim, worker="b", now=clock.now(),
                                     lease=timedelta(minutes=1), limit=10).result(timeout=30)
        assert len(mine) == 3 and len(theirs) == 2
        assert not {r.id for r in mine} & {r.id for r in theirs}
    finally:
        db.dispose()


async def test_blocked_migrated_and_flaky_chats(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    member = factories.member(db, branch.id, 7, "张三", clock.now())
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    api.add_group(-100, "支部群")
    api.block(7)
    api.fail_next("sendMessage", BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                                             migrate_to_chat_id=-1009), chat_id=-100)
    api.add_group(-1009, "支部群", supergroup=True)
    api.fail_next("sendMessage", BotApiError(502, "Bad Gateway"), chat_id=-1009)
    _enqueue(db, clock, branch.id, 7, "blocked", member_id=member.id)
    _enqueue(db, clock, branch.id, -100, "group")
    blocked: list[int | None] = []

    async def on_blocked(row: Delivery) -> None:
        blocked.append(row.member_id)

    bot = await _bot(api)
    await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS, on_blocked=on_blocked)
    assert blocked == [member.id] and _states(db)["blocked"] == DeliveryState.FAILED
    # retried on the new chat id
    await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    with db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.dedup_key == "group")).one()
    assert row.chat_id == -1009 and row.state == DeliveryState.PENDING  # 502: backed off, not lost
    assert row.due_at > clock.now()
    clock.advance(timedelta(minutes=5))
    await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds=KINDS)
    assert _states(db)["group"] == DeliveryState.SENT and [m.chat_id for m in api.outbox] == [-1009]
    await bot.shutdown()
