"""The fourth round of meeting fixes, from the third user trial, end to end through the offline Bot API:
参加 drops a pending 请假 reason prompt (W1), the ledger settles an undecided 请假 (W2), a member recorded
present owes no 补学 (W3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from bot.fakeapi.session import OfflineSession
from bot.texts import book_title
from scheduler.clock import FakeClock
from storage.models import Meeting, MeetingStatus, Member, Question, QuestionStatus, QuizSession, Rsvp, StudyUnit
from tests.bot.study_helpers import db_of, study_fixture, tick  # noqa: F401  (the fixture)
from tests.bot.study_helpers import join as study_join
from tests.bot.test_meetings import GROUP, WANG, ZHANG, deliver, group_session, join, rows  # noqa: F401  (fixture)
from tests.bot.test_meetings_trial3 import LINE, _meeting
from tests.factories import SECRETARY_ID


def _answer(session: OfflineSession) -> tuple[str, str | None]:
    (row,) = rows(session, Rsvp)
    return row.response, row.leave_status


async def test_attend_after_leave_drops_the_reason_prompt_in_private(session: OfflineSession) -> None:
    mid = await _meeting(session)
    await session.send(WANG, f"/meeting {mid}")
    assert "请假原因" in (await session.press(WANG, 2))[-1].plain  # 请假: the reason is asked
    await session.press(WANG, 1)  # 参加 after all
    said = await session.send(WANG, "明天见")
    assert not any("请假申请" in m.plain for m in said)
    assert _answer(session) == ("attend", None)


async def test_attend_under_the_group_notice_drops_the_reason_prompt(group_session: OfflineSession) -> None:  # noqa: F811
    s = group_session
    await _meeting(s)
    assert [m.chat_id for m in await s.press(WANG, 2, chat_id=GROUP)] == [WANG]  # 请假: asked in private
    await s.press(WANG, 1, chat_id=GROUP)  # 参加 under the group's notice
    said = await s.send(WANG, "好的收到")
    assert not any("请假申请" in m.plain for m in said)
    assert _answer(s) == ("attend", None)


async def _asked_leave(session: OfflineSession) -> tuple[int, dict[str, Any]]:
    """王五 asks for leave from the meeting and the secretary gets the request, undecided; returns the meeting
    id and a tap on the request's 批准, to feed later."""
    mid = await _meeting(session)
    await session.send(WANG, f"/meeting {mid}")
    await session.press(WANG, 2)
    await session.send(WANG, "出差在外地调研")
    assert [m for m in await deliver(session, produce=False) if m.chat_id == SECRETARY_ID]
    buttons = session.api.last_keyboard(SECRETARY_ID)
    assert buttons is not None and buttons.buttons()[0].callback_data is not None
    assert _answer(session) == ("leave", "pending")
    return mid, session.api.callback_update(SECRETARY_ID, buttons.message_id, buttons.buttons()[0].callback_data, None)


async def _toast(session: OfflineSession, tap: dict[str, Any]) -> str:
    await session.feed(tap)
    return str(session.api.callback_answers[tap["callback_query"]["id"]].get("text"))


