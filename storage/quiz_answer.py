"""A member's quiz answer in SQLAlchemy Core: the hot path of every quiz, a few indexed statements.

::

    tap / 提交 / typed text ──▶ the session row (whose, active, not idle, this position)
                           ──▶ the question + the member's card + the question after it (one SELECT)
                           ──▶ grade ──▶ UPDATE position (only if still at it) ──▶ INSERT answer
                               (ON CONFLICT DO NOTHING) ──▶ UPDATE / INSERT the FSRS card
    多选 option ──▶ the session row ──▶ the question ──▶ UPDATE selected

Why Core and not the ORM (``storage.quiz`` keeps the ORM for starting sessions, the 错题本, polls): the
ORM's identity map, change tracking and flush cost several times the statements themselves, and an answer
touches four rows it never needs to track.  The rules are the same as ``storage.quiz``'s: a position moves
only with a conditional UPDATE (``WHERE position = :seen``), and an answer's ``(member, attempt_key)`` is
unique, so a double tap, a retried callback or a redelivered update records one answer.

Questions: published questions are read often and change rarely, so :class:`QuestionCache` keeps them
(rendering needs the whole row: stem, options, explanation, source sentence).  The SELECT above still reads
each question's ``status``, ``updated_at`` and ``revision`` with the card, so a question retired or edited
meanwhile is never answered from memory; an entry is used only while the ``question`` table is at the
write generation it was read at (``Database.generation``) and carries the ``updated_at`` and ``revision``
just read.  An answer records the revision it was given to (``QuestionRevision``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Row, and_, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel

from content.grading import accepts, grade_choice
from content.review import CardState, review
from storage.db import insert_absent
from storage.inputs import clean_text
from storage.models import Question, QuestionStatus, QuizAnswer, QuizSession, QuizSessionState, ReviewItem
from storage.quiz import AnswerResult, Outcome
from storage.revisions import as_shown

M = TypeVar("M", bound=SQLModel)

_QS = QuizSession.__table__  # type: ignore[attr-defined]
_Q = Question.__table__  # type: ignore[attr-defined]
_RI = ReviewItem.__table__  # type: ignore[attr-defined]
_QA = QuizAnswer.__table__  # type: ignore[attr-defined]
QUESTION_TABLES = ("question",)  # what a cached question is read from

# built once: every answer runs them, with values bound per call
_SESSION = select(_QS).where(_QS.c.id == bindparam("sid"))
_ACTIVE = (select(_QS).where(_QS.c.member_id == bindparam("mid"), _QS.c.state == QuizSessionState.ACTIVE)
           .order_by(_QS.c.id.desc()).limit(1))
_STEP = (select(_Q.c.id, _Q.c.status, _Q.c.updated_at, _Q.c.revision, _RI)
         .select_from(_Q.outerjoin(_RI, and_(_RI.c.question_id == _Q.c.id, _RI.c.member_id == bindparam("mid"))))
         .where(_Q.c.id.in_([bindparam("q0"), bindparam("q1")])))
# two plain parameters, not an expanding IN: that one is rendered again for every call
_QUESTIONS = select(_Q).where(_Q.c.id.in_([bindparam("q0"), bindparam("q1")]))
_EXPIRE = (update(_QS).where(_QS.c.id == bindparam("sid"), _QS.c.state == QuizSessionState.ACTIVE)
           .values(state=QuizSessionState.EXPIRED, ended_at=bindparam("now")))
_TOGGLE = (update(_QS).where(_QS.c.id == bindparam("sid"), _QS.c.position == bindparam("seen"),
                             _QS.c.state == QuizSessionState.ACTIVE)
           .values(selected=bindparam("selected"), active_at=bindparam("now")))
_NOTE_TEXT = (update(_QS).where(_QS.c.id == bindparam("sid"), _QS.c.last_text_id < bindparam("message"))
              .values(last_text_id=bindparam("message")))
_CARD_FIELDS = ("fsrs_state", "step", "stability", "difficulty", "due_at", "last_review", "reps", "lapses", "streak",
                "in_wrongbook")
_CARD_UPDATE = update(_RI).where(_RI.c.id == bindparam("card_id")).values(
    {name: bindparam(f"v_{name}") for name in _CARD_FIELDS})
_CARD_INSERT = insert(_RI)
_WRONGBOOK_SIZE = (select(func.count()).select_from(_RI.join(_Q, _Q.c.id == _RI.c.question_id))
                   .where(_RI.c.member_id == bindparam("mid"), _RI.c.in_wrongbook.is_(True),
                          _Q.c.status == QuestionStatus.PUBLISHED))


def _advance_statement(*, finishing: bool) -> Any:
    values: dict[str, Any] = {"position": bindparam("next"), "selected": bindparam("selected"),
                              "active_at": bindparam("now"), "shown_at": bindparam("now"),
                              "correct": _QS.c.correct + bindparam("right")}
    if finishing:
        values.update(state=QuizSessionState.FINISHED, ended_at=bindparam("now"))
    return (update(_QS).where(_QS.c.id == bindparam("sid"), _QS.c.position == bindparam("seen"),
                              _QS.c.state == QuizSessionState.ACTIVE).values(**values))


_ADVANCE = {finishing: _advance_statement(finishing=finishing) for finishing in (False, True)}


def _detached(model: type[M], values: dict[str, Any]) -> M:
    """A detached model instance built from a row the way the ORM builds one it loads (no validation, no
    session): what the renderers read, at a fraction of the ORM's cost."""
    manager = model._sa_class_manager  # type: ignore[attr-defined]
    obj: M = manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    return obj


