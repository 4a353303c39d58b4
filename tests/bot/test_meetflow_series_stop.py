"""Trial T25: ⏹ 停止每月重复 names the occurrences it would cancel, so the question can be answered."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from tests.bot.test_meetings import deliver, join
from tests.factories import SECRETARY_ID


async def test_stopping_a_monthly_series_names_the_meetings_it_cancels(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-03-28 14:30 | 三楼会议室 | 月度主题党日 | 每月")
    await deliver(session)
    asked = (await session.press(SECRETARY_ID, 5))[-1].plain  # ⏹ under the confirmation's card
    assert "之后已排出的 2 次会议会取消" in asked, asked
    assert "将取消：#1 2026年3月28日（周六）14:30、#2 2026年4月28日（周二）14:30" in asked, asked
    await session.send(SECRETARY_ID, "/lang en")
    await session.send(SECRETARY_ID, "/meeting 2")
    asked = (await session.press(SECRETARY_ID, 5))[-1].plain
    assert "To be cancelled: #1" in asked and "#2" in asked, asked
