"""Trial findings on the roster, 补学 and check-in (T1, T2, T6, T9, T11, T17, T18, T22), end to end through the
real Application over the offline Bot API with the driven clock, on SQLite and PostgreSQL.

The meeting is ``test_meetings_trial3.LINE``: a 党员大会 on 2026-03-25 14:30–16:00 local (check-in 14:00–15:00),
without materials; the 补学 ones use ``test_meetings_makeup``'s 党课 on a material with published questions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.attendance import code_at
from storage.models import Makeup, Meeting
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.study_helpers import db_of, study_fixture  # noqa: F401  (the fixture)
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows, svc_of
from tests.bot.test_meetings_makeup import _missed_lesson
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 in the branch's time (UTC+8), as the driven clock takes it (UTC)."""
    return datetime(2026, 3, day, hour - 8, minute, tzinfo=UTC)


def _secret(s: OfflineSession, meeting_id: int) -> str:
    meeting = next(m for m in rows(s, Meeting) if m.id == meeting_id)
    assert meeting.checkin_secret
    return str(meeting.checkin_secret)


async def test_before_the_end_the_roster_says_when_makeup_goes_out_and_recording_it_waits_for_that(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    mid = await _meeting(s)
    marked = (await s.send(SECRETARY_ID, f"/attendance {mid} 王五 缺席 出差"))[0].plain
    assert "缺席（出差）" in marked  # the reason is echoed (T2)

    clock.set(_local(25, 15, 1))  # check-in closed, the meeting still on (T1)
    shown = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "会议结束（16:00）后将自动向缺席、请假的同志发送补学" in shown
    assert "没有向缺席" not in shown and "补学 登记" not in shown
    assert "缺席：" in shown and "王五（出差）" in shown  # the reason is on the screen as in the ledger (T2)
    early = (await s.send(SECRETARY_ID, f"/attendance {mid} 王五 补学"))[0].plain  # T6: not "no 补学 task"
    assert "结束（16:00）后才能登记补学" in early and "没有补学任务" not in early
    assert not rows(s, Makeup)

    clock.set(_local(25, 16, 1))  # over; the secretary records 王五 before the bot's tick sends anything
    done = (await s.send(SECRETARY_ID, f"/attendance {mid} 王五 补学"))[0].plain
    assert "已登记：王五 已完成" in done
    sent = await deliver(s)
    owed_to = {m.chat_id for m in sent if "补学" in m.plain}
    assert ZHANG in owed_to and WANG not in owed_to  # nothing is sent to a 补学 already recorded done
    shown = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "补学已完成：王五" in shown and "补学未完成：" in shown and "张三" in shown.split("补学未完成：")[1]
    await s.send(SECRETARY_ID, "/lang en")
    shown_en = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "王五 (出差)" in shown_en


async def test_a_makeup_the_bot_never_sent_can_be_recorded_as_the_roster_says(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    mid = await _meeting(s)
    clock.set(datetime(2026, 5, 10, 1, 0, tzinfo=UTC))  # past makeup_days: none was sent
    await deliver(s)
    shown = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert f"/attendance {mid} 姓名 补学" in shown
    assert "已登记：王五 已完成" in (await s.send(SECRETARY_ID, f"/attendance {mid} 王五 补学"))[0].plain
    shown = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "补学已完成：王五" in shown and "没有向缺席" not in shown
    await s.send(SECRETARY_ID, f"/attendance {mid} 张三 出席")  # present: owes nothing, still refused
    assert "没有补学任务" in (await s.send(SECRETARY_ID, f"/attendance {mid} 张三 补学"))[0].plain


async def test_before_the_meeting_the_roster_shows_who_said_yes_and_a_refused_leave_reads_so(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    mid = await _meeting(s)
    await s.send(ZHANG, f"/meeting {mid}")
    await s.press(ZHANG, 1)  # 参加
    await s.send(WANG, f"/meeting {mid}")
    await s.press(WANG, 2)  # 请假
    await s.send(WANG, "家里有事")
    await deliver(s)
    await s.press(SECRETARY_ID, 2)  # 不批准 on the request card
    shown = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "已回复参加：张三" in shown and "未回复：" in shown  # T17
    silent = shown.split("未回复：")[1].split("\n")[0]
    assert "张三" not in silent and "王五" not in silent and silent.strip() != "—"  # the secretary is silent
    assert "尚未签到" not in shown and "未回复但到会" not in shown  # nobody can check in yet
    assert "请假未批准：王五" in shown

    clock.set(_local(25, 14, 40))  # 王五 comes after all, late
    await s.send(SECRETARY_ID, f"/checkincode {mid}")  # the screen at the meeting
    code = code_at(_secret(s, mid), clock.now(), svc_of(s).settings.meeting_options.code_seconds)
    assert "迟到" in (await s.send(WANG, f"/checkin {code}"))[0].plain
    clock.set(_local(25, 16, 1))
    shown = (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "王五（迟到）" in shown and "请假未批准：王五" in shown
    await s.send(SECRETARY_ID, "/lang en")
    assert "Leave refused: 王五" in (await s.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain


@pytest.fixture
async def seeded(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    """The example config's case: a seeded meeting held before anyone joined the bot."""
    seed = {"branch": "csfz", "kind": "党员大会", "topic": "动员部署会", "starts_at": "2026-03-10 14:30",
            "place": "三楼会议室"}
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY, meetings=[seed])
    clock.set(_local(20, 9))
    async with factories.offline_bot(settings, clock) as s:
        yield s


async def test_the_overview_says_nobody_was_expected_not_0_of_0(seeded: OfflineSession) -> None:
    await join(seeded)
    shown = (await seeded.send(SECRETARY_ID, "/attendance"))[0].plain
    assert "动员部署会：无应到人员" in shown and "0 / 应到 0" not in shown  # T18
    await seeded.send(SECRETARY_ID, "/lang en")
    assert "nobody expected" in (await seeded.send(SECRETARY_ID, "/attendance"))[0].plain


async def test_checkincode_before_opening_says_when_and_shows_no_code(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    mid = await _meeting(s)
    for moment in (_local(22, 10), _local(25, 13, 59)):
        clock.set(moment)
        shown = await s.send(SECRETARY_ID, f"/checkincode {mid}")
        assert [m.kind for m in shown] == ["message"]  # no photo of a code that does not work (T11)
        assert "签到将于 2026年3月25日（周三）14:00 开放" in shown[0].plain
        assert f"/checkincode {mid}" in shown[0].plain and "签到码 " not in shown[0].plain
    clock.set(_local(25, 14))
    opened = await s.send(SECRETARY_ID, f"/checkincode {mid}")
    assert opened[0].kind == "photo" and "签到码" in opened[0].plain
    await s.send(SECRETARY_ID, "/lang en")
    clock.set(_local(24, 9))
    assert "opens at" in (await s.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain


async def test_a_code_just_after_close_names_that_meeting_and_an_old_button_says_it_is_over(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    mid = await _meeting(s)  # its notice reached 张三 with 参加 / 请假
    notice = next(m for m in s.api.messages_to(ZHANG) if f"#{mid}" in m.plain and m.button_list())
    leave = str(notice.button_list()[1].callback_data)
    clock.set(_local(25, 15, 1))
    said = (await s.send(WANG, "/checkin 1234"))[0].plain
    assert "「动员部署会」的签到已于 15:00 结束" in said and "请联系书记登记出席" in said  # T9
    clock.set(_local(25, 18, 30))  # hours later: no longer "that meeting"
    assert "动员部署会" not in (await s.send(WANG, "/checkin 1234"))[0].plain
    await s.send(WANG, "/lang en")
    clock.set(_local(25, 15, 30))
    assert "closed at 15:00" in (await s.send(WANG, "/checkin 1234"))[0].plain
    clock.set(_local(25, 16, 5))
    update = s.api.callback_update(ZHANG, notice.message_id, leave)
    await s.feed(update)
    toast = str(s.api.callback_answers[update["callback_query"]["id"]].get("text"))
    assert toast == svc_of(s).texts.plain("error.rsvp_meeting_over", "zh", id=mid) and "不能再回复" in toast


async def test_a_member_who_owes_makeup_gets_it_again_from_the_meeting_card_and_me_lists_it(
        study: OfflineSession, clock: FakeClock) -> None:
    _title, _sent = await _missed_lesson(study, clock)
    with db_of(study).session() as s:
        mid = s.exec(select(Meeting.id)).all()[-1]
    shown = await study.send(WANG, f"/meeting {mid}")  # the first 补学 message is gone: the way back (T22)
    assert "还没有完成这次会议的补学" in shown[1].plain
    again = shown[2]
    assert "📚 补学" in again.plain and [b.text for b in again.button_list()] == ["📝 已学完，开始测验", "📖 阅读材料"]
    me = (await study.send(WANG, "/me"))[0].plain
    assert "补学未完成" in me and f"#{mid} 党课「专题党课」" in me
    started = await study.press(WANG, 1, message_id=again.message_id)  # its buttons work
    assert any("补学测验" in m.plain for m in started)
    await study.send(WANG, "/lang en")
    assert "Make-up study owed" in (await study.send(WANG, "/me"))[0].plain

    await study.send(SECRETARY_ID, f"/attendance {mid} 王五 补学")  # done: no longer offered or listed
    await study.send(WANG, "/lang zh")
    assert len(await study.send(WANG, f"/meeting {mid}")) == 1
    assert "补学未完成" not in (await study.send(WANG, "/me"))[0].plain
    assert len(await study.send(ZHANG, f"/meeting {mid}")) == 3  # 张三 still owes his
