"""Quiz sessions, answers and FSRS cards: everything a member's answer changes, in one transaction.

::

    /quiz ──start_session──▶ QuizSession(question_ids: due cards first, then new published questions,
                                          studied documents first, types mixed)
    tap / typed text ──storage.quiz_answer (SQLAlchemy Core, the hot path)──▶ checks (whose session, still
                     active, not idle, this position, question still published) ──▶ QuizAnswer + ReviewItem
                     card ──▶ position + 1
    group quiz poll ──storage.group_quiz.record_poll_answer──▶ the same record_answer (attempt key = the poll)

Idempotency: the session's position moves with a conditional UPDATE (``WHERE position = :seen``), and
every answer has a unique ``(member, attempt_key)``; a double tap, a retried callback or a redelivered
update therefore records one answer, and the second gets :attr:`Outcome.ALREADY`.  Grading and the
card's schedule are ``content.grading`` and ``content.review``; this module only stores their results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from content.giveaway import apart
from content.model import QUESTION_TYPES
from content.review import CardState, review
from storage.db import insert_absent
from storage.models import (
    Member,
    Question,
    QuestionStatus,
    QuizAnswer,
    QuizSession,
    QuizSessionState,
    ReviewItem,
    StudyProgress,
    StudyUnit,
)
from storage.revisions import as_shown


class Outcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # this question was answered already (double tap, retried callback)
    EXPIRED = "expired"  # the session ended (idle, finished, replaced)
    NOT_YOURS = "not_yours"  # a button from someone else's quiz
    WITHDRAWN = "withdrawn"  # the question was retired or unpublished meanwhile: skipped, nothing recorded
    WRONG_TYPE = "wrong_type"  # text typed while a button question waits, or a tap on a 填空
    EMPTY = "choose_first"  # 提交 with no option chosen
    STALE = "stale"  # a button under an older wording than the one the session now shows (a /quiz resume)


@dataclass(frozen=True)
class AnswerResult:
    outcome: Outcome
    quiz: QuizSession | None = None
    question: Question | None = None
    correct: bool = False
    chosen: tuple[str, ...] = ()  # option texts, or the typed text
    number: int = 0  # 1-based place of the answered question in its session
    next_question: Question | None = None  # what the session waits for now (None: it is over)
    wrong_total: int = 0  # questions in the 错题本, once the session is over

    @property
    def finished(self) -> bool:
        return self.quiz is not None and self.quiz.state == QuizSessionState.FINISHED


# --------------------------------------------------------------------------- choosing questions


def _interleave(questions: Sequence[Question]) -> list[Question]:
    """The types taken in turn (in the order given within each type), so a session mixes 单选 / 多选 / 判断 /
    填空 even when the member's studied documents lack a type."""
    buckets = {qtype: [q for q in questions if q.qtype == qtype] for qtype in QUESTION_TYPES}
    out: list[Question] = []
    while any(buckets.values()):
        for qtype in QUESTION_TYPES:
            if buckets[qtype]:
                out.append(buckets[qtype].pop(0))
    return out


def due_cards(*, session: Session, member_id: int, due_by: datetime) -> list[tuple[ReviewItem, Question]]:
    """The member's cards due before ``due_by`` (callers pass the end of the member's local day: a card is
    due on its day, not at its hour) whose question is still published, most overdue first."""
    query = (select(ReviewItem, Question).join(Question, col(Question.id) == col(ReviewItem.question_id))
             .where(ReviewItem.member_id == member_id, col(ReviewItem.due_at) < due_by,
                    Question.status == QuestionStatus.PUBLISHED)
             .order_by(col(ReviewItem.due_at), col(ReviewItem.id)))
    return list(session.exec(query).all())


def pick_questions(*, session: Session, member_id: int, branch_id: int, due_by: datetime, size: int
                   ) -> tuple[list[int], list[int]]:
    """(question ids in order, those of them that are due reviews): due cards first, then new questions,
    types mixed — of each type, questions from documents the member has studied first, best first; a
    question an earlier one's feedback would give away waits for another session."""
    due = [q for _, q in due_cards(session=session, member_id=member_id, due_by=due_by)]
    seen = select(ReviewItem.question_id).where(ReviewItem.member_id == member_id)
    fresh = list(session.exec(
        select(Question).where(Question.branch_id == branch_id, Question.status == QuestionStatus.PUBLISHED,
                               col(Question.id).not_in(seen))
        .order_by(col(Question.score).desc(), col(Question.id))))
    studied = set(session.exec(
        select(StudyUnit.doc_key).join(StudyProgress, col(StudyProgress.unit_id) == col(StudyUnit.id))
        .where(StudyProgress.member_id == member_id)).all())
    # within each type: studied documents first, then best first (``fresh`` is already best first)
    ordered = _interleave(sorted(fresh, key=lambda q: q.doc_key not in studied))
    # no question's feedback (its source sentence) may show the answer of one asked after it (F1)
    chosen = [q.id for q in apart([*due, *ordered], size) if q.id is not None]
    due_ids = {q.id for q in due}
    return chosen, [i for i in chosen if i in due_ids]


