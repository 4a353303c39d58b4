"""Trial T17: a tick long after a meeting (the bot down over a holiday) still assigns its 补学, up to
``meeting_options.makeup_days``; past that, ``/attendance ID`` says that none was sent."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG, ZHANG, deliver
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID


async def test_makeup_is_sent_on_a_tick_sixteen_days_late(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)  # 03-25 14:30, nobody checks in
    clock.set(datetime(2026, 4, 10, 1, 0, tzinfo=UTC))  # the first tick since: 04-10 09:00 local
    sent = await deliver(session)
    assert {m.chat_id for m in sent if "补学" in m.plain} >= {ZHANG, WANG}
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "补学未完成" in shown and "没有向缺席" not in shown


async def test_past_the_bound_no_makeup_and_the_roster_says_so(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 5, 10, 1, 0, tzinfo=UTC))  # 46 days later: past makeup_days (30)
    assert not [m for m in await deliver(session) if "补学" in m.plain and m.chat_id in (ZHANG, WANG)]
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "没有向缺席或请假的同志发送补学" in shown and f"/attendance {mid} 姓名 补学" in shown
    await session.send(SECRETARY_ID, "/lang en")
    assert "none was sent" in (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
