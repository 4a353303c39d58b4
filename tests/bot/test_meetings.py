"""Meetings end to end through the offline Bot API with the driven clock: a secretary and two members.

``deliver`` runs one tick of the application (``bot.ticker``): the meeting producers queue what is due and
the sender renders each row with the meetings feature's renderers and sends it — what members see.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlmodel import select

from bot import ticker
from bot.app import build_application
from bot.context import SERVICES_KEY, Services
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from scheduler.tick import run_tick
from storage.attendance import STALE_PERIODS, code_at
from storage.models import Attendance, Delivery, DeliveryState, Makeup, Meeting, Member, Rsvp
from tests import factories
from tests.bot import study_helpers
from tests.factories import INVITE, SECRETARY_ID

ZHANG, WANG = 10001, 10002


async def join(s: OfflineSession) -> None:
    """The secretary, 张三 and 王五 join; the bank stays unpublished."""
    await study_helpers.join(s, ZHANG, WANG, publish=False)


def svc_of(s: OfflineSession) -> Services:
    return s.app.bot_data[SERVICES_KEY]


async def deliver(s: OfflineSession, *, produce: bool = True) -> list[SentMessage]:
    """One tick of the driven clock: produce what is due, then send it (``produce=False``: only send what
    is queued already) — what members see."""
    svc = svc_of(s)

    async def work() -> None:
        if produce:
            await ticker.tick(s.app)
        else:
            await run_tick(bot=s.app.bot, db=svc.db, clock=svc.clock, limiter=svc.limiter, worker=ticker.WORKER,
                           producers=(), kinds=svc.kinds)

    return await s.run(work)


def rows(s: OfflineSession, model: type) -> list:  # type: ignore[type-arg]
    def read(*, session: object) -> list:  # type: ignore[type-arg]
        return list(session.exec(select(model)).all())  # type: ignore[attr-defined]
    return svc_of(s).db.call(read)


async def test_a_recurring_theme_day_created_in_chat_reaches_members_with_rsvp_and_leave(
        session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    ask = await session.send(SECRETARY_ID, "/newmeeting")
    assert [b.text for b in ask[-1].button_list()][4] == "主题党日"
    await session.press(SECRETARY_ID, 5)
    await session.send(SECRETARY_ID, "参观党史纪念馆")
    await session.send(SECRETARY_ID, "2026-04-15 14:30")
    repeat = await session.send(SECRETARY_ID, "纪念馆一楼")
    assert "每月" in repeat[-1].plain
    created = await session.press(SECRETARY_ID, 2)
    assert "每月 15 日的例会已创建" in created[-1].plain and "2026年4月15日（周三）14:30" in created[-1].plain
    meetings = rows(session, Meeting)
    assert len(meetings) == 1 and meetings[0].series_id is not None
    mid = meetings[0].id

    sent = await deliver(session)
    notices = {m.chat_id: m for m in sent}
    assert set(notices) == {ZHANG, WANG}  # the secretary who created it read it in his confirmation (V3)
    assert "会议通知" in notices[ZHANG].plain and "参观党史纪念馆" in notices[ZHANG].plain
    assert [b.text for b in notices[ZHANG].button_list()] == ["✅ 参加", "📝 请假", "📅 日历"]
    assert await deliver(session) == []  # nothing twice

    await session.press(ZHANG, 1)  # 参加
    assert session.api.last_keyboard(ZHANG).buttons()[0].text == "✔️ 已回复参加"  # type: ignore[union-attr]
    ask_reason = await session.press(WANG, 2)  # 请假
    assert any(m.chat_id == WANG and "请假原因" in m.plain for m in ask_reason)
    sent_back = await session.send(WANG, "去外地出差")
    assert [m.chat_id for m in sent_back] == [WANG]  # the request waits in the outbox for the sender
    request = [m for m in await deliver(session, produce=False) if m.chat_id == SECRETARY_ID]
    assert len(request) == 1 and "王五" in request[0].plain and "去外地出差" in request[0].plain
    buttons = session.api.last_keyboard(SECRETARY_ID)
    assert buttons is not None
    approve = session.api.callback_update(SECRETARY_ID, buttons.message_id, buttons.buttons()[0].callback_data, None)
    decided = await session.press(SECRETARY_ID, 1)  # 批准
    assert not [m for m in decided if m.chat_id == WANG]  # the decision, too, goes through the outbox
    assert [b.text for b in session.api.last_keyboard(SECRETARY_ID).buttons()] == ["↩️ 改为不批准"]  # type: ignore[union-attr]
    told = [m for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 1 and "已获批准" in told[0].plain
    answers = {(r.member_id, r.response, r.reason, r.leave_status) for r in rows(session, Rsvp)}
    assert {(a[1], a[2], a[3]) for a in answers} == {("attend", None, None), ("leave", "去外地出差", "approved")}
    await session.feed(approve)  # a double tap on 批准: already decided, nothing new for 王五
    assert not [m for m in await deliver(session, produce=False) if m.chat_id == WANG]
    # a second quick tap lands on the button now under the request: it asks, it does not flip the decision
    await session.press(SECRETARY_ID, 1)
    assert [b.text for b in session.api.last_keyboard(SECRETARY_ID).buttons()] == [  # type: ignore[union-attr]
        "保留原决定", "确定改为不批准"]
    await session.press(SECRETARY_ID, 1)  # and a third lands on 保留原决定
    assert [b.text for b in session.api.last_keyboard(SECRETARY_ID).buttons()] == ["↩️ 改为不批准"]  # type: ignore[union-attr]
    assert not [m for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert {r.leave_status for r in rows(session, Rsvp) if r.response == "leave"} == {"approved"}
    # the secretary changes the decision twice before the sender runs: only the one that holds is sent
    # (on the request card itself: a 不批准 also puts an optional reason prompt below it, trial T24)
    for _ in range(3):  # 改为不批准, 改为批准, 改为不批准 — each asked, then confirmed
        clock.advance(timedelta(seconds=20))  # at a person's pace, not a flood
        await session.press(SECRETARY_ID, 1, message_id=buttons.message_id)
        await session.press(SECRETARY_ID, 2, message_id=buttons.message_id)
    told = [m for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 1 and "未获批准" in told[0].plain
    decisions = [d for d in rows(session, Delivery) if d.kind == "mtg.leave"]
    assert sorted(d.state for d in decisions) == ["expired", "expired", "sent", "sent"]
    assert len({d.dedup_key for d in decisions}) == 4

    # 王五 will come after all: pressing 参加 under his card rewrites its 请假 line (the trial saw both at once)
    assert "您的请假未获批准" in (await session.send(WANG, f"/meeting {mid}"))[0].plain
    edited = [m for m in await session.press(WANG, 1) if m.chat_id == WANG]
    assert edited and "您已回复：参加" in edited[-1].plain and "请假" not in edited[-1].plain.split("\n")[-1]
    assert all("您的请假未获批准" not in m.plain for m in edited)

    # 张三 changes his mind before the start, then the answers close
    await session.press(ZHANG, 1)
    card = await session.send(ZHANG, f"/meeting {mid}")
    assert "您已回复：参加" in card[0].plain
    ics = await session.press(ZHANG, 3)
    assert ics[-1].kind == "document" and ics[-1].file_bytes is not None
    assert b"TZID=Asia/Shanghai" in ics[-1].file_bytes and b"DTSTART;TZID=Asia/Shanghai:20260415T143000" in \
        ics[-1].file_bytes

    # the series brings next month's occurrence in time for its notice
    clock.set(datetime(2026, 4, 10, 1, 0, tzinfo=UTC))
    await deliver(session)
    assert len(rows(session, Meeting)) == 2


async def test_a_meeting_moved_after_its_reminder_was_queued_is_announced_with_the_new_time(
        session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 正确政绩观专题党课 | 60分钟")
    mid = rows(session, Meeting)[0].id
    await deliver(session)  # the notices
    clock.set(datetime(2026, 3, 22, 6, 30, tzinfo=UTC))  # three days before: the reminder is queued ...
    svc = svc_of(session)
    for producer in svc.producers:
        await svc.db.run(producer, now=clock.now())
    queued = [r for r in rows(session, Delivery) if r.kind == "mtg.remind" and r.state == DeliveryState.PENDING]
    assert len(queued) == 3
    moved = await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-26 09:00")  # ... then moved
    assert "已修改" in moved[0].plain
    await session.send(WANG, "/lang en")  # ... and one member reads English now
    sent = await deliver(session, produce=False)
    reminders = {m.chat_id: m.plain for m in sent}
    assert set(reminders) == {SECRETARY_ID, ZHANG, WANG}
    assert all("会议提醒" in reminders[who] and "2026年3月26日（周四）09:00" in reminders[who]
               for who in (SECRETARY_ID, ZHANG))
    assert "Reminder" in reminders[WANG] and "Thu 26/3/2026 09:00" in reminders[WANG]
    # the reminder went out after the move, before its change notice: it says what moved itself (T8) ...
    assert "会议有变动" in reminders[ZHANG] and \
        "· 时间：2026年3月25日（周三）14:30–15:30 → 2026年3月26日（周四）09:00–10:00" in reminders[ZHANG]
    assert "has changed" in reminders[WANG] and "Wed 25/3/2026 14:30–15:30 → Thu 26/3/2026 09:00–10:00" in \
        reminders[WANG]
    # ... so the change notice queued after it has nothing left to tell anyone, and is not sent
    assert await deliver(session) == []
    assert {r.state for r in rows(session, Delivery) if r.kind == "mtg.change"} == {"expired"}
    asked = await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    assert "确定取消会议" in asked[0].plain  # asked first (tests/bot/test_meetings_trial.py)
    cancelled = await session.press(SECRETARY_ID, 1)
    assert "已取消会议" in cancelled[-1].plain
    told = await deliver(session)  # not back to who cancelled it
    assert {m.chat_id for m in told if "会议取消" in m.plain or "Cancelled" in m.plain} == {ZHANG, WANG}
    assert await deliver(session) == []


async def test_the_leave_button_reads_as_a_request_in_english(session: OfflineSession) -> None:
    """U9: "📝 Leave" read as leaving the meeting."""
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 正确政绩观专题党课")
    mid = rows(session, Meeting)[0].id
    await session.send(WANG, "/lang en")
    card = (await session.send(WANG, f"/meeting {mid}"))[0]
    assert "📝 Request leave" in [b.text for b in card.button_list()], card.button_list()


async def test_check_in_roster_quorum_and_makeup(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    mid = rows(session, Meeting)[0].id
    await deliver(session)
    refused = await session.send(ZHANG, "/checkin 1234")
    assert "还不能签到" in refused[0].plain
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))  # 14:20:05 local, window open
    shown = await session.send(SECRETARY_ID, f"/checkincode {mid}")
    assert shown[0].kind == "photo" and shown[0].file_bytes and shown[0].file_bytes.startswith(b"\x89PNG")
    code = re.search(r"签到码 (\d{4})", shown[0].plain).group(1)  # type: ignore[union-attr]
    assert f"start=ci_{mid}_{code}" in shown[0].plain
    member_refused = await session.send(ZHANG, f"/checkincode {mid}")
    assert "没有权限" in member_refused[0].plain
    secret = rows(session, Meeting)[0].checkin_secret
    recent = {code_at(secret, clock.now() - timedelta(minutes=k), 60) for k in range(STALE_PERIODS + 1)}
    wrong = next(c for c in ("0000", "1111", "2222", "3333") if c not in recent)
    assert "签到码不对" in (await session.send(WANG, f"/checkin {wrong}"))[0].plain
    assert "签到成功" in (await session.send(ZHANG, f"/checkin {code}"))[0].plain
    clock.advance(timedelta(seconds=120))  # the code on the screen has rotated twice
    assert "已过期" in (await session.send(WANG, f"/checkin {code}"))[0].plain
    fresh = re.search(r"签到码 (\d{4})", (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    linked = await session.send(SECRETARY_ID, f"/start ci_{mid}_{fresh.group(1)}")  # type: ignore[union-attr]
    assert "签到成功" in linked[0].plain

    so_far = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "截至目前" in so_far and "应到 3 人，实到 2 人" in so_far and "尚未签到：王五" in so_far
    assert "目前正式党员到会 2 / 3" in so_far

    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # the meeting is over
    makeup = [m for m in await deliver(session) if "补学" in m.plain]
    assert [m.chat_id for m in makeup] == [WANG]
    assert "没有可供阅读的学习材料" in makeup[0].plain  # no materials: said, and nothing to tap "done" on
    assert makeup[0].button_list() == []
    final = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    checked = {a.member_id for a in rows(session, Attendance)}
    assert len(checked) == 2
    assert "最终结果" in final and "缺席：王五" in final and "超过半数，会议有效" in final
    # the quorum against the rows: full members of the branch, and those of them who checked in
    full = {m.id for m in rows(session, Member) if m.standing == "full" and m.status == "active"}
    came = {a.member_id for a in rows(session, Attendance) if a.status in ("present", "late")} & full
    assert f"正式党员到会 {len(came)} / {len(full)}" in final and len(came) * 2 > len(full)
    assert "补学未完成：王五" in final
    zhang = next(m.id for m in rows(session, Member) if m.tg_user_id == ZHANG)
    marked = await session.send(SECRETARY_ID, f"/attendance {mid} {zhang} 迟到 路上堵车")
    assert "已登记：张三" in marked[0].plain
    assert "张三（迟到）" in (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "「早退」不是" in (await session.send(SECRETARY_ID, f"/attendance {mid} {zhang} 早退"))[0].plain
    overview = (await session.send(SECRETARY_ID, "/attendance"))[0].plain
    assert "实到 2 / 应到 3" in overview and "补学未完成 1 人：王五" in overview
    done = await session.send(SECRETARY_ID, f"/attendance {mid} 王五 补学")  # learned it from the secretary
    assert "已登记：王五 已完成「动员部署会」的补学" in done[0].plain
    assert not [d for d in rows(session, Delivery) if d.kind == "mtg.makeup" and d.state != DeliveryState.SENT]
    assert [m.completed_at is not None for m in rows(session, Makeup)] == [True]
    assert "补学已完成：王五" in (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain


async def test_the_guided_form_can_be_abandoned_and_refuses_bad_times(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting")
    await session.press(SECRETARY_ID, 1)
    await session.send(SECRETARY_ID, "年度民主评议")
    assert "看不懂时间" in (await session.send(SECRETARY_ID, "下周三"))[0].plain
    assert "已经过去" in (await session.send(SECRETARY_ID, "2026-03-01 09:00"))[0].plain
    assert "已取消" in (await session.send(SECRETARY_ID, "/cancel"))[0].plain
    assert rows(session, Meeting) == []
    after = await session.send(SECRETARY_ID, "三楼会议室")  # no longer read as the place
    assert not any("是否每月" in m.plain for m in after)
    assert "仅供支部书记使用" in (await session.send(ZHANG, "/newmeeting"))[0].plain
    clock.advance(timedelta(seconds=30))  # typed at a person's pace, not a flood
    bad = await session.send(SECRETARY_ID, "/newmeeting 茶话会 | 2026-04-01 09:00 | 楼下 | 聊天")
    assert "不认识会议类型" in bad[0].plain


async def test_secretary_commands_answer_only_in_private(session: OfflineSession) -> None:
    await join(session)
    group = -100500
    session.api.add_group(group, "支部群")
    replies = await session.feed(session.api.group_message_update(SECRETARY_ID, group, "/meetings"))
    assert replies and all(m.chat_id == SECRETARY_ID for m in replies)  # run in private, nothing in the group
    assert [m.plain for m in replies] == [m.plain for m in await session.send(SECRETARY_ID, "/meetings")]


GROUP = -1001234


@pytest.fixture
async def group_session(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(tmp_path, database={"url": db_url}, branches=[{
        "key": "csfz", "name": "直属城市发展研究中心党支部", "invite_code": INVITE, "secretaries": [SECRETARY_ID],
        "group_chat_id": GROUP}])
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "支部群")
    async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as s:
        yield s


async def test_one_notice_in_the_branch_group_whose_buttons_answer_for_each_member(
        group_session: OfflineSession) -> None:
    s = group_session
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    sent = await deliver(s)
    in_group = [m for m in sent if m.chat_id == GROUP]
    assert len(in_group) == 1 and "会议通知" in in_group[0].plain and "私聊" in in_group[0].plain
    assert await deliver(s) == []
    assert not await s.press(ZHANG, 1, chat_id=GROUP)  # 参加: a toast, nothing posted in the group
    asked = await s.press(WANG, 2, chat_id=GROUP)  # 请假: the reason is asked in private
    assert [m.chat_id for m in asked] == [WANG]
    await s.send(WANG, "家中有事")
    answers = {(r.response, r.reason) for r in rows(s, Rsvp)}
    assert answers == {("attend", None), ("leave", "家中有事")}


async def test_forged_and_out_of_range_ids_are_answered_like_unknown_ones(session: OfflineSession) -> None:
    await join(session)
    for text in ("/meeting 2147483648", "/attendance 99999999999", "/meeting 7"):
        replies = await session.send(SECRETARY_ID, text)
        assert "没有编号为" in replies[0].plain or "命令格式不对" in replies[0].plain
    for data in ("v1:mt:y:99999999999999999999", "v1:mt:a:2147483648", "v1:mt:m:x", "v1:mt:cx:5"):
        under = session.api.messages_to(SECRETARY_ID)[-1].message_id
        update = session.api.callback_update(SECRETARY_ID, under, data)
        await session.feed(update)
        assert update["callback_query"]["id"] not in session.api.unanswered_callbacks()
    assert rows(session, Meeting) == []
