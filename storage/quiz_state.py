"""Why a member's ``/quiz`` has nothing to ask.

Kept apart from ``storage.quiz`` (the answer path, tuned for speed) because these are read-only questions
asked once per command: a member told only "no questions" cannot tell an empty bank (ask the secretary)
from a bank they have worked through (come back on the day the next review falls due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from storage.models import Question, QuestionStatus, ReviewItem


@dataclass(frozen=True)
class NothingToAsk:
    """``published``: questions published in the branch; ``next_due``: when the member's next review falls
    due (``None``: no card on a published question)."""

    published: int
    next_due: datetime | None

    @property
    def bank_empty(self) -> bool:
        return self.published == 0


def nothing_to_ask(*, session: Session, member_id: int, branch_id: int) -> NothingToAsk:
    published = session.exec(select(func.count()).select_from(Question).where(
        Question.branch_id == branch_id, Question.status == QuestionStatus.PUBLISHED)).one()
    next_due = session.exec(
        select(func.min(ReviewItem.due_at)).join(Question, col(Question.id) == col(ReviewItem.question_id))
        .where(ReviewItem.member_id == member_id, Question.status == QuestionStatus.PUBLISHED)).one()
    return NothingToAsk(published=int(published), next_due=next_due)

