"""Meetings (三会一课) from plan to ledger: series and occurrences, RSVPs and leave, attendance, 补学.

A recurring meeting is a ``MeetingSeries`` whose occurrences are ordinary ``Meeting`` rows, so every
other table here refers to one meeting and never needs to know whether it came from a series.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.fields import utc_field


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
    created_at: datetime = utc_field()


class Meeting(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("branch_id", "key", name="uq_meeting_branch_key"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    key: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # MeetingKind
    topic: str = Field(max_length=500)
    starts_at: datetime = utc_field(index=True)
    ends_at: datetime = utc_field()
    place: str = Field(max_length=255)
    host: str | None = Field(default=None, max_length=64)
    recorder: str | None = Field(default=None, max_length=64)
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="scheduled", max_length=16)  # MeetingStatus
    minutes: str | None = Field(default=None, sa_type=Text)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = utc_field()
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
    updated_at: datetime | None = utc_field(default=None)


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
    responded_at: datetime = utc_field()
    leave_status: str | None = Field(default=None, max_length=16)  # LeaveStatus, for response == leave
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    decided_at: datetime | None = utc_field(default=None)


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


# The marks that count as "came" — the one definition the roster, quorum, /me, /stats, the ledger, the digest
# and the 补学 all read: an attendance row records what happened, and a secretary may mark excused or absent.
CAME: frozenset[str] = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


class Attendance(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_attendance_meeting_member"),
        Index("ix_attendance_member", "member_id"),  # "last attended" per member, for the early warning
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    checked_in_at: datetime = utc_field()
    method: str = Field(default="self", max_length=16)  # self / secretary
    status: str = Field(default=AttendanceStatus.PRESENT, max_length=16)
    note: str | None = Field(default=None, max_length=500)  # a secretary's reason (excused)


class CheckinMiss(SQLModel, table=True):
    """A wrong or stale check-in code: counted to slow down guessing."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    at: datetime = utc_field(index=True)


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
    assigned_at: datetime = utc_field()
    read_at: datetime | None = utc_field(default=None)
    quiz_session_id: int | None = None
    completed_at: datetime | None = utc_field(default=None)
