"""补学 end to end: after a meeting, the absent member gets its materials and a quiz on them, answers it, and
the roster shows the 补学 done — through the offline Bot API with the driven clock.

The bank is the shipped materials' questions, published by the secretary; the meeting links one of those
materials, so its quiz is made of the published questions on that document.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from bot.texts import book_title
from scheduler.clock import FakeClock
from storage.attendance import code_at
from storage.models import (
    Attendance,
    Makeup,
    Meeting,
    Member,
    MemberStatus,
    Question,
    QuestionStatus,
    QuizSession,
    StudyUnit,
)
from tests.bot.study_helpers import answer, db_of, join, study_fixture, tick  # noqa: F401  (the fixture)
from tests.factories import SECRETARY_ID

ZHANG, WANG = 10001, 10002


def _material_with_questions(session: OfflineSession) -> tuple[str, set[int]]:
    """A study material's title and the ids of the published questions drawn from it."""
    with db_of(session).session() as s:
        published = s.exec(select(Question).where(Question.status == QuestionStatus.PUBLISHED)).all()
        by_doc: dict[str, set[int]] = {}
        for q in published:
            assert q.id is not None
            by_doc.setdefault(q.doc_key, set()).add(q.id)
        units = s.exec(select(StudyUnit).where(col(StudyUnit.doc_key).in_(list(by_doc)))).all()
        unit = min(units, key=lambda u: u.position)
        return unit.title, by_doc[unit.doc_key]


async def _missed_lesson(study: OfflineSession, clock: FakeClock, *, english: tuple[int, ...] = ()
                         ) -> tuple[str, list[SentMessage]]:
    """张三 and 王五 join (those in ``english`` then say /lang en); a 党课 on a material with published
    questions is held and nobody checks in.

    Returns the material's title and what the tick just after the meeting sent (王五's 补学 among it).
    """
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await join(study, ZHANG, WANG)
    for member in english:
        await study.send(member, "/lang en")
    title, _ = _material_with_questions(study)
    await study.send(SECRETARY_ID, f"/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 专题党课 | 材料 {title}")
    await tick(study)
    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # over, nobody checked in
    return title, await tick(study)


