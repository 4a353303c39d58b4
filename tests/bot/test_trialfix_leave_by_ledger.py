"""Trial T5: a pending 请假 approved by ``/attendance ID NAME 请假`` reaches the member like the 批准 button;
``/attendance ID`` listing 请假待审批 says how to approve without the request's buttons."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from tests.bot.test_meetings import WANG, ZHANG, deliver
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID


async def _asked(session: OfflineSession) -> int:
    mid = await _meeting(session)
    await session.send(WANG, f"/meeting {mid}")
    await session.press(WANG, 2)
    await session.send(WANG, "出差在外地调研")
    await deliver(session, produce=False)
    return mid


async def test_leave_recorded_in_the_ledger_is_announced_to_the_member(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    told = [m.plain for m in await deliver(session) if m.chat_id == WANG]
    assert any("的请假已获批准" in t for t in told), told
    assert not [m for m in await deliver(session) if m.chat_id == WANG]  # once


async def test_a_mark_with_no_pending_request_sends_nothing(session: OfflineSession) -> None:
    mid = await _meeting(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 请假")
    assert not [m for m in await deliver(session) if m.chat_id == ZHANG and "批准" in m.plain]


async def test_the_roster_says_how_to_approve_a_pending_request(session: OfflineSession) -> None:
    mid = await _asked(session)
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "请假待审批：王五" in shown and f"/attendance {mid} 王五 请假" in shown
    await session.send(SECRETARY_ID, "/lang en")
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert f"/attendance {mid} 王五 excused" in shown
