"""The third user trial of meetings, end to end through the offline Bot API: the check-in screen keeps itself
current and closes itself (U6), /checkincode refuses an ended or cancelled meeting (V12), a bad edit says
what is wrong (V14), ``/newmeeting 党课`` opens the form with the kind chosen (V25) and a 党小组会 without any
party group says so instead of looping (V13), and a secretary is not sent notices of his own creation or
edits (V3 / V15), and an approved leave promises only the 补学 there will be (V18)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting, Member
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.study_helpers import join as study_join
from tests.bot.study_helpers import study_fixture  # noqa: F401  (the fixture)
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.bot.test_meetings_trial2 import _code
from tests.factories import INVITE, SECRETARY_ID

LINE = "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会"  # check-in 14:00–15:00 local


async def _meeting(session: OfflineSession) -> int:
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    await deliver(session)
    meeting_id = rows(session, Meeting)[0].id
    assert meeting_id is not None
    return int(meeting_id)


async def test_the_check_in_screen_refreshes_itself_and_closes_with_the_window(
    session: OfflineSession, clock: FakeClock
) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))  # 14:20:05 local, check-in open
    shown = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert "自动换成新的签到码" in shown.plain
    assert [m for m in await deliver(session) if m.kind == "edit"] == []  # the code has not rotated yet
    clock.advance(timedelta(minutes=1))
    edits = [m for m in await deliver(session) if m.kind == "edit"]
    assert len(edits) == 1 and edits[0].message_id == shown.message_id
    assert edits[0].file_bytes and edits[0].file_bytes != shown.file_bytes and "14:22:00 前有效" in edits[0].plain
    assert "签到成功" in (await session.send(WANG, f"/checkin {_code(edits[0].plain)}"))[0].plain

    clock.set(datetime(2026, 3, 25, 7, 0, 30, tzinfo=UTC))  # 15:00:30: check-in has closed
    closing = [m for m in await deliver(session) if m.kind == "edit"]
    assert len(closing) == 1 and closing[0].message_id == shown.message_id
    assert "签到已结束" in closing[0].plain and not re.search(r"\d{4}", closing[0].plain.split("\n")[0])
    assert closing[0].button_list() == []  # no 🔄 on a closed screen
    clock.advance(timedelta(minutes=5))
    assert [m for m in await deliver(session) if m.kind == "edit"] == []  # closed once, then quiet


async def test_a_new_screen_supersedes_the_old_and_a_deleted_one_stops_quietly(
    session: OfflineSession, clock: FakeClock
) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))
    old = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    new = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    clock.advance(timedelta(minutes=1))
    edits = [m for m in await deliver(session) if m.kind == "edit"]
    assert [m.message_id for m in edits] == [new.message_id]  # one live screen per chat: the newest

    await session.app.bot.delete_message(SECRETARY_ID, new.message_id)  # the host removes it from the screen
    clock.advance(timedelta(minutes=1))
    after = await deliver(session)
    assert [m for m in after if m.kind == "edit"] == [] and [m for m in after if m.chat_id == SECRETARY_ID] == []
    clock.advance(timedelta(minutes=1))
    assert [m for m in await deliver(session) if m.kind == "edit"] == []  # stopped, not retried
    assert old.message_id != new.message_id


async def test_the_refresh_button_makes_a_stopped_screen_live_again(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))
    first = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    second = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]  # the first stops being live
    await session.press(SECRETARY_ID, 1)  # 🔄 on the latest keyboard: the second
    assert second.message_id != first.message_id
    clock.advance(timedelta(minutes=1))
    edits = [m for m in await deliver(session) if m.kind == "edit"]
    assert [m.message_id for m in edits] == [second.message_id]


async def test_checkincode_says_a_meeting_is_cancelled_or_over(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-26 14:30 | 三楼 | 党课一")
    other = max(m.id for m in rows(session, Meeting))
    await session.send(SECRETARY_ID, f"/meeting {other} 取消")
    await session.press(SECRETARY_ID, 1)
    cancelled = (await session.send(SECRETARY_ID, f"/checkincode {other}"))[0]
    assert cancelled.kind == "message" and "已取消" in cancelled.plain

    clock.set(datetime(2026, 3, 25, 7, 10, tzinfo=UTC))  # 15:10: check-in closed, the meeting goes on
    closed = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert closed.kind == "message" and "签到时间已过" in closed.plain
    clock.set(datetime(2026, 3, 25, 9, 0, tzinfo=UTC))  # 17:00: over
    over = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert over.kind == "message" and "已经结束" in over.plain


async def test_a_past_time_or_a_zero_duration_is_named_in_the_reply(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    past = (await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-01 10:00"))[0].plain
    assert "已经过去" in past and "用法" not in past
    zero = (await session.send(SECRETARY_ID, f"/meeting {mid} 时长 0"))[0].plain
    assert "时长「0」" in zero and "用法" not in zero
    usage = (await session.send(SECRETARY_ID, f"/meeting {mid} 颜色 红"))[0].plain
    assert "材料" in usage  # the usage line names every field that can be edited


async def test_newmeeting_with_only_a_kind_opens_the_form_with_it(session: OfflineSession) -> None:
    await join(session)
    asked = (await session.send(SECRETARY_ID, "/newmeeting 党课"))[-1].plain
    assert asked.startswith("党课：请输入会议主题")
    await session.send(SECRETARY_ID, "党的二十大精神")
    await session.send(SECRETARY_ID, "2026-04-02 14:30")
    await session.send(SECRETARY_ID, "三楼")
    created = await session.press(SECRETARY_ID, 1)  # 仅此一次
    assert "✅ 会议已创建" in created[-1].plain
    meeting = rows(session, Meeting)[0]
    assert meeting.kind == "党课" and meeting.topic == "党的二十大精神"


async def test_a_party_group_meeting_without_any_group_offers_the_other_kinds(
    session: OfflineSession, clock: FakeClock
) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting")
    said = (await session.press(SECRETARY_ID, 3))[-1]  # 党小组会
    assert "还没有党小组" in said.plain and "/partygroup" in said.plain
    assert "党课" in [b.text for b in said.button_list()]  # he picks another kind at once
    picked = (await session.press(SECRETARY_ID, 4))[-1].plain
    assert picked.startswith("党课：请输入会议主题")
    await session.send(SECRETARY_ID, "/cancel")
    clock.advance(timedelta(minutes=1))
    typed = (await session.send(SECRETARY_ID, "/newmeeting 党小组会"))[-1]
    assert "还没有党小组" in typed.plain and len(typed.button_list()) == 6

    wang = next(m.id for m in rows(session, Member) if m.tg_user_id == WANG)
    await session.send(SECRETARY_ID, f"/partygroup 第一党小组 {wang}")
    clock.advance(timedelta(minutes=1))
    assert (await session.send(SECRETARY_ID, "/newmeeting 党小组会"))[-1].plain.startswith("党小组会：请输入")


@pytest.fixture
async def two_secretaries(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    """The branch with a second secretary: 王五 (WANG)."""
    settings = factories.settings(
        tmp_path,
        database={"url": db_url},
        study=QUIET_STUDY,
        branches=[
            {
                "key": "csfz",
                "name": "直属城市发展研究中心党支部",
                "invite_code": INVITE,
                "secretaries": [SECRETARY_ID, WANG],
            }
        ],
    )
    async with factories.offline_bot(settings, clock) as s:
        yield s


def _to(sent: list[SentMessage], chat: int, kind: str = "message") -> list[SentMessage]:
    return [m for m in sent if m.chat_id == chat and m.kind == kind]


async def test_a_secretary_is_not_sent_notices_of_his_own_creation_or_edits(
    two_secretaries: OfflineSession, clock: FakeClock
) -> None:
    s = two_secretaries
    await join(s)
    created = (await s.send(SECRETARY_ID, LINE))[-1]
    # his confirmation carries what the notice would: 参加 / 请假 (he is an attendee)
    assert [b.text for b in created.button_list()][:2] == ["✅ 参加", "📝 请假"]
    first = await deliver(s)
    assert _to(first, SECRETARY_ID) == []  # no notice of his own creation
    assert any("会议通知" in m.plain for m in _to(first, ZHANG))
    assert any("会议通知" in m.plain for m in _to(first, WANG))  # the other secretary still hears of it
    mid = rows(s, Meeting)[0].id

    await s.send(SECRETARY_ID, f"/meeting {mid} 地点 二楼会议室")
    own_edit = await deliver(s)
    assert _to(own_edit, SECRETARY_ID) == []  # his own edit is no news to him
    assert any("二楼会议室" in m.plain for m in _to(own_edit, ZHANG))
    assert any("二楼会议室" in m.plain for m in _to(own_edit, WANG))

    clock.advance(timedelta(minutes=1))
    await s.send(WANG, f"/meeting {mid} 主题 动员部署会（调整）")
    other_edit = await deliver(s)
    assert any("动员部署会（调整）" in m.plain for m in _to(other_edit, SECRETARY_ID))  # another's edit is news
    assert _to(other_edit, WANG) == []

    clock.set(datetime(2026, 3, 24, 6, 31, tzinfo=UTC))  # a day before: he is reminded like everyone
    reminded = await deliver(s)
    assert any("会议提醒" in m.plain for m in _to(reminded, SECRETARY_ID))


async def _approved_leave(s: OfflineSession, line: str) -> str:
    """王五 asks leave from the meeting ``line`` creates; the secretary approves; what 王五 is told."""
    await s.send(SECRETARY_ID, line)
    notice = [m for m in await deliver(s) if m.chat_id == WANG and "会议通知" in m.plain]
    assert notice
    await s.press(WANG, 2)  # 请假
    await s.send(WANG, "去外地出差")
    await deliver(s, produce=False)  # the request reaches the secretary
    await s.press(SECRETARY_ID, 1)  # 批准
    told = [m.plain for m in await deliver(s, produce=False) if m.chat_id == WANG]
    assert len(told) == 1 and "已获批准" in told[0]
    return told[0]


async def test_an_approved_leave_promises_only_the_makeup_there_will_be(session: OfflineSession) -> None:
    await join(session)
    told = await _approved_leave(session, LINE)  # no materials named
    assert "学习材料" not in told.replace("没有指定学习材料", "") and "由书记为您登记补学" in told


async def test_an_approved_leave_names_the_materials_and_their_quiz(study: OfflineSession, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await study_join(study, ZHANG, WANG)
    told = await _approved_leave(study, LINE + " | 材料 五重五轻")
    assert "学习材料和一个小测验" in told


async def test_meetings_lists_upcoming_soonest_first_then_recent_latest_first(
    session: OfflineSession, clock: FakeClock
) -> None:
    await join(session)
    for day, topic in (("03-22", "第一次"), ("03-24", "第二次"), ("04-10", "四月"), ("03-30", "月底")):
        clock.advance(timedelta(minutes=1))
        await session.send(SECRETARY_ID, f"/newmeeting 党课 | 2026-{day} 14:30 | 三楼 | {topic}")
    ids = {m.topic: m.id for m in rows(session, Meeting)}
    await session.send(SECRETARY_ID, f"/meeting {ids['四月']} 取消")  # called off today, for next month
    await session.press(SECRETARY_ID, 1)
    clock.set(datetime(2026, 3, 25, 2, 0, tzinfo=UTC))  # two held since

    listed = (await session.send(ZHANG, "/meetings"))[-1].plain
    upcoming, _, recent = listed.partition("最近的会议")
    assert re.findall(r"#(\d+)", upcoming) == [str(ids["月底"])]
    assert re.findall(r"#(\d+)", recent) == [str(ids["第二次"]), str(ids["第一次"]), str(ids["四月"])]
    assert f"#{ids['四月']} " in recent and "（已取消）" in recent.split(f"#{ids['四月']} ")[1].split("\n")[0]


async def test_a_late_member_is_listed_once_and_a_meeting_in_progress_is_not_yet_held(
    session: OfflineSession, clock: FakeClock
) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))  # 14:20
    code = _code((await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    on_time = (await session.send(WANG, f"/checkin {code}"))[0].plain
    assert on_time.startswith("✅ 签到成功：动员部署会") and "迟到" not in on_time
    clock.set(datetime(2026, 3, 25, 6, 35, 5, tzinfo=UTC))  # 14:35: begun
    code = _code((await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    late = (await session.send(ZHANG, f"/checkin {code}"))[0].plain
    assert late.startswith("✅ 签到成功：动员部署会") and "记为迟到" in late

    roster = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    attendance = roster.split("请假：")[0]  # who came (the RSVP comparison below names people again)
    assert attendance.count("张三") == 1 and "出席：张三（迟到）、王五" in attendance and "迟到：" not in roster
    overview = (await session.send(SECRETARY_ID, "/attendance"))[0].plain
    assert "进行中，目前实到 2 / 应到 3" in overview
    assert "本期没有召开会议" in (await session.send(SECRETARY_ID, "/stats"))[0].plain  # not held yet

    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # 16:30: over
    overview = (await session.send(SECRETARY_ID, "/attendance"))[0].plain
    assert "实到 2 / 应到 3" in overview and "进行中" not in overview
    assert "召开 1 次" in (await session.send(SECRETARY_ID, "/stats"))[0].plain


async def test_zh_usage_lines_use_chinese_keywords(session: OfflineSession) -> None:
    await join(session)
    usage = (await session.send(SECRETARY_ID, "/stats 本月 多余 再多"))[0].plain
    assert "本周|本月" in usage and not re.search(r"\b(week|month|all)\b", usage)