async def test_the_absent_member_studies_the_materials_answers_the_quiz_and_the_roster_shows_it(
        study: OfflineSession, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    await join(study, ZHANG, WANG)
    title, on_it = _material_with_questions(study)
    line = f"/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 专题党课 | 材料 {title}"
    created = await study.send(SECRETARY_ID, line)
    mid = int(re.search(r"#(\d+)", created[-1].plain).group(1))  # type: ignore[union-attr]
    await tick(study)

    clock.set(datetime(2026, 3, 25, 6, 25, tzinfo=UTC))  # 14:25 local: check-in is open
    code = re.search(r"签到码 (\d{4})", (await study.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    assert "签到成功" in (await study.send(ZHANG, f"/checkin {code.group(1)}"))[0].plain  # type: ignore[union-attr]
    await study.send(SECRETARY_ID, f"/checkin {code.group(1)}")  # type: ignore[union-attr]

    clock.set(datetime(2026, 3, 25, 8, 30, tzinfo=UTC))  # over, and check-in closed
    makeup = [m for m in await tick(study) if "补学" in m.plain]
    assert [m.chat_id for m in makeup] == [WANG]  # the absent member only
    expected = min(5, len(on_it))
    assert f"做 {expected} 道小测验" in makeup[0].plain and f"《{title}》" in makeup[0].plain
    assert [b.text for b in makeup[0].button_list()] == ["📝 已学完，开始测验", "📖 阅读材料"]
    assert len(makeup[0].plain) < 900  # a phone's screen or so, not the ~2,300 characters a trial got (T9)
    read = [m for m in await study.press(WANG, 2) if m.chat_id == WANG and m.kind != "edit"]  # 阅读材料: here
    assert read and all(len(m.plain) <= 1100 for m in read) and "补学消息下方的按钮" in read[-1].plain
    excerpt_end = makeup[0].plain.split("\n\n")[2].rstrip()[-12:]
    assert excerpt_end not in read[0].plain  # it reads on from where the excerpt stopped
    # the excerpts end at a sentence's end, and the pointer is to a member's own command (not /materials)
    excerpts = [block.rstrip() for block in makeup[0].plain.split("\n\n")[2:-2]]
    assert excerpts and all(block.endswith(("。", "！", "？", "；", "”")) for block in excerpts), excerpts
    assert "/materials" not in makeup[0].plain and "/study" in makeup[0].plain
    # check-in is closed now, even with the code of this very minute
    with db_of(study).session() as s:
        secret = s.exec(select(Meeting)).one().checkin_secret
    late = await study.send(WANG, f"/checkin {code_at(secret, clock.now(), 60)}")
    # the meeting just over is named, not "nothing to check in to" (trial T9)
    assert "签到成功" not in late[0].plain and "「专题党课」的签到已于" in late[0].plain
    # the roster against what the rows say: everyone in the branch expected, present = checked in
    with db_of(study).session() as s:
        expected_n = len(s.exec(select(Member).where(Member.status == MemberStatus.ACTIVE)).all())
        present_n = len(s.exec(select(Attendance).where(col(Attendance.status).in_(["present", "late"]))).all())
    roster = (await study.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert (expected_n, present_n) == (3, 2)
    assert f"应到 {expected_n} 人，实到 {present_n} 人" in roster and "补学未完成：王五" in roster

    started = await study.press(WANG, 1)
    assert f"补学测验：共 {expected} 道题" in started[0].plain and len(started) == 2  # the intro, question 1
    with db_of(study).session() as s:
        quiz = s.exec(select(QuizSession).where(QuizSession.kind == "makeup")).one()
        assert set(quiz.question_ids) <= on_it and len(quiz.question_ids) == expected
        row = s.exec(select(Makeup)).one()
        assert row.read_at is not None and row.quiz_session_id == quiz.id and row.completed_at is None
    last: list[SentMessage] = []
    for n in range(expected):
        clock.advance(timedelta(seconds=20))  # at a reader's pace
        last = await answer(study, WANG, right=n % 2 == 0)  # a wrong answer still completes the quiz
    ended = "\n".join(m.plain for m in last if m.chat_id == WANG)
    assert "本次答题结束" in ended and "补学已完成" in ended  # the member is told it counted (trial U16)
    roster = (await study.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    assert "补学已完成：王五" in roster and "补学未完成：—" in roster  # the finished quiz counts at once
    await tick(study)  # and the tick records it on the row
    with db_of(study).session() as s:
        assert s.exec(select(Makeup)).one().completed_at is not None
    button = makeup[0].button_list()[0].callback_data
    again = await study.feed(study.api.callback_update(WANG, makeup[0].message_id, button, None))
    assert not [m for m in again if m.chat_id == WANG]  # the 补学 message's button again: done already
    assert list(study.api.callback_answers.values())[-1]["text"] == "补学已记录过了"
    assert study.api.callback_answers and not study.api.unanswered_callbacks()


async def test_a_double_tap_on_read_the_materials_sends_them_once(study: OfflineSession, clock: FakeClock) -> None:
    """Two taps on 阅读材料 (the second before the first's edit reached the phone) send the passages once;
    the button is taken away, 已学完 stays, and a later tap is told they are above."""
    _, sent = await _missed_lesson(study, clock)
    makeup = next(m for m in sent if m.chat_id == WANG and "补学" in m.plain)
    read = makeup.button_list()[1]
    assert read.text == "📖 阅读材料" and read.callback_data is not None
    taps = [study.api.callback_update(WANG, makeup.message_id, read.callback_data, None) for _ in range(2)]
    sent = [m for tap in taps for m in await study.feed(tap) if m.chat_id == WANG and m.kind != "edit"]
    assert sent and sum("补学消息下方的按钮" in m.plain for m in sent) == 1, [m.plain[:40] for m in sent]
    assert [b.text for b in study.api.last_keyboard(WANG).buttons()] == ["📝 已学完，开始测验"]  # type: ignore[union-attr]
    late = await study.feed(study.api.callback_update(WANG, makeup.message_id, read.callback_data, None))
    assert not [m for m in late if m.chat_id == WANG and m.kind != "edit"]
    assert list(study.api.callback_answers.values())[-1]["text"] == "材料已发在上面了"
    assert not study.api.unanswered_callbacks()


async def test_an_english_reader_gets_the_materials_listed_in_english_glyphs(
        study: OfflineSession, clock: FakeClock) -> None:
    """The list of materials is the catalog's: • “title” for an English reader, · 《title》 in Chinese."""
    title, sent = await _missed_lesson(study, clock, english=(WANG,))
    makeup = {m.chat_id: m.plain for m in sent if "补学" in m.plain or "Make-up" in m.plain}
    assert f"· 《{title}》" in makeup[ZHANG]
    lines = makeup[WANG].splitlines()
    assert f"• “{book_title(title, 'en')}”" in lines and not [line for line in lines if line.startswith("· ")]


async def test_reading_the_makeup_counts_as_study_and_the_daily_push_skips_it(
        study: OfflineSession, clock: FakeClock) -> None:
    """Trial V9: the absent member read the materials for the 补学 (📖 阅读材料), yet /plan said 学完 0, /me
    counted nothing and the daily push sent the same passages again.  The snippets read whole now count."""
    title, sent = await _missed_lesson(study, clock)
    makeup = next(m for m in sent if m.chat_id == WANG and "补学" in m.plain)
    with db_of(study).session() as s:
        units = s.exec(select(StudyUnit).where(StudyUnit.title == title, col(StudyUnit.active).is_(True))
                       .order_by(col(StudyUnit.position))).all()
    whole: list[int] = []  # the snippets the 补学 gives whole: its first 1,500 characters of the materials
    budget = 1500
    for unit in units:
        if len(unit.text) > budget:
            break
        budget -= len(unit.text)
        whole.append(unit.id or 0)
    assert whole  # the material of the trial: all five of its snippets fit
    plan_line = re.compile(re.escape(title[-6:]) + r".*已推送 (\d+)/(\d+)，学完 (\d+)")  # the material's line
    before = plan_line.search((await study.send(WANG, "/plan"))[0].plain)
    assert before is not None and before.group(3) == "0"

    assert makeup.button_list()[1].text == "📖 阅读材料"
    read = await study.press(WANG, 2)
    assert "计入您的学习进度" in read[-1].plain
    after = plan_line.search((await study.send(WANG, "/plan"))[0].plain)
    assert after is not None and int(after.group(3)) == len(whole) and int(after.group(1)) >= len(whole)
    assert f"已学完：{len(whole)}/" in (await study.send(WANG, "/me"))[0].plain
    await study.press(WANG, 1)  # 已学完 again counts them once
    again = plan_line.search((await study.send(WANG, "/plan"))[0].plain)
    assert again is not None and again.group(3) == str(len(whole))

    clock.set(datetime(2026, 3, 26, 0, 5, tzinfo=UTC))  # 08:05 local: the daily push
    pushed = [m for m in await tick(study) if m.chat_id == WANG and "段" in m.plain and "《" in m.plain]
    assert pushed
    with db_of(study).session() as s:
        sent = s.exec(select(StudyUnit).where(col(StudyUnit.text).contains(pushed[0].plain[-20:]))).first()
    assert sent is not None and sent.id not in whole
    clock.set(datetime(2026, 3, 30, 1, 5, tzinfo=UTC))  # Monday 09:05: the digest of 03-23…03-29
    digest = "\n".join(m.plain for m in await tick(study) if m.chat_id == SECRETARY_ID and "尚未学习" in m.plain)
    assert "尚未学习" in digest and "王五" not in digest.split("尚未学习")[1].split("\n")[0], digest
