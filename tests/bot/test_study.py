"""Daily study through the real application: pushes at each member's own time, one a day, rendered when
sent; 学完了, /today, /study, /plan, /settime, /push, /me; and the daily quiz nudge.

The clock fixture starts at 2026-03-20 01:00 UTC = 09:00 in Asia/Shanghai, so the branch's 08:00 push is
already due on the first day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Delivery, StudyProgress, StudyUnit
from tests.bot.study_helpers import (
    MEMBER,
    OTHER,
    answer,
    db_of,
    join,
    member_of,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
    tick,
)
from tests.factories import SECRETARY_ID


def snippets(sent: list[SentMessage], tg: int = MEMBER) -> list[SentMessage]:
    return [m for m in sent if m.chat_id == tg and m.kind == "message" and "📖" in m.plain]


def progress(session: OfflineSession, tg: int = MEMBER) -> list[StudyProgress]:
    member = member_of(session, tg)
    with db_of(session).session() as s:
        return list(s.exec(select(StudyProgress).where(StudyProgress.member_id == member.id)
                           .order_by(col(StudyProgress.id))))


def unit_positions(session: OfflineSession, tg: int = MEMBER) -> list[int]:
    with db_of(session).session() as s:
        return [s.get(StudyUnit, p.unit_id).position for p in progress(session, tg)]  # type: ignore[union-attr]


def at_local(clock: FakeClock, day: int, hour: int, minute: int = 0) -> None:
    """Set the clock to 2026-03-``day`` ``hour:minute`` in Shanghai (UTC+8)."""
    clock.set(datetime(2026, 3, day, hour, minute, tzinfo=UTC) - timedelta(hours=8))


async def test_one_snippet_a_day_at_the_members_time_and_no_flood_after_missed_days(
        study: OfflineSession, clock: FakeClock) -> None:
    await join(study)
    first = snippets(await tick(study))
    assert len(first) == 1 and "第 1/" in first[0].plain and "学完了" in first[0].button_list()[0].text
    assert "《" in first[0].plain and "来源：" in first[0].plain
    assert snippets(await tick(study)) == []  # the same day: nothing more
    at_local(clock, 21, 7, 59)
    assert snippets(await tick(study)) == []
    at_local(clock, 21, 8, 0)
    assert len(snippets(await tick(study))) == 1
    at_local(clock, 25, 9, 0)  # three days missed: one snippet, the next in the plan
    assert len(snippets(await tick(study))) == 1
    assert unit_positions(study) == sorted(unit_positions(study)) and len(progress(study)) == 3
    await study.send(MEMBER, "/settime 7:30")
    at_local(clock, 26, 7, 29)
    assert snippets(await tick(study)) == []
    at_local(clock, 26, 7, 30)
    assert len(snippets(await tick(study))) == 1
    with db_of(study).session() as s:  # one row a day, each expiring at local midnight
        rows = list(s.exec(select(Delivery).where(Delivery.kind == "study",
                                                  Delivery.member_id == member_of(study, MEMBER).id)))
        assert len(rows) == 4 and all(r.expires_at is not None for r in rows)


async def test_a_paused_member_receives_nothing_and_resumes_where_they_stopped(
        study: OfflineSession, clock: FakeClock) -> None:
    await join(study)
    await tick(study)
    paused = await study.send(MEMBER, "/push off")
    assert "已暂停" in paused[0].plain
    for day in (21, 22, 23):
        at_local(clock, day, 20, 0)  # past both the push and the nudge
        assert [m for m in await tick(study) if m.chat_id == MEMBER] == []
    assert "已暂停" in (await study.send(MEMBER, "/plan"))[0].plain
    # bare /push and /settime say how things stand (the trial got a usage error)
    assert "每日推送已暂停（/push on 恢复，时间 08:00）" in (await study.send(MEMBER, "/push"))[0].plain
    await study.send(MEMBER, "/push on")
    assert "每天 08:00 推送" in (await study.send(MEMBER, "/settime"))[0].plain
    at_local(clock, 24, 8, 0)
    resumed = snippets(await tick(study))
    assert len(resumed) == 1 and "第 2/" in resumed[0].plain
    assert "用法" in (await study.send(MEMBER, "/push maybe"))[0].plain
    assert "用法" in (await study.send(MEMBER, "/settime 25:00"))[0].plain


async def test_done_today_study_and_plan(study: OfflineSession, clock: FakeClock) -> None:
    await join(study)
    pushed = snippets(await tick(study))[0]
    done = await study.press(MEMBER, 1)
    assert done[0].kind == "edit" and "做几道题" in done[0].button_list()[0].text
    assert study.api.callback_answers[max(study.api.callback_answers)]["text"] == "已记下，今天的学习完成了。"
    assert len(progress(study)) == 1 and progress(study)[0].read_at == clock.now()
    again = await study.send(MEMBER, "/today")  # today's snippet again, already read: no 学完了 button
    assert snippets(again)[0].plain == pushed.plain and "做几道题" in again[0].button_list()[0].text
    ahead = snippets(await study.send(MEMBER, "/study"))
    assert "提前学习" in ahead[0].plain and "第 2/" in ahead[0].plain
    plan = (await study.send(MEMBER, "/plan"))[0].plain
    assert "已推送 2/" in plan and "其中学完 1 段" in plan and "下一段：第 3/" in plan
    at_local(clock, 21, 8, 0)
    assert "第 3/" in snippets(await tick(study))[0].plain  # the plan continues after what /study gave
    assert len(progress(study)) == 3


async def test_a_late_joiner_starts_at_the_beginning_and_added_materials_join_the_plan(
        study: OfflineSession, clock: FakeClock) -> None:
    await join(study)
    for day in (20, 21, 22):
        at_local(clock, day, 8, 0)
        await tick(study)
    assert len(progress(study)) == 3
    study.api.add_user(OTHER, "王五")
    await study.send(OTHER, "/start dangzhibu2026")
    late = snippets(await tick(study), OTHER)
    assert len(late) == 1 and "第 1/" in late[0].plain
    before = (await study.send(MEMBER, "/plan"))[0].plain
    text = ("关于加强支部学习的补充材料\n来源：支部\n2026年3月22日\n"
            + "支部全体党员要坚持每天学习一段材料，做到学思用贯通、知信行统一。" * 8).encode()
    await study.upload(SECRETARY_ID, "补充材料.txt", text)
    after = (await study.send(MEMBER, "/plan"))[0].plain
    assert "补充材料" in after and "补充材料" not in before
    assert len(progress(study)) == 3  # what the member already studied stays studied


async def test_the_quiz_nudge_comes_once_outside_quiet_hours_to_those_who_answered_nothing(
        study: OfflineSession, clock: FakeClock) -> None:
    await join(study, MEMBER, OTHER)
    await tick(study)  # today's snippets
    await study.send(OTHER, "/quiz")
    await answer(study, OTHER, right=True)
    at_local(clock, 20, 19, 59)
    assert [m for m in await tick(study) if "答题" in m.plain] == []
    at_local(clock, 20, 20, 0)
    nudged = [m for m in await tick(study) if "今天还没有答题" in m.plain]
    assert sorted(m.chat_id for m in nudged) == [MEMBER, SECRETARY_ID]  # not OTHER: they answered today
    assert "开始答题" in nudged[0].button_list()[0].text
    at_local(clock, 20, 21, 0)
    assert [m for m in await tick(study) if "答题" in m.plain] == []  # at most one a day
    started = await study.press(MEMBER, 1)
    assert "开始答题，共 5 题" in started[0].plain


async def test_me_shows_only_the_members_own_figures(study: OfflineSession, clock: FakeClock) -> None:
    await join(study, MEMBER, OTHER)
    await tick(study)
    await study.press(MEMBER, 1)
    await study.send(MEMBER, "/quiz")
    for n in range(5):
        await answer(study, MEMBER, right=n != 1)
    await study.send(OTHER, "/quiz")
    await answer(study, OTHER, right=False)
    me = (await study.send(MEMBER, "/me"))[0].plain
    assert "学习天数：1 天（" in me and "答题天数：1 天 · 连续学习或答题 1 天" in me
    assert "答题：5 道，答对 4 道，正确率 80%" in me
    assert "错题本：1 道" in me and "待复习：0 道" in me and "各材料正确率" in me
    assert "王五" not in me and "排名" not in me and "积分" not in me
    at_local(clock, 21, 9, 0)
    me = (await study.send(MEMBER, "/me"))[0].plain
    assert "待复习：1 道" in me and "连续学习或答题 1 天" in me


async def test_in_english_and_politely_everywhere(study: OfflineSession, clock: FakeClock) -> None:
    await join(study, MEMBER, OTHER)
    await study.send(MEMBER, "/lang en")
    pushed = snippets(await tick(study))[0]
    assert "Today's study · part 1/" in pushed.plain and "Done reading" in pushed.button_list()[0].text
    assert "My study plan" in (await study.send(MEMBER, "/plan"))[0].plain
    assert "Quiz started: 5 questions." in (await study.send(MEMBER, "/quiz"))[0].plain
    replies = await answer(study, MEMBER, right=False)
    # the source is a document ("Source: “…”") or who said it ("Source: 中央党的建设工作领导小组会议…")
    assert any("❌ Wrong" in m.plain and "\nSource: " in m.plain for m in replies)
    assert "Wrong-answer book" in (await study.send(MEMBER, "/wrong"))[0].plain
    assert "accuracy 0%" in (await study.send(MEMBER, "/me"))[0].plain
    assert "every day at 08:00" in (await study.send(MEMBER, "/settime default"))[0].plain
    # a forged 学完了 for a unit never sent to this member: a polite toast, nothing recorded
    keyboard = study.api.last_keyboard(OTHER)
    assert keyboard is not None
    forged = study.api.callback_update(OTHER, keyboard.message_id, "v1:sd:d:99999")
    await study.feed(forged)
    query = forged["callback_query"]
    assert "/today" in (study.api.callback_answers[query["id"]]["text"] or "")
    assert progress(study, OTHER)[0].read_at is None
    group = -100777
    study.api.add_group(group, "支部群")
    in_group = await study.send(MEMBER, "/me", chat_id=group)
    # a member the bot can reach privately gets /me itself there, in English; the group hears nothing
    assert [m.chat_id for m in in_group] == [MEMBER] and "My study" in in_group[-1].plain
