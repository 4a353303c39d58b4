"""What a user trial of meetings found, end to end through the offline Bot API: the 请假 toast says where to
answer, a cancellation is asked before it is sent and a cancelled meeting's card offers no answers,
``/attendance`` takes a member's name, and the secretary's ``/stats`` counts study in the members' unit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Attendance, Meeting, MeetingStatus, Member
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.bot.test_meetings_changes import GROUP, with_group
from tests.factories import SECRETARY_ID


@pytest.fixture
async def grouped(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with with_group(tmp_path, clock, db_url) as s:
        yield s


def _last_toast(s: OfflineSession) -> str:
    return str(list(s.api.callback_answers.values())[-1].get("text", ""))


async def _meeting(s: OfflineSession, clock: FakeClock) -> int:
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    await deliver(s)
    clock.advance(timedelta(seconds=20))
    return int(rows(s, Meeting)[0].id)


async def test_the_leave_toast_says_where_to_give_the_reason(grouped: OfflineSession, clock: FakeClock) -> None:
    s = grouped
    await _meeting(s, clock)
    asked = await s.press(ZHANG, 2)  # 请假 under his own notice, in the private chat: the question is below
    assert [m.chat_id for m in asked] == [ZHANG] and "请回复请假原因" in asked[0].plain
    assert _last_toast(s) == "请直接回复请假原因"
    await s.send(ZHANG, "/cancel")
    asked = await s.press(WANG, 2, chat_id=GROUP)  # under the group's notice: the question went to private
    assert [m.chat_id for m in asked] == [WANG]
    assert _last_toast(s) == "请在私聊中说明请假原因"


async def test_a_cancellation_is_confirmed_first_and_the_cancelled_card_offers_no_answers(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    asked = await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    assert "确定取消会议 #1「动员部署会」（2026年3月25日（周三）14:30）吗" in asked[-1].plain
    assert [b.text for b in asked[-1].button_list()] == ["确定取消", "保留"]
    kept = await session.press(SECRETARY_ID, 2)  # 保留
    assert "会议保留" in kept[-1].plain and _last_toast(session) == "None"  # said on the card, not twice (T19)
    assert rows(session, Meeting)[0].status == MeetingStatus.SCHEDULED
    assert await deliver(session) == []  # nobody hears of a cancellation that did not happen

    clock.advance(timedelta(seconds=20))
    await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    done = await session.press(SECRETARY_ID, 1)  # 确定取消: the question becomes the outcome, pressed once
    assert "已取消会议 #1「动员部署会」" in done[-1].plain and done[-1].button_list() == []
    assert rows(session, Meeting)[0].status == MeetingStatus.CANCELLED
    told = [m for m in await deliver(session) if "会议取消" in m.plain]
    assert {m.chat_id for m in told} == {ZHANG, WANG}  # the secretary had his confirmation (trial U25)
    again = await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    assert "已取消" in again[-1].plain and again[-1].button_list() == []  # not asked twice

    card = await session.send(ZHANG, f"/meeting {mid}")
    assert "❌ 已取消" in card[-1].plain and card[-1].button_list() == []
    assert "按钮" not in card[-1].plain and "回复" not in card[-1].plain  # nothing to press, nothing to answer


async def test_attendance_is_recorded_by_name_and_a_name_that_is_not_one_is_answered(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    marked = await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假 出差")
    assert "已登记：王五" in marked[0].plain and "请假" in marked[0].plain
    wang = next(m.id for m in rows(session, Member) if m.tg_user_id == WANG)
    assert [(a.member_id, a.status, a.note) for a in rows(session, Attendance)] == [(wang, "excused", "出差")]
    unknown = await session.send(SECRETARY_ID, f"/attendance {mid} 赵六 缺席")
    assert "没有叫「赵六」" in unknown[0].plain
    # two members named alike: the name is refused with their numbers
    session.api.add_user(10003, "王五")
    await session.send(10003, "/start dangzhibu2026")
    clock.advance(timedelta(seconds=20))
    shared = await session.send(SECRETARY_ID, f"/attendance {mid} 王五 出席")
    assert "都叫“王五”" in shared[0].plain and f"#{wang}" in shared[0].plain
    zhang = next(m.id for m in rows(session, Member) if m.tg_user_id == ZHANG)
    by_number = await session.send(SECRETARY_ID, f"/attendance {mid} {zhang} 迟到")
    assert "已登记：张三" in by_number[0].plain
    assert len(rows(session, Attendance)) == 2


async def test_the_secretarys_stats_count_study_in_the_unit_members_see(session: OfflineSession) -> None:
    await join(session)
    own = (await session.send(ZHANG, "/me"))[0].plain
    seen = (await session.send(SECRETARY_ID, "/stats 张三"))[0].plain
    branch = (await session.send(SECRETARY_ID, "/stats"))[0].plain
    assert "段" in own and "已读 0/0 段" in seen and "本期没有推送学习内容" in branch  # not "已读 0/0 段（—）"
    assert "篇" not in seen + branch


async def test_ending_a_monthly_meeting_is_confirmed_first(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-03-28 14:30 | 纪念馆一楼 | 参观党史纪念馆 | 每月")
    planned = rows(session, Meeting)
    assert len(planned) == 2  # March's and April's, created ahead
    await deliver(session)
    clock.advance(timedelta(seconds=20))
    card = await session.send(SECRETARY_ID, f"/meeting {planned[0].id}")
    assert [b.text for b in card[-1].button_list()][-1] == "⏹ 停止每月重复"
    asked = await session.press(SECRETARY_ID, 5)
    assert "确定停止每月 28 日的「参观党史纪念馆」吗？之后已排出的 2 次会议会取消" in asked[-1].plain
    assert {m.status for m in rows(session, Meeting)} == {MeetingStatus.SCHEDULED}  # only asked
    kept = await session.press(SECRETARY_ID, 2)
    assert "会议保留" in kept[-1].plain and {m.status for m in rows(session, Meeting)} == {MeetingStatus.SCHEDULED}
    clock.advance(timedelta(seconds=20))
    await session.send(SECRETARY_ID, f"/meeting {planned[0].id}")
    await session.press(SECRETARY_ID, 5)
    ended = await session.press(SECRETARY_ID, 1)
    assert "已停止每月重复，之后已排出的 2 次会议已取消" in ended[-1].plain
    assert {m.status for m in rows(session, Meeting)} == {MeetingStatus.CANCELLED}
    told = [m for m in await deliver(session) if "会议取消" in m.plain]
    # March's, to each but who ended it; April's was not announced yet (G6: a series' next occurrence only)
    assert sorted(m.chat_id for m in told) == [ZHANG, WANG] and all("3月28日" in m.plain for m in told)
