"""Cancelling a meeting keeps a decided 请假 card's record (review R2): the secretary's card still reads
"✅ 已批准 … 请假事由：…" and gains a note that the meeting is cancelled, with no buttons; it does not turn back
into "请假申请 … 无需审批" (false: a decision was made).  A still-pending request keeps that wording."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import WANG, deliver, join, rows
from tests.factories import SECRETARY_ID

TOPIC = "参观红色基地"


async def test_a_decided_request_keeps_its_decision_and_reason_when_the_meeting_is_cancelled(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(SECRETARY_ID, f"/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | {TOPIC}")
    mid = rows(s, Meeting)[0].id
    await deliver(s)
    await s.press(WANG, 2)  # 请假 under his notice
    await s.send(WANG, "出差")
    await deliver(s)
    request = next(k.message_id for k in s.api.world.keyboards(SECRETARY_ID)
                   if "请假申请" in str(s.api.world.messages[(SECRETARY_ID, k.message_id)].json.get("text", "")))
    await s.press(SECRETARY_ID, 1, message_id=request)  # 批准
    decided = str(s.api.world.messages[(SECRETARY_ID, request)].json["text"])
    assert decided.startswith("✅ 已批准 王五") and "出差" in decided, decided
    await deliver(s)

    clock.advance(timedelta(minutes=1))
    await s.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await s.press(SECRETARY_ID, 1)  # 确定取消
    await deliver(s)
    text = str(s.api.world.messages[(SECRETARY_ID, request)].json["text"])
    assert text.startswith(decided) and "会议已取消" in text, text
    assert "无需审批" not in text and "请假申请" not in text
    assert all(k.message_id != request for k in s.api.world.keyboards(SECRETARY_ID))
