"""Quiz sessions, answers and FSRS cards: everything a member's answer changes, in one transaction.

::

    /quiz ──start_session──▶ QuizSession(question_ids: due cards first, then new published questions,
                                          studied documents first, types mixed)
    tap / typed text ──answer──▶ checks (whose session, still active, not idle, this position, question
                                 still published) ──▶ QuizAnswer + ReviewItem card ──▶ position + 1
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

from sqlalchemy import ColumnElement, Update, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, func, select

from content.grading import accepts, grade_choice
from content.model import QUESTION_TYPES
from content.review import CardState, review
from storage.db import insert_absent
from storage.inputs import clean_text
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


class Outcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # this question was answered already (double tap, retried callback)
    EXPIRED = "expired"  # the session ended (idle, finished, replaced)
    NOT_YOURS = "not_yours"  # a button from someone else's quiz
    WITHDRAWN = "withdrawn"  # the question was retired or unpublished meanwhile: skipped, nothing recorded
    WRONG_TYPE = "wrong_type"  # text typed while a button question waits, or a tap on a 填空
    EMPTY = "choose_first"  # 提交 with no option chosen


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
    types mixed — of each type, questions from documents the member has studied first, best first."""
    due = [q.id for _, q in due_cards(session=session, member_id=member_id, due_by=due_by)][:size]
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
    ids = [i for i in due if i is not None] + [q.id for q in ordered if q.id is not None]
    return ids[:size], [i for i in due if i is not None]


# --------------------------------------------------------------------------- sessions


def active_session(*, session: Session, member_id: int, now: datetime, idle: timedelta) -> QuizSession | None:
    """The member's session in progress; one left idle longer than ``idle`` is ended here (and ``None``)."""
    quiz = session.exec(select(QuizSession).where(QuizSession.member_id == member_id,
                                                  QuizSession.state == QuizSessionState.ACTIVE)
                        .order_by(col(QuizSession.id).desc())).first()
    if quiz is not None and quiz.active_at + idle <= now:
        _end(session, quiz, QuizSessionState.EXPIRED, now)
        return None
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
                       review_ids=list(reviews), started_at=now, active_at=now)
    session.add(quiz)
    session.flush()
    return quiz


def current_question(*, session: Session, quiz: QuizSession) -> Question | None:
    if quiz.state != QuizSessionState.ACTIVE or quiz.position >= len(quiz.question_ids):
        return None
    return session.get(Question, quiz.question_ids[quiz.position])


@dataclass(frozen=True)
class _Step:
    """What answering the waiting question needs, read in one query: it, the member's card for it, and
    the question after it."""

    question: Question | None
    card: ReviewItem | None
    following: Question | None


# built once: every answer runs it (the values are bound per call)
_STEP_QUERY = (select(Question, ReviewItem).outerjoin(
    ReviewItem, (col(ReviewItem.question_id) == col(Question.id)) & (col(ReviewItem.member_id) == bindparam("member")))
    .where(col(Question.id).in_(bindparam("ids", expanding=True))))


def _step(session: Session, quiz: QuizSession) -> _Step:
    ids = quiz.question_ids[quiz.position:quiz.position + 2]
    if quiz.state != QuizSessionState.ACTIVE or not ids:
        return _Step(None, None, None)
    rows = session.exec(_STEP_QUERY, params={"member": quiz.member_id, "ids": ids}).all()
    found = {q.id: (q, card) for q, card in rows}
    question, card = found.get(ids[0], (None, None))
    following = found[ids[1]][0] if len(ids) > 1 and ids[1] in found else None
    return _Step(question, card, following)


def get_question(*, session: Session, question_id: int) -> Question | None:
    return session.get(Question, question_id)


