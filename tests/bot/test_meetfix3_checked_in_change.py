"""Review R2.10: a member who checked in early, before the meeting's place or time changed, still hears the
change — once, saying what changed, that the check-in stands, and with no 参加 / 请假 buttons to answer."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG, ZHANG, deliver
from tests.bot.test_meetings_trial3 import _meeting
from tests.bot.test_trialfix_leave_checked_in import ZHAO, _code
from tests.factories import INVITE, SECRETARY_ID


async def test_a_place_change_reaches_a_member_who_checked_in_early(session: OfflineSession, clock: FakeClock
                                                                     ) -> None:
    mid = await _meeting(session)
    await session.send(ZHANG, f"/meeting {mid}")
    await session.press(ZHANG, 1)  # 参加
    code = await _code(session, clock, mid)  # 14:05 local, check-in open
    assert "签到成功" in (await session.send(WANG, f"/checkin {code}"))[0].plain
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")
    sent = await deliver(session)
    to_wang = [m for m in sent if m.chat_id == WANG]
    assert len(to_wang) == 1, [m.plain for m in to_wang]
    text = to_wang[0].plain
    assert "三楼会议室 → 五楼报告厅" in text and "14:05 签到" in text and "签到记录保留" in text
    assert [b.text for row in to_wang[0].buttons for b in row] == ["📅 日历"]  # nothing left to answer
    to_zhang = [m for m in sent if m.chat_id == ZHANG]  # who said 参加 hears it too, with the buttons
    assert len(to_zhang) == 1 and "三楼会议室 → 五楼报告厅" in to_zhang[0].plain and "签到" not in to_zhang[0].plain
    assert [m for m in await deliver(session) if m.chat_id in (WANG, ZHANG)] == []  # once


async def test_a_time_change_after_check_in_reaches_the_member_in_their_language(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    await session.send(WANG, "/lang en")
    code = await _code(session, clock, mid)
    assert "Checked in" in (await session.send(WANG, f"/checkin {code}"))[0].plain
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-25 14:45")
    to_wang = [m for m in await deliver(session) if m.chat_id == WANG]
    assert len(to_wang) == 1, [m.plain for m in to_wang]
    text = to_wang[0].plain
    assert "14:30" in text and "14:45" in text and "checked in at 14:05" in text and "stands" in text


async def test_a_member_who_checked_in_before_any_notice_hears_the_change(session: OfflineSession,
                                                                         clock: FakeClock) -> None:
    mid = await _meeting(session)
    code = await _code(session, clock, mid)
    session.api.add_user(ZHAO, "赵六")
    await session.send(ZHAO, f"/start {INVITE}")  # joins inside the check-in window and checks in at once
    assert "签到成功" in (await session.send(ZHAO, f"/checkin {code}"))[0].plain
    assert [m for m in await deliver(session) if m.chat_id == ZHAO and m.buttons] == []  # no notice asking
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")
    to_zhao = [m for m in await deliver(session) if m.chat_id == ZHAO]
    assert len(to_zhao) == 1 and "五楼报告厅" in to_zhao[0].plain and "14:05 签到" in to_zhao[0].plain, \
        [m.plain for m in to_zhao]
