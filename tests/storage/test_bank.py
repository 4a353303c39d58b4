"""The review queue, decisions, edits and the returned sheet, on an SQLite file and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from scheduler.clock import FakeClock
from storage import bank, bank_import
from storage.bank_import import BankEdit
from storage.db import Database
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.models import AuditEntry, Question, QuestionStatus, Role
from tests import factories
from tests.storage.test_content import corpus, question, questions_by_key, secretary, sync

# a rewording a secretary may make of the fixtures' 单选 "第n题：学习教育的重点是（　）。": the blank's clause,
# filled with the answer, is the source's sentence (an edited stem must still fit its options)
REWORDED = "新题干：学习教育以（　）和领导干部为重点。"


def setup(db: Database, clock: FakeClock) -> tuple[int, dict[str, int]]:
    branch = factories.branch(db, clock.now())
    sync(db, clock, branch.id, corpus([question(1, score=0.9), question(2, score=0.5), question(3, score=0.9),
                                       question(4, score=0.7)]))
    return branch.id, {k: q.id for k, q in questions_by_key(db, branch.id).items()}


def test_queue_order_counts_and_wrap_round(db: Database, clock: FakeClock) -> None:
    branch_id, ids = setup(db, clock)
    with db.session() as s:
        first = bank.review_queue(session=s, branch_id=branch_id).question
        walk = [first.qkey]
        for _ in range(4):
            walk.append(bank.review_queue(session=s, branch_id=branch_id, after_id=ids[walk[-1]]).question.qkey)
        counts = bank.review_counts(session=s, branch_id=branch_id)
    assert walk == ["q-0001", "q-0003", "q-0004", "q-0002", "q-0001"]  # score, then id; wraps to the start
    assert counts == {"draft": 4, "published": 0, "rejected": 0, "retired": 0}


def test_deciding_walks_on_and_twice_is_refused(db: Database, clock: FakeClock) -> None:
    branch_id, ids = setup(db, clock)
    sec = secretary(db, clock, branch_id)
    with db.session() as s:
        done = bank.decide_question(session=s, actor=sec, question_id=ids["q-0003"], publish=True, now=clock.now())
        assert done.status == QuestionStatus.PUBLISHED and done.reviewed_by == sec.tg_user_id
        assert bank.review_queue(session=s, branch_id=branch_id, after_id=done.id).question.qkey == "q-0004"
    with db.session() as s, pytest.raises(InvalidState) as info:
        bank.decide_question(session=s, actor=sec, question_id=ids["q-0003"], publish=False, now=clock.now())
    assert info.value.code == "question_decided"
    with db.session() as s:
        bank.decide_question(session=s, actor=sec, question_id=ids["q-0002"], publish=False, now=clock.now())
        assert bank.review_counts(session=s, branch_id=branch_id)["rejected"] == 1
        actions = [a.action for a in s.exec(select(AuditEntry)) if a.action.startswith("question")]
    assert actions == ["question_publish", "question_reject"]


def test_only_the_branchs_secretaries_may_review(db: Database, clock: FakeClock) -> None:
    branch_id, ids = setup(db, clock)
    member = factories.member(db, branch_id, 600, "张党员", clock.now())
    other = factories.branch(db, clock.now(), key="other", invite="other-code", name="另一支部")
    stranger = secretary(db, clock, other.id, tg=700)
    admin = factories.member(db, other.id, 800, "党委", clock.now(), Role.ADMIN)
    with db.session() as s, pytest.raises(PermissionDenied):
        bank.decide_question(session=s, actor=member, question_id=ids["q-0001"], publish=True, now=clock.now())
    with db.session() as s, pytest.raises(NotFound):
        bank.decide_question(session=s, actor=stranger, question_id=ids["q-0001"], publish=True, now=clock.now())
    with db.session() as s, pytest.raises(PermissionDenied):
        bank.publish_all_verified(session=s, actor=stranger, branch_id=branch_id, now=clock.now())
    with db.session() as s:
        bank.decide_question(session=s, actor=admin, question_id=ids["q-0001"], publish=True, now=clock.now())
    assert questions_by_key(db, branch_id)["q-0001"].status == QuestionStatus.PUBLISHED


def test_edit_checks_the_limits(db: Database, clock: FakeClock) -> None:
    branch_id, ids = setup(db, clock)
    sec = secretary(db, clock, branch_id)
    with db.session() as s, pytest.raises(InvalidState) as info:
        bank.edit_question(session=s, actor=sec, question_id=ids["q-0001"], stem="长" * 301, now=clock.now())
    assert info.value.code == "stem_too_long" and info.value.params["length"] == 301
    with db.session() as s, pytest.raises(InvalidState):
        bank.edit_question(session=s, actor=sec, question_id=ids["q-0001"], stem="   ", now=clock.now())
    with db.session() as s:
        same = bank.edit_question(session=s, actor=sec, question_id=ids["q-0001"],
                                  stem=questions_by_key(db, branch_id)["q-0001"].stem, now=clock.now())
        assert not same.edited  # nothing changed, nothing marked
        edited = bank.edit_question(session=s, actor=sec, question_id=ids["q-0001"], stem=f" {REWORDED} ",
                                    explanation="新解析", now=clock.now())
    assert edited.edited and edited.stem == REWORDED and edited.status == QuestionStatus.DRAFT
    stored = questions_by_key(db, branch_id)["q-0001"]
    assert (stored.stem, stored.explanation, stored.edited) == (REWORDED, "新解析", True)


def test_publish_all_publishes_every_draft_once(db: Database, clock: FakeClock) -> None:
    branch_id, ids = setup(db, clock)
    sec = secretary(db, clock, branch_id)
    with db.session() as s:
        bank.decide_question(session=s, actor=sec, question_id=ids["q-0002"], publish=False, now=clock.now())
        assert bank.publish_all_verified(session=s, actor=sec, branch_id=branch_id, now=clock.now()) == 3
    with db.session() as s:
        assert bank.publish_all_verified(session=s, actor=sec, branch_id=branch_id, now=clock.now()) == 0
        assert bank.review_counts(session=s, branch_id=branch_id) == {"draft": 0, "published": 3, "rejected": 1,
                                                                     "retired": 0}


def test_apply_edits_reports_by_row(db: Database, clock: FakeClock) -> None:
    branch_id, _ids = setup(db, clock)
    sec = secretary(db, clock, branch_id)
    sync(db, clock, branch_id, corpus([question(1, score=0.9), question(2, score=0.5), question(3, score=0.9)]))
    edits = [
        BankEdit(row=2, qkey="q-0001", stem=REWORDED, status="published"),
        BankEdit(row=3, qkey="q-0002", options=("县处级以上领导班子", "普通群众", "离退休干部", "外来务工人员"),
                      answer=("县处级以上领导班子",)),
        BankEdit(row=4, qkey="q-0003", status="rejected"),
        BankEdit(row=5, qkey="q-0004", status="published"),  # retired by the second sync
        BankEdit(row=6, qkey="q-9999", stem="不存在"),
        BankEdit(row=7, qkey="q-0002", stem="x" * 400),
        BankEdit(row=8, qkey="q-0003", status="rejected"),  # the same again: unchanged
        BankEdit(row=9, qkey="q-0002", options=("甲", "乙", "丙", "丁"), answer=("甲",)),  # fails verification
    ]
    with db.session() as s:
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch_id, edits=edits, now=clock.now())
    assert (report.updated, report.published, report.rejected, report.unchanged) == (2, 1, 1, 1)
    assert [(e.row, e.code) for e in report.errors] == [(5, "retired"), (6, "unknown_id"), (7, "stem_too_long"),
                                                        (9, "unverified")]
    assert report.errors[-1].params["reason"].code == "answer_not_in_evidence"
    rows = questions_by_key(db, branch_id)
    assert rows["q-0001"].stem == REWORDED and rows["q-0001"].status == QuestionStatus.PUBLISHED
    assert rows["q-0002"].options[3] == "外来务工人员" and rows["q-0002"].answer == ["县处级以上领导班子"]
    assert rows["q-0002"].edited and rows["q-0002"].status == QuestionStatus.DRAFT
    assert rows["q-0003"].status == QuestionStatus.REJECTED and not rows["q-0003"].edited


def test_apply_edits_stays_inside_the_branch(db: Database, clock: FakeClock) -> None:
    branch_id, _ids = setup(db, clock)
    other = factories.branch(db, clock.now(), key="other", invite="other-code", name="另一支部")
    sync(db, clock, other.id, corpus([question(1)]))
    sec = secretary(db, clock, branch_id)
    with db.session() as s:
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch_id,
                                  edits=[BankEdit(row=2, qkey="q-0001", status="published")], now=clock.now())
    assert report.published == 1
    assert questions_by_key(db, other.id)["q-0001"].status == QuestionStatus.DRAFT


def test_the_queue_starts_with_the_newest_materials_drafts(db: Database, clock: FakeClock) -> None:
    """Issue 6: after a material is added, /review starts at its questions, not at the bank's old first one."""
    branch = factories.branch(db, clock.now())
    old = [question(1, score=0.9), question(2, score=0.5)]
    sync(db, clock, branch.id, corpus(old, docs=(1,)))
    clock.advance(timedelta(minutes=3))
    new = [question(3, doc_n=2, score=0.2), question(4, doc_n=2, score=0.4)]
    sync(db, clock, branch.id, corpus([*old, *new]))
    ids = {k: q.id for k, q in questions_by_key(db, branch.id).items()}
    with db.session() as s:
        walk = [bank.review_queue(session=s, branch_id=branch.id).question.qkey]
        for _ in range(4):
            walk.append(bank.review_queue(session=s, branch_id=branch.id, after_id=ids[walk[-1]]).question.qkey)
    assert walk == ["q-0004", "q-0003", "q-0001", "q-0002", "q-0004"]  # the new material, then the old, round


