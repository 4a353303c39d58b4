"""Spaced review with FSRS (the ``fsrs`` package, version 6): one card per member and question.

A wrong answer rates the card *Again*, a right one *Good*; FSRS turns the card's stability and difficulty
into the day it should come back.  The card is plain stored state (:class:`CardState`, the columns of
``storage.models.ReviewItem``); this module converts it to an ``fsrs.Card`` and back, so nothing else
imports ``fsrs``.

Why no learning steps: FSRS's defaults bring a new or lapsed card back after 1 and 10 *minutes*, which
suits a flash-card app used in long sittings.  Members answer a few questions a day, so a wrong answer
comes back the next day and a right one after a few days — intervals in days from the first answer.
Fuzzing is off so that the due day is a function of the answers alone (tests and the member's /me agree).

The 错题本 (wrong-answer book) rides on the card: a wrong answer puts the question in it, and it leaves once
answered right :data:`LEARNED_STREAK` times in a row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from fsrs import Card, Rating, Scheduler, State

LEARNED_STREAK = 2  # right answers in a row that take a question out of the 错题本

_SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass(frozen=True)
class CardState:
    """One member's card for one question, as stored."""

    due: datetime
    state: int = State.Review.value
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    streak: int = 0
    in_wrongbook: bool = False


def review(card: CardState | None, *, correct: bool, now: datetime) -> CardState:
    """The card after one answer at ``now`` (``None``: the member's first answer to this question)."""
    current = card or CardState(due=now)
    # card_id is given: without one, fsrs makes a time-based id and sleeps a millisecond to keep it unique
    fsrs_card = Card(card_id=0, state=State(current.state), step=current.step, stability=current.stability,
                     difficulty=current.difficulty, due=current.due, last_review=current.last_review)
    if current.reps == 0:  # a brand-new card: FSRS starts it itself
        fsrs_card = Card(card_id=0, due=now)
    updated, _log = _SCHEDULER.review_card(fsrs_card, Rating.Good if correct else Rating.Again, now)
    streak = current.streak + 1 if correct else 0
    in_wrongbook = (not correct) or (current.in_wrongbook and streak < LEARNED_STREAK)
    return replace(
        current, due=updated.due, state=updated.state.value, step=updated.step, stability=updated.stability,
        difficulty=updated.difficulty, last_review=updated.last_review, reps=current.reps + 1,
        lapses=current.lapses + (not correct), streak=streak, in_wrongbook=in_wrongbook,
    )