def _pair(ids: Sequence[int]) -> dict[str, int]:
    """One or two question ids as the statements' two parameters (one id given twice)."""
    return {"q0": ids[0], "q1": ids[-1]}


class QuestionCache:
    """Questions by id, each tagged with the ``question`` table's write generation (taken *before* the read)
    and its ``updated_at``; thread-safe, bounded.  Entries are shared: callers only read them."""

    def __init__(self, generation: Callable[[], int], *, max_age: float = 300.0, max_size: int = 5000) -> None:
        self._generation = generation
        self.max_age = max_age
        self.max_size = max_size
        self._entries: dict[int, tuple[int, float, Question]] = {}
        self._lock = threading.Lock()

    def get(self, connection: Connection, wanted: dict[int, tuple[datetime, int]]) -> dict[int, Question]:
        """The questions ``wanted`` (id → the ``updated_at`` and ``revision`` just read), from memory when
        still current."""
        generation = self._generation()
        now = time.monotonic()
        found: dict[int, Question] = {}
        with self._lock:
            for qid, updated in wanted.items():
                entry = self._entries.get(qid)
                if (entry is not None and entry[0] == generation and now - entry[1] <= self.max_age
                        and (entry[2].updated_at, entry[2].revision) == updated):
                    found[qid] = entry[2]
        missing = [qid for qid in wanted if qid not in found]
        assert len(missing) <= 2, "an answer reads its question and the next one"
        if missing:
            rows = connection.execute(_QUESTIONS, _pair(missing)).mappings().all()
            fresh = {row["id"]: _detached(Question, dict(row)) for row in rows}
            found.update(fresh)
            with self._lock:
                if len(self._entries) + len(fresh) > self.max_size:
                    self._entries.clear()
                for qid, question in fresh.items():
                    self._entries[qid] = (generation, now, question)
        return found


# --------------------------------------------------------------------------- the session row


def _session_of(row: Row[Any] | None) -> QuizSession | None:
    return _detached(QuizSession, dict(row._mapping)) if row is not None else None


def _checked(connection: Connection, member_id: int, session_id: int, position: int, now: datetime,
             idle: timedelta) -> tuple[QuizSession | None, AnswerResult | None]:
    """The session if this member may act on its ``position`` now, else the polite outcome to report."""
    quiz = _session_of(connection.execute(_SESSION, {"sid": session_id}).first())
    if quiz is None:
        return None, AnswerResult(Outcome.EXPIRED)
    if quiz.member_id != member_id:
        return None, AnswerResult(Outcome.NOT_YOURS)
    if quiz.state == QuizSessionState.ACTIVE and quiz.active_at + idle <= now:
        connection.execute(_EXPIRE, {"sid": session_id, "now": now})
        quiz.__dict__.update(state=QuizSessionState.EXPIRED, ended_at=now)
    if position < quiz.position or (quiz.state == QuizSessionState.FINISHED and position < len(quiz.question_ids)):
        return None, AnswerResult(Outcome.ALREADY, quiz)
    if quiz.state != QuizSessionState.ACTIVE or position != quiz.position:
        return None, AnswerResult(Outcome.EXPIRED, quiz)
    return quiz, None