# --------------------------------------------------------------------------- sessions


def active_session(*, session: Session, member_id: int, now: datetime, idle: timedelta) -> QuizSession | None:
    """The member's session in progress; one left idle longer than ``idle`` is ended here (and ``None``)."""
    return resumable_session(session=session, member_id=member_id, now=now, idle=idle)[0]


def resumable_session(*, session: Session, member_id: int, now: datetime, idle: timedelta
                      ) -> tuple[QuizSession | None, QuizSession | None]:
    """``(in progress, ended just now)``: the member's session to resume, or — when it was left idle longer
    than ``idle`` — ``None`` and that session, ended here, so /quiz can say why it starts afresh."""
    quiz = session.exec(select(QuizSession).where(QuizSession.member_id == member_id,
                                                  QuizSession.state == QuizSessionState.ACTIVE)
                        .order_by(col(QuizSession.id).desc())).first()
    if quiz is not None and quiz.active_at + idle <= now:
        _end(session, quiz, QuizSessionState.EXPIRED, now)
        return None, quiz
    return quiz, None


def stop_session(*, session: Session, member_id: int, now: datetime, idle: timedelta) -> QuizSession | None:
    """/cancel during a quiz: the member's session in progress ends here (``None``: none was).  Answers
    given so far stay recorded; the question on screen is simply not asked (trial T14: /cancel said
    "nothing in progress" while a question waited, and the member did not know how to leave)."""
    quiz = active_session(session=session, member_id=member_id, now=now, idle=idle)
    if quiz is not None:
        _end(session, quiz, QuizSessionState.EXPIRED, now)
    return quiz


def _end(session: Session, quiz: QuizSession, state: QuizSessionState, now: datetime) -> None:
    quiz.state = state
    quiz.ended_at = now
    session.add(quiz)


def start_session(*, session: Session, member: Member, now: datetime, size: int, due_by: datetime | None = None,
                  question_ids: Sequence[int] | None = None, kind: str = "quiz") -> QuizSession | None:
    """A new session (any other in progress ends); ``None`` when there is no question to ask.  Cards due
    before ``due_by`` (default ``now``) come first."""
    assert member.id is not None
    if question_ids is None:
        ids, reviews = pick_questions(session=session, member_id=member.id, branch_id=member.branch_id,
                                      due_by=due_by or now, size=size)
    else:
        ids, reviews = list(question_ids), []
    if not ids:
        return None
    for old in session.exec(select(QuizSession).where(QuizSession.member_id == member.id,
                                                      QuizSession.state == QuizSessionState.ACTIVE)):
        _end(session, old, QuizSessionState.EXPIRED, now)
    quiz = QuizSession(branch_id=member.branch_id, member_id=member.id, kind=kind, question_ids=list(ids),
                       review_ids=list(reviews), started_at=now, active_at=now, shown_at=now)
    session.add(quiz)
    session.flush()
    return quiz


def show_again(*, session: Session, quiz_id: int, now: datetime) -> QuizSession | None:
    """/quiz resumed the session: its waiting question is on screen again *now*, so idle expiry counts from
    now and a later answer is graded against the wording shown now (``shown_at``).  Ticks a 多选 kept (the
    store keeps them across restarts) stay only if the question still has the revision they were ticked on:
    a revised question's options may differ, and old ticks must not land on new options.  ``None``: the
    session ended meanwhile."""
    quiz = session.get(QuizSession, quiz_id)
    if quiz is None or quiz.state != QuizSessionState.ACTIVE:
        return None
    question = current_question(session=session, quiz=quiz)
    if question is not None and quiz.selected:
        ticked_on = as_shown(session, question, quiz.shown_at or quiz.active_at).revision
        if ticked_on != question.revision:
            quiz.selected = []
    quiz.shown_at = now
    quiz.active_at = now
    session.add(quiz)
    session.flush()
    return quiz