def _checked(session: Session, member_id: int, session_id: int, position: int, now: datetime, idle: timedelta
             ) -> tuple[QuizSession | None, AnswerResult | None]:
    """The session if this member may act on its ``position`` now, else the polite outcome to report."""
    quiz = session.get(QuizSession, session_id)
    if quiz is None:
        return None, AnswerResult(Outcome.EXPIRED)
    if quiz.member_id != member_id:
        return None, AnswerResult(Outcome.NOT_YOURS)
    if quiz.state == QuizSessionState.ACTIVE and quiz.active_at + idle <= now:
        _end(session, quiz, QuizSessionState.EXPIRED, now)
    if position < quiz.position or (quiz.state == QuizSessionState.FINISHED and position < len(quiz.question_ids)):
        return None, AnswerResult(Outcome.ALREADY, quiz)
    if quiz.state != QuizSessionState.ACTIVE or position != quiz.position:
        return None, AnswerResult(Outcome.EXPIRED, quiz)
    return quiz, None


def toggle(*, session: Session, member_id: int, session_id: int, position: int, option: int, now: datetime,
           idle: timedelta) -> AnswerResult:
    """A 多选 option switched on or off; nothing is graded until 提交."""
    quiz, refused = _checked(session, member_id, session_id, position, now, idle)
    if refused is not None:
        return refused
    assert quiz is not None
    question = current_question(session=session, quiz=quiz)
    if question is None or question.qtype != "multiple" or not 0 <= option < len(question.options):
        return AnswerResult(Outcome.WRONG_TYPE, quiz, question)
    chosen = set(quiz.selected)
    chosen ^= {option}
    quiz.selected = sorted(chosen)
    quiz.active_at = now
    session.add(quiz)
    return AnswerResult(Outcome.RECORDED, quiz, question)


def answer(*, session: Session, member_id: int, session_id: int, position: int, now: datetime, idle: timedelta,
           chosen: Sequence[int] | None = None, typed: str | None = None) -> AnswerResult:
    """Grade and record the answer to the question at ``position``: options tapped, the 多选 options toggled
    so far (``chosen`` ``None``), or text typed.  The next question is read in the same transaction."""
    quiz, refused = _checked(session, member_id, session_id, position, now, idle)
    if refused is not None:
        return refused
    assert quiz is not None and quiz.id is not None
    step = _step(session, quiz)
    question = step.question
    if question is None or question.status != QuestionStatus.PUBLISHED:
        _advance(session, quiz, position, correct=False, now=now)
        return _after(session, quiz, Outcome.WITHDRAWN, question, position, following=step.following)
    if (typed is not None) != (question.qtype == "fill"):
        return AnswerResult(Outcome.WRONG_TYPE, quiz, question)
    if typed is not None:
        right = accepts(typed, question.answer)
        shown: tuple[str, ...] = (clean_text(typed, limit=200),)  # stored as typed, made safe to store
    else:
        picks = sorted(set(quiz.selected if chosen is None else chosen))
        if not picks:
            return AnswerResult(Outcome.EMPTY, quiz, question)
        right = grade_choice(picks, question.options, question.answer)
        shown = tuple(question.options[i] for i in picks if 0 <= i < len(question.options))
    if not _advance(session, quiz, position, correct=right, now=now):
        return AnswerResult(Outcome.ALREADY, quiz, question)
    assert question.id is not None
    # the position moved under this transaction alone, so this attempt key is new: no need to look first
    if _insert_answer(session, branch_id=quiz.branch_id, member_id=member_id, question_id=question.id,
                      attempt_key=f"s{quiz.id}:{position}", chosen=shown, correct=right,
                      is_review=question.id in quiz.review_ids, now=now):
        _update_card(session, step.card, branch_id=quiz.branch_id, member_id=member_id, question_id=question.id,
                     correct=right, now=now)
    return _after(session, quiz, Outcome.RECORDED, question, position, right, shown, following=step.following)


def _after(session: Session, quiz: QuizSession, outcome: Outcome, question: Question | None, position: int,
           correct: bool = False, chosen: tuple[str, ...] = (), *, following: Question | None) -> AnswerResult:
    """The result of a step that moved the session on, with what comes next (``following``: read with the
    answered question; ``None`` once the session is over)."""
    if quiz.state != QuizSessionState.ACTIVE:
        following = None
    wrong = 0
    if following is None:
        wrong = wrongbook_size(session=session, member_id=quiz.member_id)
    return AnswerResult(outcome, quiz, question, correct, chosen, number=position + 1, next_question=following,
                        wrong_total=wrong)