def _advance(connection: Connection, quiz: QuizSession, position: int, *, correct: bool, now: datetime) -> bool:
    """Move past ``position`` unless another request already did (the conditional UPDATE decides); the
    session's new values are then known without reading them back."""
    finished = position + 1 >= len(quiz.question_ids)
    result = connection.execute(_ADVANCE[finished], {"sid": quiz.id, "seen": position, "next": position + 1,
                                                     "selected": [], "now": now, "right": int(correct)})
    if not result.rowcount:
        again = connection.execute(_SESSION, {"sid": quiz.id}).first()  # someone else moved it: show theirs
        if again is not None:
            quiz.__dict__.update(dict(again._mapping))
        return False
    moved: dict[str, Any] = {"position": position + 1, "selected": [], "active_at": now, "shown_at": now,
                             "correct": quiz.correct + int(correct)}
    if finished:
        moved.update(state=QuizSessionState.FINISHED, ended_at=now)
    quiz.__dict__.update(moved)
    return True


# --------------------------------------------------------------------------- answering


def _step(connection: Connection, questions: QuestionCache, quiz: QuizSession
          ) -> tuple[Question | None, dict[str, Any] | None, Question | None]:
    """The waiting question, the member's card for it (its columns) and the question after it."""
    ids = quiz.question_ids[quiz.position:quiz.position + 2]
    if quiz.state != QuizSessionState.ACTIVE or not ids:
        return None, None, None
    rows = connection.execute(_STEP, {"mid": quiz.member_id, **_pair(ids)}).all()
    status = {row[0]: row[1] for row in rows}
    found = questions.get(connection, {row[0]: (row[2], row[3]) for row in rows})
    card = next((dict(zip(_RI.c.keys(), row[4:], strict=True)) for row in rows if row[0] == ids[0]), None)
    if card is not None and card["id"] is None:
        card = None  # the outer join found no card: the member's first answer to it
    question = found.get(ids[0])
    if question is not None and status[ids[0]] != QuestionStatus.PUBLISHED:
        question = None  # withdrawn meanwhile: nothing is graded or recorded
    following = found.get(ids[1]) if len(ids) > 1 else None
    return question, card, following


def _as_shown(connection: Connection, quiz: QuizSession, question: Question) -> Question:
    """The question as the member was shown it: ``shown_at``, not ``active_at`` (which each 多选 toggle
    moves, so a revision made between the show and a later toggle would otherwise be graded)."""
    shown_at = quiz.shown_at or quiz.active_at
    if question.revision != 1 and question.updated_at > shown_at:  # revised since it was shown (rare):
        with Session(bind=connection) as orm:  # joins this transaction, reads only
            return as_shown(orm, question, shown_at)
    return question


def answer(*, connection: Connection, questions: QuestionCache, member_id: int, session_id: int, position: int,
           now: datetime, idle: timedelta, chosen: Sequence[int] | None = None,
           typed: str | None = None, revision: int | None = None) -> AnswerResult:
    """Grade and record the answer to the question at ``position``: options tapped, the 多选 options toggled
    so far (``chosen`` ``None``), or text typed.  The next question is read in the same transaction.
    ``revision``: the wording the tapped buttons were drawn under; another than the one shown now (an older
    showing, before a /quiz resume) is refused, since its option numbers may name other options now."""
    quiz, refused = _checked(connection, member_id, session_id, position, now, idle)
    if refused is not None:
        return refused
    assert quiz is not None and quiz.id is not None
    question, card, following = _step(connection, questions, quiz)
    if question is None:
        _advance(connection, quiz, position, correct=False, now=now)
        return _after(connection, quiz, Outcome.WITHDRAWN, None, position, following=following)
    question = _as_shown(connection, quiz, question)
    if revision is not None and revision != question.revision:
        return AnswerResult(Outcome.STALE, quiz)
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
    if not _advance(connection, quiz, position, correct=right, now=now):
        return AnswerResult(Outcome.ALREADY, quiz, question)
    assert question.id is not None
    row = {"branch_id": quiz.branch_id, "member_id": member_id, "question_id": question.id,
           "attempt_key": f"s{quiz.id}:{position}", "chosen": list(shown), "correct": right,
           "is_review": question.id in quiz.review_ids, "answered_at": now,
           "revision": question.revision}  # the wording graded: storage.revisions keeps older ones
    # the position moved under this transaction alone, so the attempt is new; the unique key still decides
    if insert_absent(connection, _QA, [row], unique=("member_id", "attempt_key")):
        _save_card(connection, card, branch_id=quiz.branch_id, member_id=member_id, question_id=question.id,
                   correct=right, now=now)
    return _after(connection, quiz, Outcome.RECORDED, question, position, right, shown, following=following)


