"""F62: a published question never changes under members — edits make revisions, answers keep theirs.

Also F57's storage half: a decision or edit carrying a stale version token is refused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from scheduler.clock import FakeClock
from storage import bank, bank_import, group_quiz, quiz, revisions
from storage.bank_import import BankEdit
from storage.db import Database
from storage.errors import InvalidState
from storage.models import PollMap, QuestionRevision, QuizAnswer, ReviewItem
from tests import factories
from tests.storage.test_bank import REWORDED
from tests.storage.test_content import corpus, question, questions_by_key, reviewed, sync

NEW_OPTIONS = ("县处级以上领导班子", "普通群众", "离退休干部", "外来务工人员")


def answered(db: Database, clock: FakeClock, branch_id: int, question_id: int, *, correct: bool) -> int:
    """A member who answered the question once (their card made); the member's id."""
    member = factories.member(db, branch_id, 900, "王党员", clock.now())
    assert member.id is not None
    with db.session() as s:
        assert quiz.record_answer(session=s, branch_id=branch_id, member_id=member.id, question_id=question_id,
                                  attempt_key="t1", chosen=["普通群众"], correct=correct, is_review=False,
                                  now=clock.now())
    return member.id


def test_a_sheet_edit_of_a_published_question_makes_a_revision_and_answers_keep_theirs(
        db: Database, clock: FakeClock) -> None:
    branch, sec = reviewed(db, clock, {"q-0001": True})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    old_stem = q1.stem
    member_id = answered(db, clock, branch.id, q1.id, correct=False)
    clock.advance(timedelta(hours=1))
    with db.session() as s:
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch.id, now=clock.now(),
                                         edits=[BankEdit(row=2, qkey="q-0001", stem=REWORDED)])
    assert report.updated == 1
    assert [(r.question_id, r.revision, r.old_answers, r.stem) for r in report.revised] == [(q1.id, 2, 1, REWORDED)]
    with db.session() as s:
        row = s.get(type(q1), q1.id)
        assert row is not None and row.stem == REWORDED and row.revision == 2
        kept = s.exec(select(QuestionRevision).where(QuestionRevision.question_id == q1.id)).one()
        assert (kept.revision, kept.stem, kept.replaced_by) == (1, old_stem, sec.tg_user_id)
        old_answer = s.exec(select(QuizAnswer).where(QuizAnswer.member_id == member_id)).one()
        assert old_answer.revision == 1
        assert revisions.wording_of(s, row, old_answer.revision).stem == old_stem  # what the member saw
        card = s.exec(select(ReviewItem).where(ReviewItem.member_id == member_id)).one()
        assert card.due_at > clock.now()  # only the stem was rephrased: the card keeps its schedule
        assert quiz.record_answer(session=s, branch_id=branch.id, member_id=member_id, question_id=q1.id,
                                  attempt_key="t2", chosen=["县处级以上领导班子"], correct=True, is_review=True,
                                  now=clock.now())
    with db.session() as s:
        revs = sorted(a.revision for a in s.exec(select(QuizAnswer).where(QuizAnswer.member_id == member_id)))
    assert revs == [1, 2]


def test_a_changed_answer_brings_the_cards_back_now(db: Database, clock: FakeClock) -> None:
    branch, sec = reviewed(db, clock, {"q-0001": True})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    member_id = answered(db, clock, branch.id, q1.id, correct=True)
    clock.advance(timedelta(hours=1))
    with db.session() as s:
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch.id, now=clock.now(), edits=[
            BankEdit(row=2, qkey="q-0001", options=NEW_OPTIONS)])
    assert [r.revision for r in report.revised] == [2]
    with db.session() as s:
        card = s.exec(select(ReviewItem).where(ReviewItem.member_id == member_id)).one()
        assert card.due_at == clock.now() and card.streak == 0
        kept = s.exec(select(QuestionRevision)).one()
        assert kept.options[3] == "青年学生"


