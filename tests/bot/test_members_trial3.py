"""Third user trial, members and statistics: defects a secretary met while approving and counting."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting, Member, Question, QuestionStatus
from tests.bot.study_helpers import MEMBER, OTHER, answer, current, db_of, feedback_of, join, tick
from tests.bot.study_helpers import study_fixture as study_fixture  # the ``study`` fixture
from tests.bot.test_scope_and_privacy import ADMIN
from tests.bot.test_stats import _branch_with_members, _not_meetings, _svc
from tests.bot.test_stats_privacy import world as world  # the ``world`` fixture: two branches, their people
from tests.factories import SECRETARY_ID

NEWCOMER, SECOND = 10002, 10003


async def _secretary_and_two_applicants(session: OfflineSession) -> list[str]:
    """李书记 registers; 王五 and 赵六 ask to join without an invite; the request messages' plain texts."""
    session.api.add_user(SECRETARY_ID, "李", last_name="书记")
    await session.send(SECRETARY_ID, "/start")
    session.api.add_user(NEWCOMER, "王五")
    session.api.add_user(SECOND, "赵六")
    requests = []
    for user in (NEWCOMER, SECOND):
        requests += [r.plain for r in await session.send(user, "/start") if r.chat_id == SECRETARY_ID]
    return requests


async def test_approval_chooses_the_standing_and_tells_the_member(session: OfflineSession) -> None:
    """V16: nobody becomes 正式党员 by default — the request offers 正式 / 预备, /approve without a standing
    asks, and the newcomer is told which they are."""
    requests = await _secretary_and_two_applicants(session)
    assert [b.text for b in session.api.last_keyboard(SECRETARY_ID).buttons()] == [  # type: ignore[union-attr]
        "✅ 批准·正式党员", "✅ 批准·预备党员", "✖️ 拒绝"]
    asked = await session.send(SECRETARY_ID, "/approve 王五")  # by name, no standing: a question, no decision
    assert "正式党员还是预备党员" in asked[0].plain and not [r for r in asked if r.chat_id == NEWCOMER]
    assert "等待书记审批" in (await session.send(NEWCOMER, "/help"))[0].plain
    await session.send(SECRETARY_ID, "/approve 王五")
    told = await session.press(SECRETARY_ID, 2)  # ✅ 批准·预备党员 under the question
    assert any(r.chat_id == NEWCOMER and "已获批准" in r.plain and "预备党员" in r.plain for r in told)
    assert any(r.chat_id == SECRETARY_ID and "预备党员" in r.plain for r in told)
    other_id = requests[1].split("编号：")[1].split()[0]
    by_id = await session.send(SECRETARY_ID, f"/approve {other_id} 正式")  # by id with the standing: at once
    assert any(r.chat_id == SECOND and "正式党员" in r.plain for r in by_id)
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "王五 · 党员 · 预备党员" in roster and "赵六 · 党员 · 正式党员" in roster, roster


