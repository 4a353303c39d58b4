"""Trial T1: 参加 pressed on an out-of-date notice redraws that card with the meeting's current time and
place under "会议有变动，以此为准" — never the old details next to the confirmation."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from storage.models import Meeting
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID

LINE = "/newmeeting 党课 | 2026-03-21 15:00 | 二楼小会议室 | 党课学习"


async def _moved_after_notice(session: OfflineSession) -> tuple[int, int]:
    """A meeting announced, then moved and re-placed; returns 张三's first notice and the meeting id."""
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    first = [m for m in await deliver(session) if m.chat_id == ZHANG and m.buttons]
    assert first and "二楼小会议室" in first[0].plain
    mid = int(rows(session, Meeting)[0].id)
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-22 15:00")
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 三楼大会议室")
    changed = [m for m in await deliver(session) if m.chat_id == ZHANG]
    assert changed and "三楼大会议室" in changed[-1].plain
    return first[0].message_id, mid


async def test_attend_on_an_old_notice_shows_the_current_details(session: OfflineSession) -> None:
    notice, _mid = await _moved_after_notice(session)
    edits = [m for m in await session.press(ZHANG, 1, message_id=notice) if m.kind == "edit"]
    assert edits, "the old card is redrawn"
    shown = edits[-1].plain
    assert "三楼大会议室" in shown and "3月22日" in shown
    assert "二楼小会议室" not in shown and "3月21日" not in shown
    assert "以此为准" in shown and "您已回复：参加" in shown


async def test_attend_on_a_current_notice_keeps_its_text(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    notice = next(m for m in await deliver(session) if m.chat_id == WANG and m.buttons)
    said = await session.press(WANG, 1, message_id=notice.message_id)
    assert all(m.kind != "edit" or "以此为准" not in m.plain for m in said)  # only the button changes


async def test_english_reader_gets_the_current_details_too(session: OfflineSession) -> None:
    await join(session)
    await session.send(WANG, "/lang en")
    await session.send(SECRETARY_ID, LINE)
    notice = next(m for m in await deliver(session) if m.chat_id == WANG and m.buttons)
    mid = int(rows(session, Meeting)[0].id)
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 三楼大会议室")
    await deliver(session)
    edits = [m for m in await session.press(WANG, 1, message_id=notice.message_id) if m.kind == "edit"]
    assert edits and "三楼大会议室" in edits[-1].plain and "二楼小会议室" not in edits[-1].plain
    assert "this is current" in edits[-1].plain and "Your answer: attending" in edits[-1].plain
