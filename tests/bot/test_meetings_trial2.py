"""The second user trial of meetings, end to end through the offline Bot API: the check-in code refreshes in
place, a meeting's 材料 must name a known material, a 补学 with nothing to read is worded as such, a 党小组会
needs a group that exists, and a secretary's own cancellation is not sent back to him as news."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Makeup, Meeting, Member, StudyUnit
from tests.bot.study_helpers import db_of, study_fixture  # noqa: F401  (the fixture)
from tests.bot.study_helpers import join as study_join
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID


def _code(text: str) -> str:
    found = re.search(r"签到码 (\d{4})", text)
    assert found is not None, text
    return found.group(1)


async def test_the_check_in_code_refreshes_in_the_same_message(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(session, Meeting)[0].id
    await deliver(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 50, tzinfo=UTC))  # 14:20:50 local: this code lives ten seconds
    shown = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert [b.text for b in shown.button_list()] == ["🔄 刷新签到码"] and "点下方 🔄 刷新" in shown.plain
    first = _code(shown.plain)
    clock.advance(timedelta(minutes=3))  # the screen would be stale by now
    assert "已过期" in (await session.send(WANG, f"/checkin {first}"))[0].plain
    refreshed = await session.press(SECRETARY_ID, 1)
    assert len(refreshed) == 1 and refreshed[0].kind == "edit" and refreshed[0].message_id == shown.message_id
    assert refreshed[0].file_bytes and refreshed[0].file_bytes.startswith(b"\x89PNG")
    assert refreshed[0].file_bytes != shown.file_bytes and "14:24:00 前有效" in refreshed[0].plain
    assert [b.text for b in refreshed[0].button_list()] == ["🔄 刷新签到码"]  # refreshable again
    assert "签到成功" in (await session.send(WANG, f"/checkin {_code(refreshed[0].plain)}"))[0].plain


async def test_a_meetings_material_must_name_a_known_material(study: OfflineSession, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await study_join(study, ZHANG, WANG)
    with db_of(study).session() as s:
        titles = list(dict.fromkeys(u.title for u in s.exec(select(StudyUnit).order_by(col(StudyUnit.position)))))
    full = next(t for t in titles if "五重五轻" in t)
    assert full != "五重五轻" and sum("五重五轻" in t for t in titles) == 1
    head = "/newmeeting 党课 | 2026-04-10 15:00 | 三楼会议室 | 政绩观专题党课 | 材料 "

    refused = (await study.send(SECRETARY_ID, head + "没有这份材料"))[-1].plain
    assert "没有找到学习材料「没有这份材料」" in refused and full in refused  # the list to choose from
    assert rows(study, Meeting) == []  # nothing saved

    created = (await study.send(SECRETARY_ID, head + "五重五轻"))[-1].plain  # a unique part of the title
    assert "✅ 会议已创建" in created and rows(study, Meeting)[0].materials == [full]

    plain = (await study.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-12 15:00 | 三楼 | 没写材料"))[-1].plain
    mid = rows(study, Meeting)[-1].id
    assert f"/meeting {mid} 材料" in plain  # says how to add them later
    later = (await study.send(SECRETARY_ID, f"/meeting {mid} 材料 五重五轻"))[-1].plain
    assert "命令格式不对" not in later and rows(study, Meeting)[-1].materials == [full]
    wrong = (await study.send(SECRETARY_ID, f"/meeting {mid} 材料 不存在的"))[-1].plain
    assert "没有找到学习材料「不存在的」" in wrong and rows(study, Meeting)[-1].materials == [full]
    # (a readable time: an unreadable one is named first, trial T5)
    hint = (await study.send(SECRETARY_ID, "/newmeeting 党课 | 2026-04-10 15:00"))[-1].plain
    assert "材料" in hint  # the format hint names it


async def test_a_party_group_meeting_needs_a_group_that_exists(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    line = "/newmeeting 党小组会 | 2026-04-03 15:00 | 二楼 | 小组学习 | 小组 第一党小组"
    refused = await session.send(SECRETARY_ID, line)
    assert "没有名为「第一党小组」的党小组" in refused[-1].plain and "/partygroup" in refused[-1].plain
    assert rows(session, Meeting) == []
    wang = next(m.id for m in rows(session, Member) if m.tg_user_id == WANG)
    await session.send(SECRETARY_ID, f"/partygroup 第二党小组 {wang}")
    named = await session.send(SECRETARY_ID, line)
    assert "现有党小组：第二党小组" in named[-1].plain and rows(session, Meeting) == []

    clock.advance(timedelta(minutes=1))  # the flood guard counts a secretary's messages too
    await session.send(SECRETARY_ID, "/newmeeting")  # the guided form lists the groups and checks the answer
    await session.press(SECRETARY_ID, 3)  # 党小组会
    for answer in ("小组学习", "2026-04-03 15:00"):
        await session.send(SECRETARY_ID, answer)
    asked = (await session.send(SECRETARY_ID, "二楼"))[-1].plain
    assert "现有党小组：第二党小组" in asked
    clock.advance(timedelta(minutes=1))
    again = (await session.send(SECRETARY_ID, "第一党小组"))[-1].plain
    assert "没有名为「第一党小组」的党小组" in again
    repeat = await session.send(SECRETARY_ID, "第二党小组")
    assert "每月" in repeat[-1].plain
    created = await session.press(SECRETARY_ID, 1)
    assert "✅ 会议已创建" in created[-1].plain and rows(session, Meeting)[0].audience_group == "第二党小组"
    # the secretary is not in 第二党小组: his card offers no 参加 / 请假 that would only answer "not for you"
    assert [b.text for b in created[-1].button_list()] == ["📅 日历", "❌ 取消会议"]
    card = (await session.send(SECRETARY_ID, f"/meeting {rows(session, Meeting)[0].id}"))[-1]
    assert [b.text for b in card.button_list()] == ["📅 日历", "❌ 取消会议"] and "请点击下方按钮回复" not in card.plain


async def test_a_makeup_with_nothing_to_read_is_not_completed_by_one_tap(session: OfflineSession,
                                                                         clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(session, Meeting)[0].id
    await deliver(session)
    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # over; nobody checked in
    told = [m for m in await deliver(session) if m.chat_id == WANG and "补学" in m.plain]
    assert len(told) == 1 and told[0].button_list() == []
    text = told[0].plain
    assert "请学习会议材料" not in text and "其余段落" not in text and "这些材料" not in text
    assert "没有可供阅读的学习材料" in text and "书记" in text
    # a 补学 button left from before this change: it no longer completes what nobody read
    await session.feed(session.api.callback_update(WANG, told[0].message_id, f"v1:mt:m:{mid}"))
    assert "没有可阅读的学习材料" in str(list(session.api.callback_answers.values())[-1].get("text", ""))
    assert all(m.completed_at is None for m in rows(session, Makeup))
    marked = await session.send(SECRETARY_ID, f"/attendance {mid} 王五 补学")
    assert "已完成「动员部署会」的补学" in marked[-1].plain
    assert [m.completed_at is not None for m in rows(session, Makeup) if m.member_id == _id(session, WANG)] == [True]
    again = await session.send(SECRETARY_ID, f"/attendance {mid} 王五 补学")  # recorded once, said again
    assert "已完成" in again[-1].plain


def _id(session: OfflineSession, tg: int) -> int:
    return next(int(m.id) for m in rows(session, Member) if m.tg_user_id == tg)


async def test_the_roster_during_check_in_before_the_start_says_so_far(session: OfflineSession,
                                                                       clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(session, Meeting)[0].id
    await deliver(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))  # 14:20 local: check-in open, not yet begun
    code = _code((await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    assert "签到成功" in (await session.send(WANG, f"/checkin {code}"))[0].plain
    roster = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "实到 1 人" in roster and "截至目前（签到尚未结束）" in roster
    assert "签到开放后才有实到" not in roster and "会议尚未开始" not in roster