def test_a_draft_nobody_answered_is_reworded_in_place(db: Database, clock: FakeClock) -> None:
    branch, sec = reviewed(db, clock, {})
    with db.session() as s:
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch.id, now=clock.now(),
                                         edits=[BankEdit(row=2, qkey="q-0001", stem=REWORDED)])
        assert report.updated == 1 and report.revised == []
        assert s.exec(select(QuestionRevision)).first() is None
    assert questions_by_key(db, branch.id)["q-0001"].revision == 1


def test_a_chat_edit_and_a_rebuild_of_a_published_question_make_revisions(db: Database, clock: FakeClock) -> None:
    branch, sec = reviewed(db, clock, {"q-0001": True, "q-0002": True})
    rows = questions_by_key(db, branch.id)
    with db.session() as s:
        edited = bank.edit_question(session=s, actor=sec, question_id=rows["q-0001"].id, stem=REWORDED,
                                    now=clock.now())
        assert edited.revision == 2
    sync(db, clock, branch.id, corpus([question(1, score=0.9), question(2, 2, score=0.7, stem="第2题的新说法（　）。"),
                                       question(3, score=0.8, qtype="truefalse")]))
    after = questions_by_key(db, branch.id)
    assert after["q-0002"].revision == 2 and after["q-0002"].stem == "第2题的新说法（　）。"
    with db.session() as s:
        kept = s.exec(select(QuestionRevision).where(QuestionRevision.question_id == rows["q-0002"].id)).one()
        assert kept.stem == rows["q-0002"].stem and kept.replaced_by is None  # by the rebuild


def test_a_stale_token_is_refused_and_a_current_one_accepted(db: Database, clock: FakeClock) -> None:
    branch, sec = reviewed(db, clock, {})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    shown = revisions.version_token(q1)
    clock.advance(timedelta(minutes=1))
    with db.session() as s:  # edited elsewhere (another secretary, the sheet) after the card was shown
        bank.edit_question(session=s, actor=sec, question_id=q1.id, stem=REWORDED, now=clock.now())
    for act in (lambda s: bank.decide_question(session=s, actor=sec, question_id=q1.id, publish=True,
                                               now=clock.now(), expected=shown),
                lambda s: bank.edit_question(session=s, actor=sec, question_id=q1.id, stem=REWORDED + "。",
                                             now=clock.now(), expected=shown)):
        with db.session() as s, pytest.raises(InvalidState) as info:
            act(s)
        assert info.value.code == "question_stale" and info.value.params["status"] == "draft"
    current = questions_by_key(db, branch.id)["q-0001"]
    assert current.status == "draft" and current.stem == REWORDED
    with db.session() as s:
        done = bank.decide_question(session=s, actor=sec, question_id=q1.id, publish=True, now=clock.now(),
                                    expected=revisions.version_token(current))
        assert done.status == "published"


def test_a_group_poll_vote_is_graded_against_the_revision_the_poll_showed(db: Database, clock: FakeClock) -> None:
    """The poll went out; the options were then reordered in the sheet: the vote for the option that was right
    on the poll is right, and recorded against revision 1 with the text the voter saw."""
    branch, sec = reviewed(db, clock, {"q-0001": True})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    voter = factories.member(db, branch.id, 901, "赵党员", clock.now())
    assert sec.id is not None and voter.id is not None
    with db.session() as s:
        s.add(PollMap(branch_id=branch.id, poll_id="p1", feature="quiz", member_id=sec.id, question_id=q1.id,
                      sent_at=clock.now()))
    clock.advance(timedelta(minutes=5))
    reordered = ("普通群众", "县处级以上领导班子", "离退休干部", "青年学生")
    with db.session() as s:
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch.id, now=clock.now(),
                                         edits=[BankEdit(row=2, qkey="q-0001", options=reordered)])
        assert [r.revision for r in report.revised] == [2]
    clock.advance(timedelta(minutes=1))
    with db.session() as s:
        poll = s.exec(select(PollMap).where(PollMap.poll_id == "p1")).one()
        assert group_quiz.record_poll_answer(session=s, member=voter, poll=poll, option_ids=[0], now=clock.now())
    with db.session() as s:
        vote = s.exec(select(QuizAnswer).where(QuizAnswer.member_id == voter.id)).one()
    assert (vote.correct, vote.revision, vote.chosen) == (True, 1, ["县处级以上领导班子"])
