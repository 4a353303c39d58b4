"""What a user trial of the secretaries' figures found, end to end through the offline Bot API: ``/stats``
counts 请假, 缺席 and 补学 by /attendance's rules (``storage/turnout.py``), so the two never disagree."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlmodel import select

from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Member, Question, QuizAnswer, StudyProgress, StudyUnit
from tests.bot.study_helpers import start_secretary
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, svc_of
from tests.factories import INVITE, SECRETARY_ID


async def _leave(s: OfflineSession, clock: FakeClock, user: int, meeting_id: int) -> None:
    """``user`` asks for leave from the meeting and the secretary approves it."""
    await s.send(user, f"/meeting {meeting_id}")
    await s.press(user, 2)  # 请假
    await s.send(user, "出差")
    await deliver(s, produce=False)
    clock.advance(timedelta(seconds=20))
    await s.press(SECRETARY_ID, 1)  # 批准
    clock.advance(timedelta(seconds=20))


async def test_stats_count_leave_absence_and_makeup_as_attendance_does(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会")
    await s.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-26 14:30 | 三楼会议室 | 专题党课")
    await deliver(s)
    clock.advance(timedelta(seconds=20))
    await _leave(s, clock, ZHANG, 1)  # 张三 is away from #1 with leave
    await _leave(s, clock, WANG, 2)  # 王五 asks leave from #2 but comes after all
    clock.set(clock.now().replace(month=3, day=26, hour=6, minute=40))  # 14:40 Beijing: #2 is on
    marked = await s.send(SECRETARY_ID, "/attendance 2 王五 出席")
    assert "已登记：王五" in marked[0].plain
    clock.set(clock.now().replace(day=27, hour=2))  # both over: the 补学 is assigned
    await deliver(s)

    one = (await s.send(SECRETARY_ID, "/attendance 1"))[0].plain
    two = (await s.send(SECRETARY_ID, "/attendance 2"))[0].plain
    assert "请假：1 人" in one and "王五" in one.split("缺席：")[1].split("\n")[0]
    assert "请假：0 人" in two
    wang = (await s.send(SECRETARY_ID, "/stats 王五"))[0].plain
    assert "召开 2 次，参加 1 次，请假 0 次，缺席 1 次" in wang  # the withdrawn leave is no leave, #1 an absence
    branch = (await s.send(SECRETARY_ID, "/stats"))[0].plain
    assert "请假 1 人次" in branch  # only 张三 at #1
    overview = (await s.send(SECRETARY_ID, "/attendance"))[0].plain
    owed = sum(int(n) for n in re.findall(r"补学未完成 (\d+) 人", overview))
    assert owed > 0 and f"补学待完成 {owed} 人次" in branch
    # a meeting under way: not checked in yet is no absence until check-in closes, as /attendance says
    await s.send(SECRETARY_ID, "/newmeeting 党小组会 | 2026-03-27 14:00 | 二楼 | 小组学习")
    clock.set(clock.now().replace(day=27, hour=6, minute=5))  # 14:05 Beijing
    wang = (await s.send(SECRETARY_ID, "/stats 王五"))[0].plain
    assert "召开 2 次，参加 1 次，请假 0 次，缺席 1 次" in wang  # under way is not yet held (trial V24)


async def test_the_roster_sheet_holds_members_not_rejected_applicants(session: OfflineSession) -> None:
    await join(session)
    session.api.add_user(10009, "路人甲")
    request = next(r for r in await session.send(10009, "/start") if r.chat_id == SECRETARY_ID)
    await session.send(SECRETARY_ID, f"/reject {request.plain.split('编号：')[1].split()[0]}")
    sent = (await session.send(SECRETARY_ID, "/export"))[0]
    book = load_workbook(io.BytesIO(sent.file_bytes or b""))
    names = [row[1] for row in book["党员名册"].iter_rows(min_row=2, values_only=True)]
    assert names == ["李 书记", "张三", "王五"]  # 路人甲 was never a 党员


def _tick(s: OfflineSession) -> list[SentMessage]:
    from bot.ticker import tick
    return s.run(lambda: tick(s.app))  # type: ignore[return-value]


def _digest(sent: list[SentMessage]) -> list[SentMessage]:
    return [m for m in sent if m.chat_id == SECRETARY_ID and "上周支部情况" in m.plain]


MONDAY = datetime(2026, 3, 23, 1, 5, tzinfo=UTC)  # 09:05 Beijing: the digest of 03-16 … 03-22 is due


async def test_a_brand_new_branch_gets_no_digest_about_the_week_before_it_joined(
        session: OfflineSession, clock: FakeClock) -> None:
    clock.set(MONDAY - timedelta(minutes=30))
    await join(session)
    clock.set(MONDAY)
    assert _digest(await _tick(session)) == []


async def test_the_digest_leaves_out_members_who_joined_since_and_removed_members_answers(
        session: OfflineSession, clock: FakeClock) -> None:
    s = session
    await join(s)
    svc = svc_of(s)
    with svc.db.session() as db:  # 王五 answered twice last week, then he was removed
        wang = db.exec(select(Member).where(Member.tg_user_id == WANG)).one()
        question = db.exec(select(Question)).first()
        assert question is not None
        for n in range(2):
            db.add(QuizAnswer(branch_id=wang.branch_id, member_id=wang.id, question_id=question.id,
                              attempt_key=f"w{n}", chosen=["A"], correct=True,
                              answered_at=datetime(2026, 3, 21, 2, tzinfo=UTC)))
        db.commit()
        wang_id = wang.id
    await s.send(SECRETARY_ID, f"/remove {wang_id}")
    await s.press(SECRETARY_ID, 1)  # 确定
    clock.set(MONDAY - timedelta(minutes=30))
    s.api.add_user(10005, "赵六")
    await s.send(10005, f"/start {INVITE}")  # joined this morning: not behind on last week
    clock.set(MONDAY)
    digest = _digest(await _tick(s))
    assert len(digest) == 1
    text = digest[0].plain
    assert "赵六" not in text and "王五" not in text
    assert "✍️ 答题：0/" in text and "共 0 题" in text  # the removed member's answers are not a participant's


async def test_no_nudge_button_when_only_the_secretary_is_behind(
        session: OfflineSession, clock: FakeClock) -> None:
    """U2: the digest offered a button that then said everyone had been reminded; now the button's count
    leaves out the secretary reading it, so with nobody else behind there is no button at all."""
    await start_secretary(session)
    clock.set(MONDAY)
    digest = _digest(await _tick(session))
    assert len(digest) == 1
    assert digest[0].buttons == ()


async def test_replies_to_members_and_secretaries_name_no_config_keys(session: OfflineSession) -> None:
    await join(session)
    said = (await session.send(ZHANG, "/whoami"))[0].plain + (await session.send(SECRETARY_ID, "/groupquiz"))[0].plain
    assert "支部群" in said and str(ZHANG) in said
    for key in ("secretaries", "committee_admins", "group_chat_id", "branches[", "配置文件"):
        assert key not in said


async def test_the_calendar_file_is_named_by_the_meetings_kind_and_date(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-20 14:30 | 三楼会议室 | 动员部署会")
    await session.send(ZHANG, "/meeting 1")
    sent = await session.press(ZHANG, 3)  # 📅 日历
    assert sent[-1].kind == "document" and sent[-1].file_name == "会议-党员大会-0420.ics"


async def test_me_says_what_due_for_review_counts(session: OfflineSession) -> None:
    await join(session)
    me = (await session.send(ZHANG, "/me"))[0].plain
    line = next(line for line in me.splitlines() if line.startswith("待复习"))
    assert "/quiz" in line and "到期" in line  # what is due, and where it is asked


async def test_me_and_stats_count_study_days_alike(session: OfflineSession, clock: FakeClock) -> None:
    """U15 (fixed on main before this branch): a day with only answers is no study day in either."""
    await join(session)
    svc = svc_of(session)
    with svc.db.session() as db:
        zhang = db.exec(select(Member).where(Member.tg_user_id == ZHANG)).one()
        units = db.exec(select(StudyUnit)).all()[:2]
        question = db.exec(select(Question)).first()
        assert question is not None and len(units) == 2
        for day, unit in zip((2, 3), units, strict=True):
            at = datetime(2026, 3, day, 23, tzinfo=UTC)  # 07:00 Beijing the next day: local days count
            db.add(StudyProgress(branch_id=zhang.branch_id, member_id=zhang.id, unit_id=unit.id, delivered_at=at,
                                 read_at=at))
        db.add(QuizAnswer(branch_id=zhang.branch_id, member_id=zhang.id, question_id=question.id, attempt_key="q",
                          chosen=["A"], correct=True, answered_at=datetime(2026, 3, 10, 2, tzinfo=UTC)))
        db.commit()
        zhang_id = zhang.id
    me = (await session.send(ZHANG, "/me"))[0].plain
    seen = (await session.send(SECRETARY_ID, f"/stats {zhang_id}"))[0].plain
    assert "学习天数：2 天" in me and "学习 2 天" in seen


async def test_a_digest_week_with_nothing_sent_says_so_not_read_0_of_0(
        session: OfflineSession, clock: FakeClock) -> None:
    await start_secretary(session)
    clock.set(MONDAY)
    digest = _digest(await _tick(session))
    assert len(digest) == 1
    text = digest[0].plain
    assert "0/0" not in text and "（—）" not in text, text
    assert "📖 学习：本期没有推送学习内容" in text and "🏛 会议：本期没有召开会议" in text
