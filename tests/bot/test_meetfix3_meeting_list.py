"""``/meetings`` listed at most 6 upcoming and 6 recent, so a cancelled meeting whose date was still ahead
(sorted after every past one) dropped off and the secretary could no longer see it.  Now the short list
says how many there are, and ``/meetings 全部`` / 📋 全部会议 pages through every one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID


def _ids(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"#(\d+) ", text)]


async def _twelve_held_and_one_called_off(session: OfflineSession, clock: FakeClock) -> int:
    await join(session)
    for day in range(21, 33):  # 2026-03-21 … 2026-04-01, held
        date = f"2026-03-{day}" if day <= 31 else "2026-04-01"
        clock.advance(timedelta(minutes=1))  # a secretary's pace, under the flood limit
        await session.send(SECRETARY_ID, f"/newmeeting 党课 | {date} 14:30 | 三楼 | 学习第{day}次")
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-30 14:30 | 礼堂 | 月底大会")
    late = max(m.id for m in rows(session, Meeting))
    clock.advance(timedelta(minutes=1))
    await session.send(SECRETARY_ID, f"/meeting {late} 取消")
    await session.press(SECRETARY_ID, 1)  # 确定取消
    meetings = rows(session, Meeting)
    assert len(meetings) == 13 and [m.id for m in meetings if m.status == "cancelled"] == [late]
    await deliver(session)
    clock.set(datetime(2026, 4, 10, 1, 0, tzinfo=UTC))
    return int(late)


async def test_the_short_list_counts_and_every_meeting_is_reachable(session: OfflineSession, clock: FakeClock
                                                                     ) -> None:
    late = await _twelve_held_and_one_called_off(session, clock)
    short = (await session.send(SECRETARY_ID, "/meetings"))[-1]
    assert late not in _ids(short.plain) and len(_ids(short.plain)) == 6  # the 6 latest held
    assert "共 13 场，列出 6 场" in short.plain and "/meetings 全部" in short.plain
    assert [b.text for b in short.button_list()] == ["📋 全部会议（13）"]
    first = (await session.press(SECRETARY_ID, 1))[-1]  # turns the list into page 1, in place
    assert first.message_id == short.message_id and "第 1/2 页" in first.plain
    assert [b.text for b in first.button_list()] == ["下一页 ▶"]
    second = (await session.press(SECRETARY_ID, 1))[-1]
    assert second.message_id == short.message_id and "第 2/2 页" in second.plain
    assert [b.text for b in second.button_list()] == ["◀ 上一页"]
    seen = _ids(first.plain) + _ids(second.plain)
    assert sorted(seen) == sorted(m.id for m in rows(session, Meeting))  # each once, the cancelled one too
    assert f"#{late} " in second.plain and "月底大会（已取消）" in second.plain
    typed = (await session.send(SECRETARY_ID, "/meetings 全部 2"))[-1]
    assert _ids(typed.plain) == _ids(second.plain)


async def test_in_english_and_for_a_member(session: OfflineSession, clock: FakeClock) -> None:
    await _twelve_held_and_one_called_off(session, clock)
    await session.send(ZHANG, "/lang en")
    short = (await session.send(ZHANG, "/meetings"))[-1]
    assert "(6 of 13)" in short.plain and "/meetings all" in short.plain
    page = (await session.send(ZHANG, "/meetings all"))[-1]
    assert "All meetings (13, page 1/2)" in page.plain and [b.text for b in page.button_list()] == ["Next ▶"]
