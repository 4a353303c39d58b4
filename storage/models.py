"""The schema: every table zhibu needs now and in the issues ahead.

Why all at once: members, study progress, answers, meetings and deliveries reference each other, and a
migration history that starts coherent is cheaper than one patched table by table.  Conventions:

* every row has ``branch_id`` (one deployment, several branches; queries are always scoped);
* timestamps are ``UTCDateTime`` (aware UTC in and out, shown in the branch's timezone elsewhere);
* enumerations are stored as short strings (``StrEnum`` values) so PostgreSQL needs no enum types;
* idempotency lives in unique constraints: a redelivered update or a double tap inserts nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from storage.enumtype import EnumString
from storage.types import UTCDateTime


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)  # type: ignore[call-overload]


class Role(StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"
    ADMIN = "admin"  # committee admin (党委): sees every branch


ROLE_RANK = {Role.MEMBER: 0, Role.SECRETARY: 1, Role.ADMIN: 2}


class Standing(StrEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员


class MemberStatus(StrEnum):
    PENDING = "pending"  # asked to join without an invite, waits for a secretary
    ACTIVE = "active"
    REJECTED = "rejected"
    LEFT = "left"  # removed or transferred out; kept for the ledgers
    WITHDRAWN = "withdrawn"  # a request that lapsed because the person joined another branch


class QuestionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    REJECTED = "rejected"
    RETIRED = "retired"  # its source text is gone or a curated entry disabled it


class DeliveryState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    UNCERTAIN = "uncertain"  # may or may not have reached Telegram (lease lost, read timeout)
    FAILED = "failed_permanent"
    EXPIRED = "expired"


# --------------------------------------------------------------------------- organisation


class Branch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    group_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    invite_code: str = Field(max_length=64, unique=True)
    active: bool = True  # false once the branch is no longer in the config: nobody can join it
    created_at: datetime = _utc()


class Member(SQLModel, table=True):
    """One person's membership of one branch.  A person is active in one branch at a time: the partial
    unique index holds that even against two processes approving at once."""

    __table_args__ = (
        UniqueConstraint("branch_id", "tg_user_id", name="uq_member_branch_user"),
        Index("ix_member_tg_user", "tg_user_id"),
        Index("uq_member_one_active", "tg_user_id", unique=True,
              sqlite_where=sql_text("status = 'active'"), postgresql_where=sql_text("status = 'active'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    tg_user_id: int = Field(sa_type=BigInteger)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)  # private chat; updated on migration
    name: str = Field(max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language: str = Field(default="zh", max_length=8)
    role: Role = Field(default=Role.MEMBER, sa_type=EnumString(Role))  # type: ignore[call-overload]
    standing: Standing = Field(default=Standing.FULL, sa_type=EnumString(Standing))  # type: ignore[call-overload]
    status: MemberStatus = Field(default=MemberStatus.PENDING, sa_type=EnumString(MemberStatus))  # type: ignore[call-overload]
    reachable: bool = True  # false once Telegram says the member blocked the bot
    push_time: str | None = Field(default=None, max_length=5)  # "HH:MM" local; None = branch default
    push_paused: bool = False  # /push off: no daily snippet and no quiz nudge until /push on
    joined_at: datetime | None = _utc(default=None)
    removed_at: datetime | None = _utc(default=None)  # set by a removal; only a secretary's approval clears it
    acting_branch_id: int | None = None  # a committee admin's chosen branch (checked against their scope)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class AuditEntry(SQLModel, table=True):
    """Who did what that a secretary may later need to explain (role changes, refusals, removals)."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int | None = Field(default=None, foreign_key="branch.id", index=True)
    actor_tg_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=48)
    detail: str = Field(default="", sa_type=Text)
    at: datetime = _utc(index=True)


# --------------------------------------------------------------------------- content