def answer_text(*, session: Session, member_id: int, text: str, message_id: int, now: datetime,
                idle: timedelta) -> AnswerResult | None:
    """A member's typed message read against their session: the answer when a 填空 waits; ``None`` when the
    text is not for the quiz (no session, or this message was read already: a redelivered update)."""
    quiz = active_session(session=session, member_id=member_id, now=now, idle=idle)
    if quiz is None or quiz.id is None or quiz.position >= len(quiz.question_ids):
        return None
    if not note_text(session=session, session_id=quiz.id, message_id=message_id):
        return AnswerResult(Outcome.ALREADY, quiz)
    return answer(session=session, member_id=member_id, session_id=quiz.id, position=quiz.position, now=now,
                  idle=idle, typed=text)


def _advance_statement(*, finishing: bool) -> Update:
    """The conditional UPDATE that moves a session past a position, built once (values bound per call)."""
    values: dict[str, object] = {"position": bindparam("next"), "selected": bindparam("selected"),
                                 "active_at": bindparam("now"), "correct": QuizSession.correct + bindparam("right")}
    if finishing:
        values.update(state=QuizSessionState.FINISHED, ended_at=bindparam("now"))
    return (update(QuizSession).where(col(QuizSession.id) == bindparam("sid"),
                                      col(QuizSession.position) == bindparam("seen"),
                                      col(QuizSession.state) == QuizSessionState.ACTIVE).values(**values))


_ADVANCE = {finishing: _advance_statement(finishing=finishing) for finishing in (False, True)}


def _advance(session: Session, quiz: QuizSession, position: int, *, correct: bool, now: datetime) -> bool:
    """Move past ``position`` unless another request already did (the conditional UPDATE decides)."""
    finished = position + 1 >= len(quiz.question_ids)
    # a Core UPDATE on the session's connection: the ORM has nothing to flush or synchronise here
    result = session.connection().execute(_ADVANCE[finished], {"sid": quiz.id, "seen": position, "next": position + 1,
                                                               "selected": [], "now": now, "right": int(correct)})
    if not result.rowcount:
        session.refresh(quiz)  # someone else moved it: show what they left
        return False
    # this UPDATE alone moved the row from ``position``: its new values are known without reading them back
    moved: dict[str, object] = {"position": position + 1, "selected": [], "active_at": now,
                                "correct": quiz.correct + int(correct)}
    if finished:
        moved.update(state=QuizSessionState.FINISHED, ended_at=now)
    for key, value in moved.items():
        set_committed_value(quiz, key, value)
    return True


def note_text(*, session: Session, session_id: int, message_id: int) -> bool:
    """Claim a typed message as this session's answer; ``False`` when it (or a later one) was read already."""
    result = session.execute(update(QuizSession).where(col(QuizSession.id) == session_id,
                                                       col(QuizSession.last_text_id) < message_id)
                             .values(last_text_id=message_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- answers and cards


def record_answer(*, session: Session, branch_id: int, member_id: int, question_id: int, attempt_key: str,
                  chosen: Sequence[str], correct: bool, is_review: bool, now: datetime) -> bool:
    """Store one answer and update the member's card; ``False`` (nothing changed) for a repeated attempt."""
    if not _insert_answer(session, branch_id=branch_id, member_id=member_id, question_id=question_id,
                          attempt_key=attempt_key, chosen=chosen, correct=correct, is_review=is_review, now=now):
        return False
    _update_card(session, card_of(session=session, member_id=member_id, question_id=question_id),
                 branch_id=branch_id, member_id=member_id, question_id=question_id, correct=correct, now=now)
    return True


def _insert_answer(session: Session, *, branch_id: int, member_id: int, question_id: int, attempt_key: str,
                   chosen: Sequence[str], correct: bool, is_review: bool, now: datetime) -> bool:
    """One answer row unless this member's attempt is stored already (the unique key decides, in the
    database: a retried callback or a second process racing this one adds nothing)."""
    question = session.get(Question, question_id)  # in the session already: the caller graded against it
    row = {"branch_id": branch_id, "member_id": member_id, "question_id": question_id,
           "attempt_key": attempt_key[:96], "chosen": list(chosen), "correct": correct, "is_review": is_review,
           "revision": question.revision if question is not None else 1, "answered_at": now}
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