def test_an_edit_is_verified_where_it_is_applied(db: Database, clock: FakeClock) -> None:
    """Issue 6 item 4: edit_question itself refuses an edit that no longer proves its answer."""
    branch_id, ids = setup(db, clock)
    sec = secretary(db, clock, branch_id)
    with db.session() as s, pytest.raises(InvalidState) as info:
        bank.edit_question(session=s, actor=sec, question_id=ids["q-0001"], stem="重点是县处级以上领导班子吗（　）？",
                           now=clock.now())
    assert info.value.code == "unverified" and info.value.params["reason"].code == "stem_gives_answer"
    stored = questions_by_key(db, branch_id)["q-0001"]
    assert stored.stem == "第1题：学习教育的重点是（　）。" and not stored.edited
    with db.session() as s:
        retire = s.get(Question, ids["q-0002"])
        retire.status = QuestionStatus.RETIRED
        s.add(retire)
    with db.session() as s, pytest.raises(InvalidState) as info:
        bank.edit_question(session=s, actor=sec, question_id=ids["q-0002"], stem="新题干（　）。", now=clock.now())
    assert info.value.code == "question_retired"


def test_control_characters_never_reach_the_store(db: Database, clock: FakeClock) -> None:
    """Issue 6: a stem with control characters (or a NUL, which PostgreSQL refuses) is stored clean."""
    branch_id, ids = setup(db, clock)
    sec = secretary(db, clock, branch_id)
    with db.session() as s:
        dirty = "新\x00题\x07干\x1b：学习教育以（　）和领导干部为重点。\r\n"
        bank.edit_question(session=s, actor=sec, question_id=ids["q-0001"], stem=dirty, now=clock.now())
        report = bank_import.apply_edits(session=s, actor=sec, branch_id=branch_id, now=clock.now(), edits=[
            BankEdit(row=2, qkey="q-0003", explanation="原文\x0b如此\x00。\u202e见讲话。"),
        ])
    assert report.updated == 1 and not report.errors
    rows = questions_by_key(db, branch_id)
    assert rows["q-0001"].stem == REWORDED and rows["q-0003"].explanation == "原文如此。见讲话。"
    with db.session() as s, pytest.raises(InvalidState) as info:
        bank.edit_question(session=s, actor=sec, question_id=ids["q-0004"], stem="\x00\x01\x02", now=clock.now())
    assert info.value.code == "stem_empty"
