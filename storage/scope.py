"""Who may see what: the one rule, computed once per update and handed to every query as ``scope=``.

::

    member     ─▶ themself                    (their own rows)
    secretary  ─▶ their branch                (everyone and everything in it)
    committee  ─▶ every branch, or the branches the config lists for them

A committee admin is not a member of a branch by being an admin: their ``acting_branch_id`` is the branch
they chose to act on (remembered on their row), used by commands that act on one branch; commands that
allow it act across all branches in ``branch_ids``.  Someone who is not an active member sees nothing.

Storage functions take a ``Scope`` and filter with :meth:`Scope.where` (queries) or check single rows
with :meth:`Scope.sees_branch` / :meth:`Scope.sees_member`; nothing else decides visibility.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from storage.models import Member, MemberStatus, Role


@dataclass(frozen=True)
class Scope:
    """What one caller may see.  ``branch_ids`` ``None`` means every branch (an unrestricted admin)."""

    role: Role | None  # None: not an active member — sees nothing
    member_id: int | None = None
    tg_user_id: int | None = None
    branch_ids: frozenset[int] | None = frozenset()
    acting_branch_id: int | None = None  # the branch a one-branch command acts on

    # ----------------------------------------------------------------- building: the rule

    @classmethod
    def nobody(cls) -> Scope:
        return cls(role=None)

    @classmethod
    def everything(cls) -> Scope:
        """The system's own view (the scheduler's producers, start-up, tests): every branch, nobody acting."""
        return cls(role=Role.ADMIN, branch_ids=None)

    @classmethod
    def of(cls, member: Member | None, *, admin_branches: Iterable[int] | None = None,
           is_admin: bool | None = None) -> Scope:
        """The rule.  ``is_admin`` (from the config) overrides the row's role when given;
        ``admin_branches`` are the branch ids listed for an admin (``None``: every branch)."""
        if member is None or member.status != MemberStatus.ACTIVE or member.id is None:
            return cls.nobody()
        admin = member.role == Role.ADMIN if is_admin is None else is_admin
        if admin:
            listed = frozenset(admin_branches) if admin_branches is not None else None
            acting = member.acting_branch_id
            if acting is None or (listed is not None and acting not in listed):
                acting = member.branch_id if listed is None or member.branch_id in listed else min(listed, default=None)
            return cls(Role.ADMIN, member.id, member.tg_user_id, listed, acting)
        # an admin row the config no longer lists holds no office: it sees what a member sees
        role = Role.SECRETARY if member.role == Role.SECRETARY else Role.MEMBER
        return cls(role, member.id, member.tg_user_id, frozenset({member.branch_id}), member.branch_id)

    # ----------------------------------------------------------------- asking

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def manages(self) -> bool:
        """Secretaries and admins see other people; members only themselves."""
        return self.role in (Role.SECRETARY, Role.ADMIN)

    def sees_branch(self, branch_id: int) -> bool:
        """Whether figures and people of ``branch_id`` are visible (a member: only through themself)."""
        if self.role is None:
            return False
        return self.branch_ids is None or branch_id in self.branch_ids

    def sees_member(self, member: Member) -> bool:
        if self.role is None:
            return False
        if self.role == Role.MEMBER:
            return member.id == self.member_id
        return self.sees_branch(member.branch_id)

    def where(self, branch_column: Any, member_column: Any | None = None) -> ColumnElement[bool]:
        """A WHERE clause limiting rows to this scope; ``member_column`` narrows a member to their own rows."""
        if self.role is None:
            return false()
        if self.role == Role.MEMBER and member_column is not None:
            return col(member_column) == self.member_id  # type: ignore[no-any-return]
        if self.branch_ids is None:
            return true()
        return col(branch_column).in_(sorted(self.branch_ids))
