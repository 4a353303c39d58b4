"""Study and quiz storage without Telegram: quiet hours, push times, cards, group poll answers, /me figures."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from storage import group_quiz as group_store
from storage import quiz as quiz_store
from storage import study as study_store
from storage.db import Database
from storage.models import Member, PollMap, Question, QuestionStatus, QuizAnswer, ReviewItem, StudyUnit
from tests import factories

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


@pytest.mark.parametrize(("moment", "quiet"), [
    (time(22, 0), True), (time(23, 59), True), (time(6, 59), True), (time(7, 0), False), (time(21, 59), False),
])
def test_quiet_hours_wrap_past_midnight(moment: time, quiet: bool) -> None:
    assert study_store.in_quiet_hours(moment, time(22, 0), time(7, 0)) is quiet


def test_quiet_hours_within_one_day_and_none() -> None:
    assert study_store.in_quiet_hours(time(13, 0), time(12, 0), time(14, 0))
    assert not study_store.in_quiet_hours(time(15, 0), time(12, 0), time(14, 0))
    assert not study_store.in_quiet_hours(time(15, 0), time(0, 0), time(0, 0))


@pytest.mark.parametrize(("text", "value"), [
    ("07:30", time(7, 30)), ("7:30", time(7, 30)), ("7：30", time(7, 30)), ("23:59", time(23, 59)),
    ("24:00", None), ("7:5", None), ("730", None), ("ab:cd", None), ("", None),
])
def test_push_times_are_read_as_a_member_types_them(text: str, value: time | None) -> None:
    assert study_store.parse_hhmm(text) == value


def _members(db: Database, count: int) -> tuple[int, list[Member]]:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    return branch.id, [factories.member(db, branch.id, 20_000 + n, f"党员{n}", NOW) for n in range(count)]


def _bank(db: Database, branch_id: int) -> list[Question]:
    with db.session() as s:
        questions = [
            Question(branch_id=branch_id, qkey=f"q-{n}", qtype=qtype, stem=f"题{n}", options=options,
                     answer=answer, doc_key=f"d{n % 2}", document=f"材料{n % 2}", sentence=f"第{n}句原句",
                     status=QuestionStatus.PUBLISHED, score=10 - n, updated_at=NOW)
            for n, (qtype, options, answer) in enumerate([
                ("single", ["甲", "乙", "丙"], ["乙"]), ("single", ["甲", "乙"], ["甲"]),
                ("multiple", ["甲", "乙", "丙"], ["甲", "丙"]), ("truefalse", ["正确", "错误"], ["错误"]),
                ("fill", [], ["两个维护"]),
            ])]
        s.add_all(questions)
        s.add(StudyUnit(branch_id=branch_id, unit_key="u1", doc_key="d1", title="材料1", text="……", position=0))
    with db.session() as s:
        return list(s.exec(select(Question).order_by(Question.id)))  # type: ignore[arg-type]


def test_sessions_put_due_cards_first_then_studied_documents_with_types_mixed(db: Database) -> None:
    branch_id, (member,) = _members(db, 1)
    bank = _bank(db, branch_id)
    assert member.id is not None
    with db.session() as s:
        unit = s.exec(select(StudyUnit)).one()
        study_store.record_delivery(session=s, member_id=member.id, unit_id=unit.id, now=NOW)  # type: ignore[arg-type]
        ids, due = quiz_store.pick_questions(session=s, member_id=member.id, branch_id=branch_id, due_by=NOW,
                                             size=5)
    types = [next(q.qtype for q in bank if q.id == i) for i in ids]
    assert types == ["single", "multiple", "truefalse", "fill", "single"] and due == []
    assert ids[0] == bank[1].id  # the studied document's 单选 (d1) before the better-scored one of d0
    with db.session() as s:
        quiz_store.record_answer(session=s, branch_id=branch_id, member_id=member.id, question_id=bank[4].id,  # type: ignore[arg-type]
                                 attempt_key="x", chosen=["错"], correct=False, is_review=False, now=NOW)
    with db.session() as s:
        ids, due = quiz_store.pick_questions(session=s, member_id=member.id, branch_id=branch_id,
                                             due_by=NOW + timedelta(days=1, hours=1), size=3)
    assert ids[0] == bank[4].id and due == [bank[4].id] and len(ids) == 3


def test_group_poll_answers_count_once_for_members_of_that_branch(db: Database) -> None:
    branch_id, (member, secretary) = _members(db, 2)
    other_branch = factories.branch(db, NOW, key="other", invite="other-code", name="另一支部")
    stranger = factories.member(db, other_branch.id, 30_000, "外支部", NOW)  # type: ignore[arg-type]
    question = _bank(db, branch_id)[2]  # 多选: 甲 and 丙
    poll = PollMap(branch_id=branch_id, poll_id="5001", feature="quiz", member_id=secretary.id,  # type: ignore[arg-type]
                   question_id=question.id,  # type: ignore[arg-type]
                   sent_at=NOW)
    with db.session() as s:
        s.add(poll)
    with db.session() as s:
        assert group_store.record_poll_answer(session=s, member=member, poll=poll, option_ids=[0, 2], now=NOW)
        assert not group_store.record_poll_answer(session=s, member=member, poll=poll, option_ids=[0, 2], now=NOW)
        assert not group_store.record_poll_answer(session=s, member=stranger, poll=poll, option_ids=[0], now=NOW)
        assert not group_store.record_poll_answer(session=s, member=secretary, poll=poll, option_ids=[], now=NOW)
    with db.session() as s:
        (answer,) = s.exec(select(QuizAnswer)).all()
        assert answer.member_id == member.id and answer.correct and answer.chosen == ["甲", "丙"]
        card = s.exec(select(ReviewItem)).one()
        assert card.member_id == member.id and card.reps == 1 and not card.in_wrongbook


def test_progress_counts_days_streak_accuracy_and_due_reviews(db: Database) -> None:
    branch_id, (member,) = _members(db, 1)
    bank = _bank(db, branch_id)
    assert member.id is not None
    with db.session() as s:
        for day, (q, right) in enumerate([(bank[0], True), (bank[1], False), (bank[3], True)]):
            quiz_store.record_answer(session=s, branch_id=branch_id, member_id=member.id, question_id=q.id,  # type: ignore[arg-type]
                                     attempt_key=f"k{day}", chosen=[], correct=right, is_review=False,
                                     now=NOW + timedelta(days=day * 2 if day else 0))
    later = NOW + timedelta(days=4, hours=1)
    with db.session() as s:
        me = study_store.progress_of(session=s, member_id=member.id, branch_id=branch_id, now=later, tz=TZ)
    # answers alone make quiz days, not study days (T2: /me said 学习天数 1 beside 0/58 read)
    assert (me.study_days, me.quiz_days, me.streak, me.answered, me.correct) == (0, 3, 1, 3, 2)
    assert {(d.document, d.answered, d.correct) for d in me.by_document} == {("材料0", 1, 1), ("材料1", 2, 1)}
    assert me.wrongbook == 1 and me.due_reviews == 2 and me.units_total == 1 and me.meetings_attended == 0