def current_question(*, session: Session, quiz: QuizSession) -> Question | None:
    if quiz.state != QuizSessionState.ACTIVE or quiz.position >= len(quiz.question_ids):
        return None
    return session.get(Question, quiz.question_ids[quiz.position])


def get_question(*, session: Session, question_id: int) -> Question | None:
    return session.get(Question, question_id)


# --------------------------------------------------------------------------- answers and cards


def record_answer(*, session: Session, branch_id: int, member_id: int, question_id: int, attempt_key: str,
                  chosen: Sequence[str], correct: bool, is_review: bool, now: datetime,
                  revision: int | None = None) -> bool:
    """Store one answer and update the member's card; ``False`` (nothing changed) for a repeated attempt.
    ``revision``: the question's revision the member was shown (default: the current one)."""
    if not _insert_answer(session, branch_id=branch_id, member_id=member_id, question_id=question_id,
                          attempt_key=attempt_key, chosen=chosen, correct=correct, is_review=is_review, now=now,
                          revision=revision):
        return False
    _update_card(session, card_of(session=session, member_id=member_id, question_id=question_id),
                 branch_id=branch_id, member_id=member_id, question_id=question_id, correct=correct, now=now)
    return True


def _insert_answer(session: Session, *, branch_id: int, member_id: int, question_id: int, attempt_key: str,
                   chosen: Sequence[str], correct: bool, is_review: bool, now: datetime,
                   revision: int | None = None) -> bool:
    """One answer row unless this member's attempt is stored already (the unique key decides, in the
    database: a retried callback or a second process racing this one adds nothing)."""
    if revision is None:
        question = session.get(Question, question_id)  # in the session already: the caller graded against it
        revision = question.revision if question is not None else 1
    row = {"branch_id": branch_id, "member_id": member_id, "question_id": question_id,
           "attempt_key": attempt_key[:96], "chosen": list(chosen), "correct": correct, "is_review": is_review,
           "revision": revision, "answered_at": now}
    return bool(insert_absent(session, QuizAnswer.__table__, [row],  # type: ignore[attr-defined]
                              unique=("member_id", "attempt_key")))


def _update_card(session: Session, item: ReviewItem | None, *, branch_id: int, member_id: int, question_id: int,
                 correct: bool, now: datetime) -> None:
    """The member's FSRS card for the question after this answer (created on the first one)."""
    card = review(_state(item) if item is not None else None, correct=correct, now=now)
    if item is None:
        item = ReviewItem(branch_id=branch_id, member_id=member_id, question_id=question_id, due_at=card.due)
    item.fsrs_state, item.step, item.stability, item.difficulty = card.state, card.step, card.stability, card.difficulty
    item.due_at, item.last_review, item.reps, item.lapses = card.due, card.last_review, card.reps, card.lapses
    item.streak, item.in_wrongbook = card.streak, card.in_wrongbook
    session.add(item)


def _state(item: ReviewItem) -> CardState:
    return CardState(due=item.due_at, state=item.fsrs_state, step=item.step, stability=item.stability,
                     difficulty=item.difficulty, last_review=item.last_review, reps=item.reps, lapses=item.lapses,
                     streak=item.streak, in_wrongbook=item.in_wrongbook)


def card_of(*, session: Session, member_id: int, question_id: int) -> ReviewItem | None:
    return session.exec(select(ReviewItem).where(ReviewItem.member_id == member_id,
                                                 ReviewItem.question_id == question_id)).first()


def _in_wrongbook(member_id: int) -> tuple[ColumnElement[bool], ...]:
    return (col(ReviewItem.member_id) == member_id, col(ReviewItem.in_wrongbook).is_(True),
            col(Question.status) == QuestionStatus.PUBLISHED)


def wrongbook(*, session: Session, member_id: int) -> list[tuple[ReviewItem, Question]]:
    """The 错题本: questions answered wrong and not yet learned, still published; due first."""
    query = (select(ReviewItem, Question).join(Question, col(Question.id) == col(ReviewItem.question_id))
             .where(*_in_wrongbook(member_id)).order_by(col(ReviewItem.due_at), col(ReviewItem.id)))
    return list(session.exec(query).all())


def wrongbook_size(*, session: Session, member_id: int) -> int:
    """How many questions the 错题本 holds (counted, not loaded: the end of every session says it)."""
    query = (select(func.count()).select_from(ReviewItem)
             .join(Question, col(Question.id) == col(ReviewItem.question_id)).where(*_in_wrongbook(member_id)))
    return int(session.exec(query).one())
