"""Trial U9: a 支委会's 应到 is history — who sat on the committee at its start, read from the role changes
the audit log keeps (``storage.meeting_audience.seated_at``), as the standing on the day is for a 党员大会.

A 委员 stepping down later stays expected (and present) at the 支委会 they attended; a member named 委员 later
was never expected at it; the meetings still ahead follow the seats of today.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import deliver, join, rows
from tests.factories import SECRETARY_ID

HELD = "/newmeeting 支委会 | 2026-03-26 10:00 | 二楼小会议室 | 研究发展党员工作"
AHEAD = "/newmeeting 支委会 | 2026-04-20 10:00 | 二楼小会议室 | 研究转正工作"


def _line(roster: str, head: str) -> str:
    return next((line for line in roster.splitlines() if line.startswith(head)), "")


async def test_a_committee_meetings_roll_keeps_who_sat_then(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/setrole 王五 委员")
    await session.send(SECRETARY_ID, HELD)
    await deliver(session)
    held = max(int(m.id) for m in rows(session, Meeting))
    clock.set(datetime(2026, 3, 26, 3, 30, tzinfo=UTC))  # 11:30 local: the meeting is over
    await session.send(SECRETARY_ID, f"/attendance {held} 王五 出席")
    before = (await session.send(SECRETARY_ID, f"/attendance {held}"))[0].plain
    assert "王五" in before and "张三" not in before, before

    clock.set(datetime(2026, 4, 1, 1, 0, tzinfo=UTC))
    await session.send(SECRETARY_ID, "/setrole 王五 党员")  # steps down after the meeting
    await session.send(SECRETARY_ID, "/setrole 张三 委员")  # named after it
    after = (await session.send(SECRETARY_ID, f"/attendance {held}"))[0].plain
    assert after == before, (before, after)

    await session.send(SECRETARY_ID, AHEAD)  # a meeting still ahead: today's seats
    await deliver(session)
    ahead = max(int(m.id) for m in rows(session, Meeting))
    roster = (await session.send(SECRETARY_ID, f"/attendance {ahead}"))[0].plain
    assert "张三" in roster and "王五" not in roster, roster


def test_the_seat_before_a_change_logged_without_the_old_role_is_the_opposite() -> None:
    """Entries written before the old role was logged ("member 7 -> committee"): a change that changes
    nothing is not logged, so before a move onto the committee the member was off it, and the reverse."""
    from datetime import timedelta

    from storage.meeting_audience import seated_at
    from storage.models import Member, Role

    day = datetime(2026, 3, 26, 2, 0, tzinfo=UTC)
    member = Member(id=7, branch_id=1, tg_user_id=7, name="王五", role=Role.MEMBER)
    named_later = [(day + timedelta(days=3), 7, True, None)]
    assert not seated_at(member, day, named_later) and seated_at(member, day + timedelta(days=4), named_later)
    stepped_down = [(day + timedelta(days=3), 7, False, None)]
    assert seated_at(member, day, stepped_down)
    logged = [(day + timedelta(days=3), 7, True, True)]  # 书记 → 委员, both on the committee
    assert seated_at(member, day, logged)
    assert not seated_at(member, day, [])  # no change at all: the role today


async def test_the_seats_a_branch_names_make_a_committee_member(session: OfflineSession) -> None:
    """组织委员、宣传委员、纪检委员 — the words a branch uses — are each a 委员 (trial2 U13: got the usage line)."""
    from storage.models import Member, Role

    await join(session)
    sent = await session.send(SECRETARY_ID, "/setrole 王五 组织委员")
    assert any("支部委员" in m.plain for m in sent if m.chat_id == SECRETARY_ID), [m.plain for m in sent]
    assert next(m.role for m in rows(session, Member) if m.name == "王五") == Role.COMMITTEE
