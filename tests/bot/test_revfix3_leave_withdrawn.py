"""Review R3.10: an approval the member has since withdrawn (they tapped 参加 after it) no longer counts as
"they know they are excused" — a 请假 the secretary records afterwards is told to them."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from tests.bot.test_leave_recorded_told import TOLD_ZH, _asked, _to
from tests.bot.test_meetings import WANG
from tests.factories import SECRETARY_ID


async def test_recorded_leave_after_a_withdrawn_approval_is_told(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.press(SECRETARY_ID, 1)  # 批准 on the request
    assert any("的请假已获批准" in t for t in await _to(session, WANG))
    await session.send(WANG, f"/meeting {mid}")
    await session.press(WANG, 1)  # ✅ 参加: the leave is withdrawn
    await _to(session, WANG)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假 电话请假")
    assert [t for t in await _to(session, WANG) if TOLD_ZH in t]


async def test_recorded_leave_after_a_standing_approval_is_still_not_told(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.press(SECRETARY_ID, 1)  # 批准
    await _to(session, WANG)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    assert not [t for t in await _to(session, WANG) if TOLD_ZH in t]