async def test_recording_leave_in_the_ledger_approves_the_request(session: OfflineSession) -> None:
    mid, approve = await _asked_leave(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 请假")
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "请假：1 人" in shown and "待审批" not in shown
    assert _answer(session) == ("leave", "approved")
    assert "已经处理过" in await _toast(session, approve)  # the request's 批准, tapped late: settled already


async def test_recording_present_withdraws_the_request(session: OfflineSession) -> None:
    mid, approve = await _asked_leave(session)
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 出席")
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "待审批" not in shown and "王五" in shown.split("出席：")[1].split("\n")[0]
    assert _answer(session) == ("attend", None)
    assert "王五 已签到出席" in await _toast(session, approve)  # trial T2: the secretary hears why


async def test_an_undecided_request_is_said_so_once_the_meeting_is_over(
    session: OfflineSession, clock: FakeClock
) -> None:
    mid, _ = await _asked_leave(session)
    clock.set(datetime(2026, 3, 25, 9, 0, tzinfo=UTC))  # 17:00 local: over
    final = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "最终结果" in final and "请假待审批" not in final and "未经审批" in final and "王五" in final


async def test_a_member_recorded_present_after_the_meeting_owes_no_makeup(
    session: OfflineSession, clock: FakeClock
) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 9, 0, tzinfo=UTC))  # over, nobody checked in: 补学 assigned to all
    await deliver(session)
    assert "补学未完成" in (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    await session.send(SECRETARY_ID, f"/attendance {mid} 王五 出席")
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    owes = shown.split("补学未完成：")[1].split("\n")[0]
    assert "王五" not in owes and "张三" in owes
    stats = (await session.send(SECRETARY_ID, "/stats 2026-03"))[0].plain
    assert "补学待完成 2 人次" in stats, stats


async def test_a_check_in_withdraws_the_request(session: OfflineSession, clock: FakeClock) -> None:
    mid, approve = await _asked_leave(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))  # 14:20:05 local, check-in open
    code = re.search(r"签到码 (\d{4})", (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    assert code is not None
    assert "签到成功" in (await session.send(WANG, f"/checkin {code.group(1)}"))[0].plain
    assert "待审批" not in (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "王五 已签到出席" in await _toast(session, approve)  # trial T2: the secretary hears why


async def test_a_secretary_who_hosted_is_given_the_command_not_told_to_ask_the_secretary(
    session: OfflineSession, clock: FakeClock
) -> None:
    await join(session)
    (secretary,) = [m for m in rows(session, Member) if m.tg_user_id == SECRETARY_ID]
    await session.send(SECRETARY_ID, f"{LINE} | 主持 {secretary.name}")
    mid = rows(session, Meeting)[0].id
    await deliver(session)
    clock.set(datetime(2026, 3, 25, 9, 0, tzinfo=UTC))  # over: nobody checked in, the host neither
    who = secretary.id if " " in secretary.name else secretary.name  # "李 书记": a name with a space goes by number
    makeup = {m.chat_id: m.plain for m in await deliver(session) if "补学" in m.plain}
    told = makeup[SECRETARY_ID]
    assert "由您主持" in told and f"/attendance {mid} {who} 出席" in told
    assert f"/attendance {mid} {who} 补学" in told and "请书记" not in told and "由书记" not in told
    assert "请向书记" in makeup[WANG] and "/attendance" not in makeup[WANG]  # a member is still told to ask
    assert "已登记" in (await session.send(SECRETARY_ID, f"/attendance {mid} {who} 出席"))[0].plain
    owes = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain.split("补学未完成：")[1].split("\n")[0]
    assert secretary.name not in owes


async def test_cancelling_a_monthly_occurrence_brings_the_next_real_one(
    session: OfflineSession, clock: FakeClock
) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-03-28 14:30 | 纪念馆一楼 | 参观党史纪念馆 | 每月")
    await deliver(session)
    clock.set(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # March's is over; April's is the next, May's not yet made
    await deliver(session)
    april = max(rows(session, Meeting), key=lambda m: m.starts_at)
    assert april.starts_at.month == 4
    await session.send(SECRETARY_ID, f"/meeting {april.id} 取消")
    assert "已取消" in (await session.press(SECRETARY_ID, 1))[-1].plain
    sent = await deliver(session)
    held = [m for m in rows(session, Meeting) if m.status == MeetingStatus.SCHEDULED and m.starts_at.month == 5]
    assert len(held) == 1  # May's exists at once, though it is beyond the usual horizon
    assert any("会议通知" in m.plain and "5月28日" in m.plain for m in sent if m.chat_id == ZHANG), [
        m.plain for m in sent
    ]
    assert "5月28日" in (await session.send(ZHANG, "/meetings"))[0].plain


async def test_makeup_names_the_materials_it_sends_and_quizzes_only_on_them(
    study: OfflineSession, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await study_join(study, ZHANG, WANG)
    with db_of(study).session() as s:  # three materials in reading order, the first with published questions
        quizzed = {q.doc_key for q in s.exec(select(Question).where(Question.status == QuestionStatus.PUBLISHED))}
        doc_of: dict[str, str] = {}
        for unit in sorted(s.exec(select(StudyUnit)).all(), key=lambda u: u.position):
            if doc_of or unit.doc_key in quizzed:
                doc_of.setdefault(unit.title, unit.doc_key)
    three = list(doc_of)[:3]
    assert len(three) == 3
    line = "/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 专题党课 | " + " | ".join(f"材料 {t}" for t in three)
    await study.send(SECRETARY_ID, line)
    await tick(study)
    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # over, nobody checked in
    (told,) = [m.plain for m in await tick(study) if m.chat_id == WANG and "补学" in m.plain]
    listed = [t for t in three if f"· 《{book_title(t, 'zh')}》" in told]
    left = [t for t in three if t not in listed]
    assert listed and left, told  # the 补学 sends a part: the rest is named as left out, not listed as sent
    assert "其他材料" in told and all(f"《{book_title(t, 'zh')}》" in told.split("其他材料")[1] for t in left)
    await study.press(WANG, 1)  # 已学完，开始测验
    with db_of(study).session() as s:
        quiz = s.exec(select(QuizSession).where(QuizSession.kind == "makeup")).one()
        asked = {q.doc_key for q in s.exec(select(Question).where(col(Question.id).in_(quiz.question_ids))).all()}
    assert asked and asked <= {doc_of[t] for t in listed}  # nothing on a material never offered
