"""Review R2.12: a secretary's 出席 / 迟到 mark turns the member's pending 请假 into 参加 (they came); the
secretary's reply now says the request was withdrawn, instead of it vanishing unremarked."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from storage.models import Rsvp
from tests.bot.test_meetings import rows
from tests.bot.test_trialfix_leave_by_ledger import _asked
from tests.factories import SECRETARY_ID


async def test_marking_present_says_the_pending_leave_was_withdrawn(session: OfflineSession) -> None:
    mid = await _asked(session)  # 王五 asked for leave, undecided
    said = (await session.send(SECRETARY_ID, f"/attendance {mid} 王五 出席"))[0].plain
    assert "已登记" in said and "王五 待审批的请假申请已随之撤回" in said, said
    assert [r.response for r in rows(session, Rsvp) if r.meeting_id == mid and r.reason] == ["attend"]


async def test_no_such_line_without_a_pending_request(session: OfflineSession) -> None:
    mid = await _asked(session)
    said = (await session.send(SECRETARY_ID, f"/attendance {mid} 张三 出席"))[0].plain
    assert "已登记" in said and "撤回" not in said, said


async def test_the_english_reply_says_it_too(session: OfflineSession) -> None:
    mid = await _asked(session)
    await session.send(SECRETARY_ID, "/lang en")
    said = (await session.send(SECRETARY_ID, f"/attendance {mid} 王五 迟到"))[0].plain
    assert "pending leave request is withdrawn" in said, said
