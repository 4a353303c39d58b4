"""Questions and everything a member's answers leave behind: answers, FSRS review cards, polls, sessions.

Questions are keyed by the pipeline's stable ``qkey`` so a rebuild updates rather than duplicates them;
answers are keyed by an attempt so a redelivered poll answer or a double tap counts once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.fields import utc_field


class QuestionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    REJECTED = "rejected"
    RETIRED = "retired"  # its source text is gone or a curated entry disabled it


class Question(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("branch_id", "qkey", name="uq_question_branch_key"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    qkey: str = Field(max_length=64)  # stable id from the pipeline ("q-…")
    qtype: str = Field(max_length=16)
    stem: str = Field(sa_type=Text)
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answer: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    explanation: str = Field(default="", sa_type=Text)
    doc_key: str = Field(max_length=128)
    document: str = Field(max_length=500)
    sentence: str = Field(sa_type=Text)
    origin: str = Field(default="generated", max_length=16)
    score: float = 0.0
    status: str = Field(default=QuestionStatus.DRAFT, max_length=16, index=True)
    edited: bool = False  # a secretary changed it; a rebuild must not overwrite the edit
    revision: int = 1  # bumped when members may have seen the wording that changed (storage.revisions)
    reviewed_by: int | None = Field(default=None, sa_type=BigInteger)
    reviewed_at: datetime | None = utc_field(default=None)
    updated_at: datetime = utc_field()


class QuestionRevision(SQLModel, table=True):
    """The wording a question had before a change members may have seen: what its old answers were given to.

    A published question is never changed in place under its answers: the old wording is kept here as
    revision ``revision`` and the question row carries the next number (``storage.revisions``).
    """

    __table_args__ = (UniqueConstraint("question_id", "revision", name="uq_revision_question_number"),)
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    revision: int
    stem: str = Field(sa_type=Text)
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answer: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    explanation: str = Field(default="", sa_type=Text)
    replaced_by: int | None = Field(default=None, sa_type=BigInteger)  # the secretary's Telegram id; None: a rebuild
    replaced_at: datetime = utc_field()


class QuizAnswer(SQLModel, table=True):
    """One answer; ``attempt_key`` (poll id or delivery key) makes a retried answer count once."""

    __table_args__ = (
        UniqueConstraint("member_id", "attempt_key", name="uq_answer_member_attempt"),
        Index("ix_answer_branch_time", "branch_id", "answered_at"),  # the figures count by branch and period
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    attempt_key: str = Field(max_length=96)
    chosen: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    correct: bool
    is_review: bool = False
    revision: int = 1  # the question's revision the member answered (its wording: QuestionRevision)
    answered_at: datetime = utc_field(index=True)


class ReviewItem(SQLModel, table=True):
    """One FSRS card per member and question: when the question comes back, and the 错题本 mark.

    The FSRS fields are the ``fsrs`` package's ``Card`` as stored state (``content.review`` converts);
    ``in_wrongbook`` is set by a wrong answer and cleared once it is answered right twice in a row.
    """

    __table_args__ = (UniqueConstraint("member_id", "question_id", name="uq_review_member_question"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    question_id: int = Field(foreign_key="question.id")
    fsrs_state: int = 2  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due_at: datetime = utc_field(index=True)
    last_review: datetime | None = utc_field(default=None)
    reps: int = 0
    lapses: int = 0  # wrong answers
    streak: int = 0  # right answers in a row since the last wrong one
    in_wrongbook: bool = False


class PollMap(SQLModel, table=True):
    """Maps a Telegram poll id to the member and question it was sent for (poll answers carry no context).

    ``feature`` names the feature that sent the poll, so the wiring routes an answer to that feature's
    handler without knowing what the poll was about.
    """

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    poll_id: str = Field(max_length=64, unique=True)
    feature: str = Field(max_length=32)  # whose poll-answer handler the answer goes to
    member_id: int = Field(foreign_key="member.id")
    question_id: int = Field(foreign_key="question.id")
    is_review: bool = False
    sent_at: datetime = utc_field()


class QuizSessionState(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    EXPIRED = "expired"  # left idle too long, or replaced by a new session


class QuizSession(SQLModel, table=True):
    """One /quiz run in private chat, kept in the database so it survives a restart and resumes.

    ``question_ids`` is the fixed order chosen at start (due reviews first); ``position`` is the question
    waiting for an answer; ``selected`` the options a member has toggled on a 多选 question so far.
    ``last_text_id`` is the newest message id already read as a typed answer, so a redelivered message
    never answers the following question.
    """

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(default="quiz", max_length=16)  # quiz / retry (one question from the 错题本)
    question_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    review_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # of those, due cards
    position: int = 0
    selected: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    correct: int = 0
    state: str = Field(default=QuizSessionState.ACTIVE, max_length=16, index=True)
    last_text_id: int = Field(default=0, sa_type=BigInteger)
    started_at: datetime = utc_field()
    active_at: datetime = utc_field()  # the last answer or toggle: idle expiry counts from here
    # when the waiting question was shown (start or the last answer; toggles leave it): F62 grades a question
    # revised meanwhile as of this moment.  ``None`` on sessions begun before 0010: active_at stands in
    shown_at: datetime | None = utc_field(default=None)
    ended_at: datetime | None = utc_field(default=None)
