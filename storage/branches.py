"""Branches: the rows the config describes, and which of them a caller sees.

The config is authoritative: every start writes each configured branch's name, invite code and group
(``ensure_branch``) and retires those no longer listed, whose rows stay for the ledgers but take no new
members.  ``storage.members`` re-exports these functions, so callers holding a member store keep
writing ``member_store.get_branch``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.errors import NotFound
from storage.inputs import valid_id
from storage.models import Branch
from storage.scope import Scope


def ensure_branch(
    *, session: Session, key: str, name: str, invite_code: str, group_chat_id: int | None, now: datetime
) -> Branch:
    """Create or update a branch from the config (the config is authoritative for these fields)."""
    branch = session.exec(select(Branch).where(Branch.key == key)).first()
    if branch is None:
        branch = Branch(key=key, name=name, invite_code=invite_code, group_chat_id=group_chat_id, created_at=now)
    else:
        branch.name, branch.invite_code, branch.group_chat_id = name, invite_code, group_chat_id
    branch.active = True
    session.add(branch)
    session.flush()
    return branch


def retire_branches(*, session: Session, keep_keys: list[str]) -> int:
    """Branches dropped from the config stop taking members; their rows stay for the ledgers."""
    count = 0
    for branch in session.exec(select(Branch).where(col(Branch.key).not_in(keep_keys), col(Branch.active))):
        branch.active = False
        session.add(branch)
        count += 1
    return count


def list_branches(*, session: Session, include_inactive: bool = False) -> list[Branch]:
    query = select(Branch)
    if not include_inactive:
        query = query.where(col(Branch.active))
    return list(session.exec(query.order_by(col(Branch.id))))


def get_branch(*, session: Session, branch_id: int) -> Branch:
    branch = session.get(Branch, branch_id) if valid_id(branch_id) else None
    if branch is None:
        raise NotFound("branch_not_found")
    return branch


def branch_by_key(*, session: Session, key: str) -> Branch | None:
    return session.exec(select(Branch).where(Branch.key == key)).first()


def branches_in(*, session: Session, scope: Scope) -> list[Branch]:
    """The active branches ``scope`` sees."""
    return [b for b in list_branches(session=session) if b.id is not None and scope.sees_branch(b.id)]
