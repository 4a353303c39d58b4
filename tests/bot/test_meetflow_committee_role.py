"""Trial T12: a 支委 (委员) role distinct from 书记 — ``/setrole 姓名 委员`` puts a member on the branch
committee (shown in /members, addressed by 支委会) without any secretary power, and back with ``党员``; a
支委会 whose only attendee is its creator says so instead of promising notices nobody will get."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from storage.models import Meeting, Member, Role
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID

COMMITTEE_LINE = "/newmeeting 支委会 | 2026-03-26 10:00 | 二楼小会议室 | 研究发展党员工作"


def _role(session: OfflineSession, tg: int) -> Role:
    return next(m.role for m in rows(session, Member) if m.tg_user_id == tg)


async def test_a_committee_meeting_with_no_committee_members_warns_instead_of_promising_notices(
        session: OfflineSession) -> None:
    await join(session)
    text = (await session.send(SECRETARY_ID, COMMITTEE_LINE))[0].plain
    assert "参会党员会收到通知" not in text
    assert "不会通知任何人" in text and "/setrole 姓名 委员" in text
    assert [m for m in await deliver(session) if m.chat_id in (ZHANG, WANG)] == []
    await session.send(SECRETARY_ID, "/lang en")
    text = (await session.send(SECRETARY_ID, COMMITTEE_LINE.replace("10:00", "16:00")))[0].plain
    assert "nobody will be notified" in text and "/setrole NAME committee" in text
    await session.send(SECRETARY_ID, "/setrole 张三 委员")  # as the warning says: the 委员 then hears of them
    notices = [m.plain for m in await deliver(session) if m.chat_id in (ZHANG, WANG)]
    assert len(notices) == 2 and all("研究发展党员工作" in n for n in notices), notices


async def test_a_committee_member_is_addressed_by_the_committee_meeting_but_holds_no_secretary_power(
        session: OfflineSession) -> None:
    await join(session)
    sent = await session.send(SECRETARY_ID, "/setrole 张三 委员")
    assert [m.plain for m in sent if m.chat_id == SECRETARY_ID] == ["已将 张三 设为支部委员。"]
    assert _role(session, ZHANG) == Role.COMMITTEE
    told = [m.plain for m in sent if m.chat_id == ZHANG]
    assert len(told) == 1 and "支部委员" in told[0], told
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "张三 · 支部委员" in roster or ("张三" in roster and "支部委员" in roster), roster

    text = (await session.send(SECRETARY_ID, COMMITTEE_LINE))[0].plain
    assert "参会党员会收到通知" in text and "不会通知任何人" not in text
    notices = await deliver(session)
    assert any(m.chat_id == ZHANG and "研究发展党员工作" in m.plain for m in notices)
    assert not any(m.chat_id == WANG for m in notices)  # an ordinary member is not on the committee
    mid = max(int(m.id) for m in rows(session, Meeting))
    roster = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "张三" in roster and "王五" not in roster, roster

    # no secretary power: the secretary's commands are refused to a 委员
    for command in ("/members", "/setrole 王五 书记", f"/attendance {mid}", "/export"):
        reply = (await session.send(ZHANG, command))[0].plain
        assert "王五" not in reply and "已将" not in reply, (command, reply)
    assert _role(session, WANG) == Role.MEMBER

    # and back: an ordinary member again, no longer expected at the committee's next meeting
    assert "党员" in (await session.send(SECRETARY_ID, "/setrole 张三 党员"))[0].plain
    assert _role(session, ZHANG) == Role.MEMBER
    text = (await session.send(SECRETARY_ID, COMMITTEE_LINE.replace("10:00", "16:00")))[0].plain
    assert "不会通知任何人" in text


async def test_the_last_secretary_cannot_be_made_a_committee_member(session: OfflineSession) -> None:
    await join(session)
    own = next(m.id for m in rows(session, Member) if m.tg_user_id == SECRETARY_ID)
    answer = (await session.send(SECRETARY_ID, f"/setrole {own} 委员"))[0].plain
    assert "唯一的书记" in answer, answer
    assert _role(session, SECRETARY_ID) == Role.SECRETARY
