"""The second user trial of meetings, end to end through the offline Bot API: the check-in code refreshes in
place, a meeting's 材料 must name a known material, a 补学 with nothing to read is worded as such, a 党小组会
needs a group that exists, and a secretary's own cancellation is not sent back to him as news."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import WANG, deliver, join, rows
from tests.factories import SECRETARY_ID


def _code(text: str) -> str:
    found = re.search(r"签到码 (\d{4})", text)
    assert found is not None, text
    return found.group(1)


async def test_the_check_in_code_refreshes_in_the_same_message(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(session, Meeting)[0].id
    await deliver(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 50, tzinfo=UTC))  # 14:20:50 local: this code lives ten seconds
    shown = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert [b.text for b in shown.button_list()] == ["🔄 刷新签到码"] and "点下方 🔄 刷新" in shown.plain
    first = _code(shown.plain)
    clock.advance(timedelta(minutes=3))  # the screen would be stale by now
    assert "已过期" in (await session.send(WANG, f"/checkin {first}"))[0].plain
    refreshed = await session.press(SECRETARY_ID, 1)
    assert len(refreshed) == 1 and refreshed[0].kind == "edit" and refreshed[0].message_id == shown.message_id
    assert refreshed[0].file_bytes and refreshed[0].file_bytes.startswith(b"\x89PNG")
    assert refreshed[0].file_bytes != shown.file_bytes and "14:24:00 前有效" in refreshed[0].plain
    assert [b.text for b in refreshed[0].button_list()] == ["🔄 刷新签到码"]  # refreshable again
    assert "签到成功" in (await session.send(WANG, f"/checkin {_code(refreshed[0].plain)}"))[0].plain
