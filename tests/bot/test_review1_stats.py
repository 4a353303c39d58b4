"""Review 1: what /me, /stats and the 学习记录 sheet say about meetings, quizzes and snippets.

R3  /me's "参加组织生活 N 次" counted 请假, 缺席 and a meeting still going on (any attendance row).
R4  /stats of a member during a meeting: "召开 0 次，参加 0 次；最近一次参加：today".
R8  /stats of a period with no question to answer: "答题：0/N 人参与" next to "尚未答题（0）：无", and a
    past month judged by today's bank.
R9  the 学习记录 sheet's 段落 was today's place in the plan, not the "第 N/M 段" the member was shown.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import col, select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.ledger import OPENING
from storage.models import StudyProgress, StudyUnit
from tests.bot.study_helpers import MEMBER, OTHER, db_of
from tests.bot.study_helpers import join as join_study
from tests.bot.study_helpers import study_fixture as study_fixture  # the ``study`` fixture
from tests.bot.test_meetings import WANG, ZHANG
from tests.bot.test_meetings_trial3 import _code, _meeting
from tests.factories import SECRETARY_ID

DURING = datetime(2026, 3, 25, 6, 40, tzinfo=UTC)  # 14:40 local: the 14:30 meeting is going on
NEXT_DAY = datetime(2026, 3, 26, 6, 40, tzinfo=UTC)


async def _me_meetings(session: OfflineSession, tg_user_id: int) -> str:
    lines = (await session.send(tg_user_id, "/me"))[-1].plain.splitlines()
    return next(line for line in lines if line.startswith("参加组织生活"))


async def _stats_meetings(session: OfflineSession, name: str) -> str:
    lines = (await session.send(SECRETARY_ID, f"/stats {name} 全部"))[-1].plain.splitlines()
    return next(line for line in lines if line.startswith("🏛 会议"))


async def _wang_checks_in_zhang_takes_leave(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 6, 20, 5, tzinfo=UTC))  # 14:20:05 local, check-in open
    shown = (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0]
    assert "签到成功" in (await session.send(WANG, f"/checkin {_code(shown.plain)}"))[0].plain
    clock.set(DURING)
    assert "请假" in (await session.send(SECRETARY_ID, f"/attendance {mid} 张三 请假 出差"))[-1].plain


async def test_me_counts_the_meetings_held_that_the_member_came_to(session: OfflineSession, clock: FakeClock) -> None:
    """R3: the same figure as /stats' 参加 — a 请假 is not attending, a meeting going on is not yet held."""
    await _wang_checks_in_zhang_takes_leave(session, clock)
    assert await _me_meetings(session, ZHANG) == "参加组织生活：0 次"  # was 1: the 请假 row
    assert await _me_meetings(session, WANG) == "参加组织生活：0 次"  # was 1: the meeting is still going on
    clock.set(NEXT_DAY)
    assert await _me_meetings(session, ZHANG) == "参加组织生活：0 次"
    assert "请假 1 次" in await _stats_meetings(session, "张三")
    assert await _me_meetings(session, WANG) == "参加组织生活：1 次"
    assert "参加 1 次" in await _stats_meetings(session, "王五")


async def test_the_last_meeting_attended_is_a_meeting_held(session: OfflineSession, clock: FakeClock) -> None:
    """R4: during the meeting it is neither counted nor named as the last one attended."""
    await _wang_checks_in_zhang_takes_leave(session, clock)
    during = await _stats_meetings(session, "王五")
    assert "召开 0 次，参加 0 次" in during and "加入以来尚未参加过会议" in during, during
    assert "最近一次参加" not in during, during
    clock.set(NEXT_DAY)
    after = await _stats_meetings(session, "王五")
    assert "召开 1 次，参加 1 次" in after and "最近一次参加：2026-03-25" in after, after


def _quiz_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "答题" in line and not line.startswith("只统计")]


async def test_a_period_without_a_question_to_answer_says_so(study: OfflineSession, clock: FakeClock) -> None:
    """R8: March had only drafts; the bank published in April does not make March's members 未答题."""
    await join_study(study, MEMBER, OTHER, publish=False)  # Friday 2026-03-20: the drafts wait for review
    march = (await study.send(SECRETARY_ID, "/stats"))[0].plain
    assert _quiz_lines(march) == ["✍️ 答题：本期没有可以作答的题目"], march
    clock.set(datetime(2026, 4, 2, 2, 0, tzinfo=UTC))
    await study.send(SECRETARY_ID, "/publishall")
    await study.press(SECRETARY_ID, 1)
    looking_back = (await study.send(SECRETARY_ID, "/stats 2026-03"))[0].plain
    assert _quiz_lines(looking_back) == ["✍️ 答题：本期没有可以作答的题目"], looking_back
    this_week = (await study.send(SECRETARY_ID, "/stats"))[0].plain
    assert _quiz_lines(this_week)[0].startswith("✍️ 答题：0/3 人参与"), this_week  # the secretary is a member too
    assert _quiz_lines(this_week)[1].startswith("尚未答题（3）："), this_week


async def test_the_study_log_never_numbers_a_part_otherwise_than_the_member_saw_it(
    study: OfflineSession, clock: FakeClock
) -> None:
    """R9: the place shown ("第 N/M 段") is not stored, and re-weighting a material moves the places in the
    plan: the row names the part by its heading, else its opening words, which the member saw too."""
    await join_study(study)
    snippet = next(m.plain for m in await study.send(MEMBER, "/today") if m.chat_id == MEMBER)
    assert "第 1/" in snippet, snippet
    with db_of(study).session() as s:
        unit = s.exec(select(StudyUnit).join(StudyProgress, col(StudyProgress.unit_id) == StudyUnit.id)).one()
        # a material marked 核心 moves up the plan (materials.marked): this snippet is no longer first
        s.connection().execute(update(StudyUnit).where(col(StudyUnit.id) == unit.id).values(position=10_000))
    opening = " ".join(unit.text[:OPENING].split())
    assert (unit.heading or opening) in snippet, snippet
    clock.advance(timedelta(minutes=5))
    book = load_workbook(io.BytesIO((await study.send(SECRETARY_ID, "/export"))[0].file_bytes or b""))
    rows = list(book["学习记录"].iter_rows(min_row=2, values_only=True))
    named = f"{unit.heading}：「{opening}…」" if unit.heading and opening else unit.heading or f"「{opening}…」"
    assert [row[2] for row in rows] == [named], rows  # heading and first words (trial T15)