def _after(connection: Connection, quiz: QuizSession, outcome: Outcome, question: Question | None, position: int,
           correct: bool = False, chosen: tuple[str, ...] = (), *, following: Question | None) -> AnswerResult:
    """The result of a step that moved the session on, with what comes next (``None`` once it is over)."""
    if quiz.state != QuizSessionState.ACTIVE:
        following = None
    wrong = 0
    if following is None:  # the end: the summary says how full the 错题本 is
        wrong = int(connection.execute(_WRONGBOOK_SIZE, {"mid": quiz.member_id}).scalar_one())
    return AnswerResult(outcome, quiz, question, correct, chosen, number=position + 1, next_question=following,
                        wrong_total=wrong)


def _save_card(connection: Connection, card: dict[str, Any] | None, *, branch_id: int, member_id: int,
               question_id: int, correct: bool, now: datetime) -> None:
    """The member's FSRS card for the question after this answer (created on the first one)."""
    before = None if card is None else CardState(
        due=card["due_at"], state=card["fsrs_state"], step=card["step"], stability=card["stability"],
        difficulty=card["difficulty"], last_review=card["last_review"], reps=card["reps"], lapses=card["lapses"],
        streak=card["streak"], in_wrongbook=card["in_wrongbook"])
    after = review(before, correct=correct, now=now)
    values = {"fsrs_state": after.state, "step": after.step, "stability": after.stability,
              "difficulty": after.difficulty, "due_at": after.due, "last_review": after.last_review,
              "reps": after.reps, "lapses": after.lapses, "streak": after.streak, "in_wrongbook": after.in_wrongbook}
    if card is None:
        connection.execute(_CARD_INSERT, {"branch_id": branch_id, "member_id": member_id, "question_id": question_id,
                                          **values})
    else:
        connection.execute(_CARD_UPDATE, {"card_id": card["id"], **{f"v_{k}": v for k, v in values.items()}})


def toggle(*, connection: Connection, questions: QuestionCache, member_id: int, session_id: int, position: int,
           option: int, now: datetime, idle: timedelta, revision: int | None = None) -> AnswerResult:
    """A 多选 option switched on or off; nothing is graded until 提交 (``revision`` as for :func:`answer`)."""
    quiz, refused = _checked(connection, member_id, session_id, position, now, idle)
    if refused is not None:
        return refused
    assert quiz is not None
    question, _card, _following = _step(connection, questions, quiz)
    if question is not None:
        question = _as_shown(connection, quiz, question)  # the options as on screen, redrawn as they were
        if revision is not None and revision != question.revision:
            return AnswerResult(Outcome.STALE, quiz)
    if question is None or question.qtype != "multiple" or not 0 <= option < len(question.options):
        return AnswerResult(Outcome.WRONG_TYPE, quiz, question)
    selected = sorted(set(quiz.selected) ^ {option})
    if not connection.execute(_TOGGLE, {"sid": quiz.id, "seen": position, "selected": selected, "now": now}).rowcount:
        return AnswerResult(Outcome.ALREADY, quiz, question)
    quiz.__dict__.update(selected=selected, active_at=now)
    return AnswerResult(Outcome.RECORDED, quiz, question)


def answer_text(*, connection: Connection, questions: QuestionCache, member_id: int, text: str, message_id: int,
                now: datetime, idle: timedelta) -> AnswerResult | None:
    """A member's typed message read against their session: the answer when a 填空 waits; ``None`` when the
    text is not for the quiz (no session in progress, or left idle too long)."""
    quiz = _session_of(connection.execute(_ACTIVE, {"mid": member_id}).first())
    if quiz is None or quiz.id is None:
        return None
    if quiz.active_at + idle <= now:
        connection.execute(_EXPIRE, {"sid": quiz.id, "now": now})
        return None
    if quiz.position >= len(quiz.question_ids):
        return None
    # claim the message: a redelivered one (or an older one arriving late) answers nothing
    if not connection.execute(_NOTE_TEXT, {"sid": quiz.id, "message": message_id}).rowcount:
        return AnswerResult(Outcome.ALREADY, quiz)
    return answer(connection=connection, questions=questions, member_id=member_id, session_id=quiz.id,
                  position=quiz.position, now=now, idle=idle, typed=text)
