"""Who belongs where: branches, their members with role, standing and status, 党小组 and the audit trail.

Every other table hangs off these two: a row's ``branch_id`` scopes it, a ``member_id`` names the person.
A person may have rows in several branches over time (transfers), but is active in one at a time.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ColumnElement, Index, Text, UniqueConstraint, or_
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel, col

from storage.enumtype import EnumString
from storage.models.fields import utc_field


class Role(StrEnum):
    MEMBER = "member"
    COMMITTEE = "committee"  # 支委 (组织委员、宣传委员…): expected at 支委会, holds no secretary powers
    SECRETARY = "secretary"
    ADMIN = "admin"  # committee admin (党委): sees every branch


# A 支委's seat is no power: they rank as a member for every command, and only the 支委会 audience reads it.
ROLE_RANK = {Role.MEMBER: 0, Role.COMMITTEE: 0, Role.SECRETARY: 1, Role.ADMIN: 2}
# Who sits on the branch committee (支部委员会): its 委员 and its secretaries.
ON_COMMITTEE = frozenset({Role.COMMITTEE, Role.SECRETARY})


class Standing(StrEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员


class MemberStatus(StrEnum):
    PENDING = "pending"  # asked to join without an invite, waits for a secretary
    ACTIVE = "active"
    REJECTED = "rejected"
    LEFT = "left"  # removed or transferred out; kept for the ledgers
    WITHDRAWN = "withdrawn"  # a request that lapsed because the person joined another branch


class Branch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    group_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    invite_code: str = Field(max_length=64, unique=True)
    active: bool = True  # false once the branch is no longer in the config: nobody can join it
    created_at: datetime = utc_field()


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
    joined_at: datetime | None = utc_field(default=None)
    removed_at: datetime | None = utc_field(default=None)  # set by a removal; only a secretary's approval clears it
    acting_branch_id: int | None = None  # a committee admin's chosen branch (checked against their scope)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()

    def joined_before(self, end: datetime) -> bool:
        """Whether they had joined before ``end`` — :func:`joined_before`'s rule, for a row already read."""
        return self.joined_at is None or self.joined_at < end


def joined_before(end: datetime) -> ColumnElement[bool]:
    """The one rule for "a member of a period (or of a meeting) that ends, or starts, at ``end``": joined
    strictly before it.  Every period is half-open, ``[start, end)`` (``storage.stats.in_window``): its end is
    the first instant *not* in it, so one approved exactly at a week's end is a member of the next week, not
    of a week they were in for no time at all, and no activity of theirs could count in it either.  A period
    that ends now is given ``end = now + 1 µs`` (``storage.stats.through``), so it holds whoever was approved
    this very instant.  A meeting's 应到 asks at its start: one approved at that instant was not expected.
    Used by a meeting's 应到, /stats and the committee view's denominators, and the weekly digest; a row
    without ``joined_at`` (enrolled before the column was filled) counts as joined from the beginning."""
    return or_(col(Member.joined_at).is_(None), col(Member.joined_at) < end)


class PartyGroup(SQLModel, table=True):
    """Membership of a 党小组 (one per member), for meetings addressed to a party group."""

    __table_args__ = (UniqueConstraint("member_id", name="uq_partygroup_member"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    name: str = Field(max_length=32)
    member_id: int = Field(foreign_key="member.id")


class AuditEntry(SQLModel, table=True):
    """Who did what that a secretary may later need to explain (role changes, refusals, removals)."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int | None = Field(default=None, foreign_key="branch.id", index=True)
    actor_tg_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=48)
    detail: str = Field(default="", sa_type=Text)
    at: datetime = utc_field(index=True)