class Material(SQLModel, table=True):
    """One document (article) of the branch's study materials, as the pipeline recognised it."""

    __table_args__ = (UniqueConstraint("branch_id", "doc_key", name="uq_material_branch_doc"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    doc_key: str = Field(max_length=128)
    file_name: str = Field(max_length=255)
    title: str = Field(max_length=500)
    source: str | None = Field(default=None, max_length=255)
    published: date | None = None
    active: bool = True
    added_at: datetime = _utc()


class StudyUnit(SQLModel, table=True):
    """A daily snippet; ``position`` orders the branch's study plan."""

    __table_args__ = (UniqueConstraint("branch_id", "unit_key", name="uq_unit_branch_key"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    unit_key: str = Field(max_length=64)
    doc_key: str = Field(max_length=128)
    title: str = Field(max_length=500)
    heading: str | None = Field(default=None, max_length=500)
    source: str | None = Field(default=None, max_length=255)
    text: str = Field(sa_type=Text)
    position: int = Field(index=True)
    active: bool = True


class StudyProgress(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("member_id", "unit_id", name="uq_progress_member_unit"),
        Index("ix_progress_branch_time", "branch_id", "delivered_at"),  # the figures count by branch and period
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    unit_id: int = Field(foreign_key="studyunit.id")
    delivered_at: datetime = _utc()
    read_at: datetime | None = _utc(default=None)


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
    reviewed_by: int | None = Field(default=None, sa_type=BigInteger)
    reviewed_at: datetime | None = _utc(default=None)
    updated_at: datetime = _utc()


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
    answered_at: datetime = _utc(index=True)


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
    due_at: datetime = _utc(index=True)
    last_review: datetime | None = _utc(default=None)
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
    sent_at: datetime = _utc()


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
    started_at: datetime = _utc()
    active_at: datetime = _utc()  # the last answer or toggle: idle expiry counts from here
    ended_at: datetime | None = _utc(default=None)


# --------------------------------------------------------------------------- meetings


class MeetingKind(StrEnum):
    GENERAL = "党员大会"  # 支部党员大会: needs more than half of the full members present
    COMMITTEE = "支委会"
    GROUP = "党小组会"
    LECTURE = "党课"
    THEME_DAY = "主题党日"
    OTHER = "其他"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"  # for an occurrence of a series: skipped


class Audience(StrEnum):
    BRANCH = "branch"  # every active member
    COMMITTEE = "committee"  # 书记 and 委员 (role secretary or above)
    GROUP = "group"  # one 党小组 (``audience_group``)
    LIST = "list"  # the members in ``audience_ids``


class Origin(StrEnum):
    CONFIG = "config"  # a seed from the config file: inserted once, then the chat owns it
    CHAT = "chat"
    SERIES = "series"  # an occurrence of a recurring meeting


class MeetingSeries(SQLModel, table=True):
    """A recurring meeting: on ``day`` of every month at ``local_time``; occurrences are Meeting rows
    created ahead by the reminder producer, so one can be edited or skipped without touching the rest."""

    __table_args__ = (UniqueConstraint("branch_id", "key", name="uq_series_branch_key"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    key: str | None = Field(default=None, max_length=64)  # a seed from the config; None when made in chat
    kind: str = Field(max_length=16)
    topic: str = Field(max_length=500)
    day: int  # 1–28: every month has it
    local_time: str = Field(max_length=5)  # "HH:MM" in the branch timezone
    duration_minutes: int = 90
    place: str = Field(max_length=255)
    host: str | None = Field(default=None, max_length=64)
    recorder: str | None = Field(default=None, max_length=64)
    agenda: str | None = Field(default=None, sa_type=Text)
    audience: str = Field(default=Audience.BRANCH, max_length=16)
    audience_group: str | None = Field(default=None, max_length=32)
    audience_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _utc()


class Meeting(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("branch_id", "key", name="uq_meeting_branch_key"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    key: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # MeetingKind
    topic: str = Field(max_length=500)
    starts_at: datetime = _utc(index=True)
    ends_at: datetime = _utc()
    place: str = Field(max_length=255)
    host: str | None = Field(default=None, max_length=64)
    recorder: str | None = Field(default=None, max_length=64)
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="scheduled", max_length=16)  # MeetingStatus
    minutes: str | None = Field(default=None, sa_type=Text)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _utc()
    agenda: str | None = Field(default=None, sa_type=Text)
    audience: str = Field(default=Audience.BRANCH, max_length=16)
    audience_group: str | None = Field(default=None, max_length=32)
    audience_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    origin: str = Field(default=Origin.CHAT, max_length=16)
    series_id: int | None = Field(default=None, foreign_key="meetingseries.id", index=True)
    # bumped by every change made in chat: a seed with revision > 0 is the chat's, and each revision is
    # announced once to everyone already notified
    revision: int = 0
    checkin_secret: str = Field(default="", max_length=64)  # the rotating check-in code derives from it
    updated_at: datetime | None = _utc(default=None)


class LeaveStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Rsvp(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_rsvp_meeting_member"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    response: str = Field(max_length=16)  # attend / leave
    reason: str | None = Field(default=None, max_length=500)  # 请假 reason
    responded_at: datetime = _utc()
    leave_status: str | None = Field(default=None, max_length=16)  # LeaveStatus, for response == leave
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    decided_at: datetime | None = _utc(default=None)


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


class Attendance(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_attendance_meeting_member"),
        Index("ix_attendance_member", "member_id"),  # "last attended" per member, for the early warning
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    checked_in_at: datetime = _utc()
    method: str = Field(default="self", max_length=16)  # self / secretary
    status: str = Field(default=AttendanceStatus.PRESENT, max_length=16)
    note: str | None = Field(default=None, max_length=500)  # a secretary's reason (excused)


class CheckinMiss(SQLModel, table=True):
    """A wrong or stale check-in code: counted to slow down guessing."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    at: datetime = _utc(index=True)


class PartyGroup(SQLModel, table=True):
    """Membership of a 党小组 (one per member), for meetings addressed to a party group."""

    __table_args__ = (UniqueConstraint("member_id", name="uq_partygroup_member"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    name: str = Field(max_length=32)
    member_id: int = Field(foreign_key="member.id")


class Makeup(SQLModel, table=True):
    """补学: an absent or excused member owes the meeting's study — its materials and a short quiz on them.

    Done (``completed_at``) once the materials are read (``read_at``) and the quiz session started for it
    (``quiz_session_id``) is finished; when no question on the materials is published, reading is enough.
    """

    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_makeup_meeting_member"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    assigned_at: datetime = _utc()
    read_at: datetime | None = _utc(default=None)
    quiz_session_id: int | None = None
    completed_at: datetime | None = _utc(default=None)


# --------------------------------------------------------------------------- delivery


class Delivery(SQLModel, table=True):
    """The outbox: one row per (kind, subject, offset, recipient); the unique key makes inserts idempotent."""

    __table_args__ = (Index("ix_delivery_state_due", "state", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    dedup_key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=32)
    subject_id: int | None = None
    member_id: int | None = Field(default=None, foreign_key="member.id")
    chat_id: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = _utc()
    expires_at: datetime | None = _utc(default=None)
    state: str = Field(default=DeliveryState.PENDING, max_length=20)
    attempts: int = 0  # requests that may have reached Telegram (counted when recorded, before they leave)
    claimed_by: str | None = Field(default=None, max_length=64)
    # set, and committed, just before this claim's request leaves; NULL on a claim means "never tried", so a
    # sender killed before it got to the row hands it back to pending instead of calling it uncertain
    attempted_at: datetime | None = _utc(default=None)
    # the last time this row's fate was unknown; kept after a resend so the figures can count duplicates
    uncertain_at: datetime | None = _utc(default=None)
    lease_until: datetime | None = _utc(default=None)
    sent_at: datetime | None = _utc(default=None)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _utc()
