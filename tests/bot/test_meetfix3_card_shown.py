"""A card sent as the direct reply to ``/meeting ID`` had no record of what it showed, so 参加 under it
compared rendered text, and a ``/lang`` switch between showing and tapping read as a change ("以此为准").
Now the card's record keeps the details it showed and the tap compares those, as under a notice."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from storage.models import Meeting
from tests.bot.test_meetings import WANG, deliver, join, rows
from tests.bot.test_trialfix_rsvp_card import LINE
from tests.factories import SECRETARY_ID


async def _card(session: OfflineSession) -> tuple[int, int]:
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    await deliver(session)
    mid = int(rows(session, Meeting)[0].id)
    card = (await session.send(WANG, f"/meeting {mid}"))[-1]  # shown in Chinese, with 参加 / 请假 / 日历
    assert card.buttons
    return mid, card.message_id


async def test_attend_on_a_meeting_card_after_a_language_switch_says_no_change(session: OfflineSession) -> None:
    _, card = await _card(session)
    await session.send(WANG, "/lang en")
    edits = [m for m in await session.press(WANG, 1, message_id=card) if m.kind == "edit"]
    assert not any("以此为准" in m.plain or "this is current" in m.plain or "changed" in m.plain.lower()
                   for m in edits), [m.plain for m in edits]


async def test_a_real_change_under_a_meeting_card_is_still_redrawn(session: OfflineSession) -> None:
    mid, card = await _card(session)
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 三楼大会议室")
    await session.send(WANG, "/lang en")
    edits = [m.plain for m in await session.press(WANG, 1, message_id=card) if m.kind == "edit"]
    assert edits and "三楼大会议室" in edits[-1] and "this is current" in edits[-1], edits
