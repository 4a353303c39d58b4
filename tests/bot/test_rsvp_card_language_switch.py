"""Review R2.13: 参加 on an unchanged notice redrew it as "会议有变动，以此为准" whenever the card's rendering
differed from the message — after a /lang switch, or for cards worded before a release changed them.  The
tap now compares the details the notice recorded showing with the meeting, not the text."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from storage.models import Meeting
from tests.bot.test_meetings import WANG, deliver, join, rows
from tests.bot.test_trialfix_rsvp_card import LINE
from tests.factories import SECRETARY_ID


async def test_attend_after_a_language_switch_says_no_change(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    notice = next(m for m in await deliver(session) if m.chat_id == WANG and m.buttons)  # sent in zh
    await session.send(WANG, "/lang en")
    said = await session.press(WANG, 1, message_id=notice.message_id)
    edits = [m.plain for m in said if m.kind == "edit"]
    assert not any("以此为准" in e or "this is current" in e or "changed" in e.lower() for e in edits), edits


async def test_a_real_change_is_still_redrawn_after_a_language_switch(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    notice = next(m for m in await deliver(session) if m.chat_id == WANG and m.buttons)
    mid = int(rows(session, Meeting)[0].id)
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 三楼大会议室")
    await deliver(session)
    await session.send(WANG, "/lang en")
    edits = [m.plain for m in await session.press(WANG, 1, message_id=notice.message_id) if m.kind == "edit"]
    assert edits and "三楼大会议室" in edits[-1] and "this is current" in edits[-1], edits