async def test_an_applicant_is_not_on_the_member_roll(session: OfflineSession) -> None:
    """Trial 3: a waiting applicant stood on the 党员名册 as 待审批 with the role 党员; they are no member
    (``/stats`` does not count them) until approved."""
    await _secretary_and_two_applicants(session)
    await session.send(SECRETARY_ID, "/approve 赵六 预备")
    book = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/export"))[0].file_bytes or b""))
    rows = {row[1]: row for row in book["党员名册"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"李 书记", "赵六"} and rows["赵六"][2] == "预备党员", rows


async def test_a_week_with_nothing_offered_has_no_nudge_button(session: OfflineSession) -> None:
    """Trial 3: no snippet pushed and no question to answer last week, yet the digest offered to nudge
    everybody "who has not studied or answered" — about nothing."""
    from bot.ticker import tick

    await _branch_with_members(session)
    digest_at = datetime(2026, 3, 23, 1, 5, tzinfo=UTC)  # Monday 09:05 in Shanghai
    with _svc(session).db.session() as s:
        for person in s.exec(select(Member)).all():
            person.joined_at = digest_at - timedelta(days=40)
            s.add(person)
        for question in s.exec(select(Question)).all():  # the bank is withdrawn: there is no quiz to answer
            question.status = QuestionStatus.RETIRED
            s.add(question)
        s.commit()
    _svc(session).clock.set(digest_at)  # type: ignore[attr-defined]
    sent = [m for m in _not_meetings(await session.run(lambda: tick(session.app))) if m.chat_id == SECRETARY_ID]
    assert len(sent) == 1 and "上周支部情况" in sent[0].plain
    assert not sent[0].buttons, [b.text for b in sent[0].button_list()]
    assert "张三" not in sent[0].plain, sent[0].plain  # nobody is listed as behind on what was not offered


async def test_a_month_counts_only_who_had_joined_and_english_lists_use_commas(session: OfflineSession) -> None:
    """V19: /stats of a month counted everyone on the roll now (also who joined later) in its denominators;
    English name lists were joined with "、"."""
    ids = await _branch_with_members(session)  # everybody joins on 2026-03-20
    with _svc(session).db.session() as s:
        for member_id in (ids[10001], ids[10002]):  # 张三 and 李四 had joined in January already
            member = s.get(Member, member_id)
            assert member is not None
            member.joined_at = datetime(2026, 1, 10, tzinfo=UTC)
            s.add(member)
        question = s.exec(select(Question)).first()  # a quiz was open: whoever did not answer is listed
        assert question is not None
        question.status = QuestionStatus.PUBLISHED
        question.reviewed_at = datetime(2026, 1, 10, tzinfo=UTC)  # open in February (review 1, R8)
        s.add(question)
        s.commit()
    february = (await session.send(SECRETARY_ID, "/stats 2026-02"))[0].plain
    assert "在册 2 人" in february and "0/2 人参与" in february, february
    assert "尚未答题（2）：张三、李四" in february, february
    await session.send(SECRETARY_ID, "/lang en")
    english = (await session.send(SECRETARY_ID, "/stats 2026-02"))[0].plain
    assert "No answers yet (2): 张三 and 李四" in english and "、" not in english, english


async def test_a_question_source_is_named_alike_in_feedback_stats_and_ledger(study: OfflineSession) -> None:
    """V5: the quiz feedback, /stats and /export named a question's source three ways (《》, bare, cited
    speaker); all now go through ``bot.words.source_title``."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    _, question = current(study, MEMBER)
    feedback = feedback_of(await answer(study, MEMBER, right=False), question)
    named = next(line for line in feedback.plain.splitlines() if line.startswith("出处："))
    title = named.removeprefix("出处：").split("（")[0]
    assert title.startswith("《") and title.endswith("》") and "《《" not in title, named
    _svc(study).clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]  # the answer lies in the past
    weak = (await study.send(SECRETARY_ID, "/stats"))[0].plain
    assert f"（{title}，错 1/1）" in weak, weak
    book = load_workbook(io.BytesIO((await study.send(SECRETARY_ID, "/export"))[0].file_bytes or b""))
    assert [row[3] for row in book["答题记录"].iter_rows(min_row=2, values_only=True)] == [title]
    assert [row[2] for row in book["题目正确率"].iter_rows(min_row=2, values_only=True)] == [title]


async def test_the_study_log_says_which_part_was_read(study: OfflineSession) -> None:
    """V6: the 学习记录 sheet named the document only — every row of a long document looked the same."""
    await join(study)
    snippet = next(m.plain for m in await study.send(MEMBER, "/today") if m.chat_id == MEMBER)
    assert re.search(r"第 \d+/\d+ 段", snippet) is not None, snippet
    _svc(study).clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO((await study.send(SECRETARY_ID, "/export"))[0].file_bytes or b""))
    sheet = book["学习记录"]
    assert [c.value for c in sheet[1]] == ["姓名", "学习内容", "段落", "推送时间", "学完时间"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    # named by its heading, else its opening words: not by a place in the plan, which moves (review 1, R9)
    assert len(rows) == 1 and rows[0][2] not in (None, "—") and not str(rows[0][2]).startswith("第 "), rows
    part = str(rows[0][2])  # "heading：「opening…」", "「opening…」" or the heading (trial T15: both when both)
    for piece in part.removesuffix("…」").split("「"):
        assert piece.removesuffix("：") in snippet, (part, snippet)


async def test_the_chart_starts_with_the_branch(session: OfflineSession, monkeypatch: pytest.MonkeyPatch) -> None:
    """V7: /chart's axis began weeks before the branch existed (the month's first Monday, or 12 weeks back)."""
    import storage.stats

    drawn: list[list[datetime]] = []
    real = storage.stats.weekly_series

    def spy(**kwargs: Any) -> Any:
        drawn.append(list(kwargs["starts"]))
        return real(**kwargs)

    monkeypatch.setattr(storage.stats, "weekly_series", spy)
    await _branch_with_members(session)  # the branch and its members start on Friday 2026-03-20
    for command in ("/chart", "/chart all"):
        sent = await session.send(SECRETARY_ID, command)
        assert sent[0].kind == "photo", [m.plain for m in sent]
    tz = ZoneInfo("Asia/Shanghai")
    assert drawn == [[datetime(2026, 3, 16, tzinfo=tz)]] * 2, drawn  # the branch's first week only


async def test_never_attended_reads_as_a_sentence_and_english_labels_start_upper_case(
        session: OfflineSession) -> None:
    """V8: /stats of a member said "最近一次参加：从未参加"; an English review card's heading began
    "#12 · single choice"."""
    ids = await _branch_with_members(session)
    shown = (await session.send(SECRETARY_ID, f"/stats {ids[10001]}"))[0].plain
    assert "加入以来尚未参加过会议" in shown and "从未参加" not in shown and "最近一次参加" not in shown, shown
    await session.send(SECRETARY_ID, "/lang en")
    english = (await session.send(SECRETARY_ID, f"/stats {ids[10001]}"))[0].plain
    assert "absent 0; not attended since joining" in english, english
    card = "\n".join(m.plain for m in await session.send(SECRETARY_ID, "/review"))
    headings = re.findall(r"#\d+ · (\w)", card)
    assert headings and all(letter.isupper() for letter in headings), card


async def test_the_host_without_a_check_in_is_told_as_the_host(study: OfflineSession, clock: FakeClock) -> None:
    """V4: the host shows the check-in code and often does not check in; their 补学 said "您未参加 …" as
    to anyone absent — it now says they were to host it and how a secretary records them present."""
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await join(study, MEMBER, OTHER)  # 张三 and 王五
    created = await study.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 专题党课")
    mid = int(re.search(r"#(\d+)", created[-1].plain).group(1))  # type: ignore[union-attr]
    with db_of(study).session() as s:
        meeting = s.get(Meeting, mid)
        assert meeting is not None
        meeting.host = "王五"
        s.add(meeting)
        s.commit()
    await tick(study)
    clock.set(datetime(2026, 3, 25, 6, 25, tzinfo=UTC))  # 14:25 local: check-in is open
    code = re.search(r"签到码 (\d{4})", (await study.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    assert code is not None
    await study.send(SECRETARY_ID, f"/checkin {code.group(1)}")
    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # over: 张三 and 王五 (the host) did not check in
    makeup = {m.chat_id: m.plain for m in await tick(study) if "补学" in m.plain}
    assert set(makeup) == {MEMBER, OTHER}, makeup
    assert "由您主持" in makeup[OTHER] and "登记您出席" in makeup[OTHER] and "您未参加" not in makeup[OTHER]
    assert "您未参加" in makeup[MEMBER] and "由您主持" not in makeup[MEMBER]


async def test_the_committee_counts_a_month_by_who_had_joined(world: OfflineSession) -> None:
    """V19 in the committee's table: February counted the branches' members who joined in March."""
    now = (await world.send(ADMIN, "/committee"))[0].plain
    assert "在册 0" not in now, now
    february = (await world.send(ADMIN, "/committee 2026-02"))[0].plain
    assert february.count("在册 0 ·") == 2, february  # both branches: nobody had joined yet
