"""A cancelled meeting's cards in private lose their buttons (user trial, meetfix2 point 1).

Before: after 确定取消 the notices, the members' ``/meeting`` views, the secretary's creation confirmation and
his pending 请假 request still offered 参加 / 请假 / 批准.  Now each is edited once, through the outbox
(``scheduler.unbutton``), to say the meeting is cancelled and needs no answer; an old 批准 pressed anyway gets
the polite "meeting cancelled" and decides nothing.
"""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Delivery, DeliveryState, Meeting, Rsvp
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows, svc_of
from tests.factories import SECRETARY_ID

TOPIC = "参观红色基地"


def _cards(s: OfflineSession, chat: int) -> dict[int, str]:
    """The messages in ``chat`` that still show buttons and name the meeting: id → text."""
    shown = {}
    for keyboard in s.api.world.keyboards(chat):
        text = str(s.api.world.messages[(chat, keyboard.message_id)].json.get("text", ""))
        if TOPIC in text or "请假申请" in text:
            shown[keyboard.message_id] = text
    return shown


async def test_cancelling_takes_the_buttons_off_every_private_card_once(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(SECRETARY_ID, f"/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | {TOPIC}")
    mid = rows(s, Meeting)[0].id
    await deliver(s)  # the notices
    await s.send(ZHANG, f"/meeting {mid}")  # a view with 参加 / 请假
    await s.press(WANG, 2)  # 请假 under his notice
    await s.send(WANG, "出差")
    await deliver(s)  # the request to the secretary, with 批准 / 不批准
    before = {who: _cards(s, who) for who in (SECRETARY_ID, ZHANG, WANG)}
    assert len(before[ZHANG]) == 2 and len(before[WANG]) == 1, before
    assert len(before[SECRETARY_ID]) == 2  # his confirmation and the 请假 request
    request = next(i for i, t in before[SECRETARY_ID].items() if "请假申请" in t)
    approve = next(b for k in s.api.world.keyboards(SECRETARY_ID) if k.message_id == request
                   for b in k.buttons())

    clock.advance(timedelta(minutes=1))
    await s.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await s.press(SECRETARY_ID, 1)  # 确定取消
    sent = await deliver(s)
    edited = {(m.chat_id, m.message_id) for m in sent if m.kind == "edit"}
    assert edited == {(who, i) for who, cards in before.items() for i in cards}, sent
    for who, cards in before.items():
        assert _cards(s, who) == {}
        for message_id in cards:
            text = str(s.api.world.messages[(who, message_id)].json["text"])
            assert "无需" in text and "已取消" in text, text
    assert await deliver(s) == []  # each card is redrawn once
    unbuttons = [d for d in rows(s, Delivery) if d.kind == "mtg.unbutton"]
    assert len(unbuttons) == 5 and {d.state for d in unbuttons} == {DeliveryState.SENT}

    # an old 批准 pressed anyway: the polite answer, and no decision recorded or sent
    update = s.api.callback_update(SECRETARY_ID, request, str(approve.callback_data), None)
    await s.feed(update)
    toast = s.api.callback_answers[update["callback_query"]["id"]].get("text")
    assert toast == svc_of(s).texts.plain("error.meeting_cancelled", "zh", id=mid)
    assert {r.leave_status for r in rows(s, Rsvp)} == {"pending"}
    assert not [m for m in await deliver(s) if m.chat_id == WANG]


async def test_a_request_queued_before_the_cancellation_is_not_sent_after_it(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(SECRETARY_ID, f"/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | {TOPIC}")
    mid = rows(s, Meeting)[0].id
    await deliver(s)
    await s.press(WANG, 2)
    await s.send(WANG, "出差")  # the request waits in the outbox
    clock.advance(timedelta(seconds=30))
    await s.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await s.press(SECRETARY_ID, 1)
    sent = await deliver(s)
    assert not [m for m in sent if m.chat_id == SECRETARY_ID and "请假申请" in m.plain], sent
    assert _cards(s, SECRETARY_ID) == {}


async def test_the_edit_reads_in_the_members_language(session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(ZHANG, "/lang en")
    await s.send(SECRETARY_ID, f"/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | {TOPIC}")
    mid = rows(s, Meeting)[0].id
    await deliver(s)
    clock.advance(timedelta(minutes=1))
    await s.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await s.press(SECRETARY_ID, 1)
    edits = [m for m in await deliver(s) if m.kind == "edit" and m.chat_id == ZHANG]
    assert len(edits) == 1 and "no need to answer" in edits[0].plain and "无需" not in edits[0].plain
