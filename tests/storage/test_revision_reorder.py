"""Options moved to other letters (the bank balances its key positions) keep the review cards' schedule.

The member sees other letters, so a revision is kept, but the same choice is still right: what was learned
is still what is asked (``storage.revisions._graded_change``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from scheduler.clock import FakeClock
from storage.db import Database
from storage.models import QuestionRevision, ReviewItem
from tests.storage.test_content import corpus, question, questions_by_key, reviewed, sync
from tests.storage.test_revisions import answered

REORDERED = ("离退休干部", "县处级以上领导班子", "青年学生", "普通群众")


def test_a_rebuild_that_only_moves_the_options_keeps_the_cards(db: Database, clock: FakeClock) -> None:
    branch, _sec = reviewed(db, clock, {"q-0001": True})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    member_id = answered(db, clock, branch.id, q1.id, correct=True)
    with db.session() as s:
        due_before = s.exec(select(ReviewItem).where(ReviewItem.member_id == member_id)).one().due_at
    clock.advance(timedelta(hours=1))
    sync(db, clock, branch.id, corpus([question(1, score=0.9, options=REORDERED)]))
    after = questions_by_key(db, branch.id)["q-0001"]
    assert tuple(after.options) == REORDERED and after.revision == 2
    with db.session() as s:
        card = s.exec(select(ReviewItem).where(ReviewItem.member_id == member_id)).one()
        assert card.due_at == due_before > clock.now() and card.streak == 1
        assert s.exec(select(QuestionRevision)).one().options[0] == "县处级以上领导班子"


def test_a_rebuild_that_swaps_an_option_still_brings_the_cards_back(db: Database, clock: FakeClock) -> None:
    branch, _sec = reviewed(db, clock, {"q-0001": True})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    member_id = answered(db, clock, branch.id, q1.id, correct=True)
    clock.advance(timedelta(hours=1))
    sync(db, clock, branch.id, corpus([question(1, score=0.9, options=(*REORDERED[:3], "外来务工人员"))]))
    with db.session() as s:
        card = s.exec(select(ReviewItem).where(ReviewItem.member_id == member_id)).one()
        assert card.due_at == clock.now() and card.streak == 0
