"""Review R3.5: a reminder skipped because a change notice was pending, when that change notice is then dropped
as having nothing new (the edit was reverted before the sender ran), still reaches the member.  In production
the tick only produces and the sender runs apart: here the producers run without sending, as there.  The
reminder is skipped on the tick the change notices wait, and produced on the next one (the producer looks at
each tick while the reminder is the nearest one due, and the dropped change notices no longer count) — one
tick late, not lost; this test keeps it so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import ticker
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from scheduler.tick import run_tick
from tests.bot.test_meetflow_moved_meeting import _answered
from tests.bot.test_meetings import ZHANG, deliver, svc_of
from tests.factories import SECRETARY_ID


async def _produce_only(session: OfflineSession) -> None:
    svc = svc_of(session)

    async def work() -> None:
        await run_tick(bot=session.app.bot, db=svc.db, clock=svc.clock, limiter=svc.limiter, worker=ticker.WORKER,
                       producers=svc.producers, kinds=svc.kinds, send=False)
    await session.run(work)


async def test_a_reverted_edit_does_not_eat_the_reminder(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _answered(session, clock)
    clock.set(datetime(2026, 3, 24, 7, 0, tzinfo=UTC))  # the 3-day reminder goes out
    assert any(m.chat_id == ZHANG and "会议提醒" in m.plain for m in await deliver(session))
    clock.set(datetime(2026, 3, 26, 6, 29, tzinfo=UTC))  # a minute before the 1-day reminder falls due
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")
    await _produce_only(session)  # the change notice is queued, not sent yet
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 三楼会议室")  # a slip, put back at once
    clock.set(datetime(2026, 3, 26, 6, 31, tzinfo=UTC))
    await _produce_only(session)  # the reminder falls due while both change notices wait
    told = [m.plain for m in await deliver(session, produce=False) if m.chat_id == ZHANG]
    for _ in range(3):  # a few more ticks: the reminder may come on a later one, but it must come
        clock.advance(timedelta(minutes=1))
        told += [m.plain for m in await deliver(session) if m.chat_id == ZHANG]
    assert [t for t in told if "会议提醒" in t], told
    assert not [t for t in told if "五楼报告厅" in t], told
