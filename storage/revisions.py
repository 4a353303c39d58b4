"""Question revisions: a question members may have seen is never reworded in place.

::

    published question ─ new wording (chat edit, returned sheet, rebuild) ─▶ reword()
        old stem/options/answer/explanation ─▶ QuestionRevision(revision=N)
        question.revision = N + 1          (the card shows 🔁 and the number)
        QuizAnswer.revision stays N        (each answer names the wording it was given to)
        review cards: a changed answer or options ─▶ due now, streak 0 (the member meets the new
                      question soon and must get it right twice to leave the 错题本); a rephrased stem or
                      explanation leaves the cards alone (what was learned is still what is asked)

Why a revision table rather than a new question row: the question keeps its id and ``qkey``, so the
rebuild's sync, the review queue, the quiz sessions and members' review cards keep pointing at it, while
the answers keep what they were given to.  A draft nobody has answered is reworded in place: there is
nothing to keep.

Also here: the short *version token* a review card's buttons carry, so a press on a card shown before
the question changed (decided, edited, rebuilt elsewhere) is refused instead of acting on wording the
secretary no longer sees.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from storage.models import Question, QuestionRevision, QuestionStatus, QuizAnswer, ReviewItem

WORDING = ("stem", "options", "answer", "explanation")
GRADED = ("options", "answer")  # what decides whether an answer is right


def version_token(row: Question) -> str:
    """Eight characters that change whenever the question does (any status, wording or rebuild change)."""
    stamp = f"{row.id}:{row.revision}:{row.status}:{row.updated_at.isoformat(timespec='microseconds')}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:8]


def seen_by_members(session: Session, row: Question) -> bool:
    """Whether members may have been shown ``row``'s wording: it is published, or someone answered it."""
    if row.status == QuestionStatus.PUBLISHED:
        return True
    if row.id is None:
        return False
    return session.exec(select(QuizAnswer.id).where(QuizAnswer.question_id == row.id).limit(1)).first() is not None


def reword(session: Session, row: Question, values: dict[str, Any], *, actor: int | None, now: datetime) -> bool:
    """Give ``row`` the wording in ``values`` (only fields that differ are set); ``True`` if anything changed.

    A question members may have seen keeps its old wording as a revision first (module docstring)."""
    changed = {k: v for k, v in values.items() if k in WORDING and getattr(row, k) != v}
    if not changed:
        return False
    if row.id is not None and seen_by_members(session, row):
        session.add(QuestionRevision(question_id=row.id, revision=row.revision, stem=row.stem,
                                     options=list(row.options), answer=list(row.answer),
                                     explanation=row.explanation, replaced_by=actor, replaced_at=now))
        row.revision += 1
        if any(_graded_change(k, getattr(row, k), changed[k]) for k in GRADED if k in changed):
            _renew_cards(session, row.id, now)
    for name, value in changed.items():
        setattr(row, name, value)
    return True


def _graded_change(field: str, old: Any, new: Any) -> bool:
    """Whether a change of ``field`` changes what is right: options or keys that differ as *sets*.

    Options moved to other letters (the bank balances its key positions, ``content.questions.keys``) are a
    new wording — the member sees other letters, so a revision is kept — but the same choice is still right,
    so the review cards are left alone.
    """
    return field not in GRADED or sorted(map(str, old or ())) != sorted(map(str, new or ()))


def _renew_cards(session: Session, question_id: int, now: datetime) -> None:
    """Cards of a question whose right answer changed: due now, and the right-in-a-row streak starts again."""
    for item in session.exec(select(ReviewItem).where(ReviewItem.question_id == question_id)):
        item.due_at = min(item.due_at, now)
        item.streak = 0
        session.add(item)


@dataclass(frozen=True)
class Revised:
    """A question that got a new revision, for the secretary's report: how many answers keep the old one."""

    question_id: int
    qkey: str
    stem: str  # the new one: the sheet's rows carry no visible id, so the secretary recognises the stem
    revision: int
    old_answers: int


def revised(session: Session, row: Question) -> Revised:
    assert row.id is not None
    answers = session.exec(select(func.count(col(QuizAnswer.id))).where(
        QuizAnswer.question_id == row.id, QuizAnswer.revision < row.revision)).one()
    return Revised(row.id, row.qkey, row.stem, row.revision, int(answers))


@dataclass(frozen=True)
class Wording:
    """The wording of one revision of a question."""

    revision: int
    stem: str
    options: tuple[str, ...]
    answer: tuple[str, ...]
    explanation: str


def wording_of(session: Session, question: Question, revision: int) -> Wording:
    """What ``revision`` of ``question`` said: the kept revision, or the question itself for the current one."""
    if revision != question.revision:
        kept = session.exec(select(QuestionRevision).where(QuestionRevision.question_id == question.id,
                                                           QuestionRevision.revision == revision)).first()
        if kept is not None:
            return Wording(kept.revision, kept.stem, tuple(kept.options), tuple(kept.answer), kept.explanation)
    return Wording(question.revision, question.stem, tuple(question.options), tuple(question.answer),
                   question.explanation)


def revision_at(session: Session, question: Question, when: datetime) -> int:
    """The revision ``question`` had at ``when`` (a poll's send time): the first one replaced after it, or
    the current one if none was replaced since."""
    replaced = session.exec(select(func.min(col(QuestionRevision.revision))).where(
        QuestionRevision.question_id == question.id, QuestionRevision.replaced_at > when)).one()
    return int(replaced) if replaced is not None else question.revision


def as_shown(session: Session, question: Question, shown_at: datetime) -> Question:
    """``question`` as a member was shown it at ``shown_at``: itself, or — revised since — a detached copy
    with that revision's wording, so the answer is graded, recorded and explained against what they saw.
    A question not changed since ``shown_at`` costs no query (every revision moves ``updated_at``)."""
    if question.revision == 1 or question.updated_at <= shown_at:
        return question
    revision = revision_at(session, question, shown_at)
    if revision == question.revision:
        return question
    old = wording_of(session, question, revision)
    return question.model_copy(update={"revision": old.revision, "stem": old.stem, "options": list(old.options),
                                       "answer": list(old.answer), "explanation": old.explanation})
