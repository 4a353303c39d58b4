"""Members: finding who speaks and who belongs, reachability, language, and the audit trail.

Why apart from registration (``storage.registration``) and the roster (``storage.roster``): every
feature looks members up and writes audit entries, while only ``/start`` and a secretary's decisions
change who belongs.  A person may have several rows (one per branch over time); ``find_member`` picks
the one that speaks for them, active first.  The branch functions of ``storage.branches`` are
re-exported here, as most callers reach branches through the member store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.branches import branch_by_key, branches_in, ensure_branch, get_branch, list_branches, retire_branches
from storage.errors import NotFound, PermissionDenied
from storage.inputs import clean_text, valid_id
from storage.models import ROLE_RANK, AuditEntry, Branch, Member, MemberStatus, Role
from storage.scope import Scope

__all__ = ["audit", "branch_by_key", "branches_in", "committee_admins", "ensure_branch", "find_member",
           "get_branch", "get_member", "is_at_least", "list_branches", "list_members", "mark_reachable",
           "mark_unreachable", "resolve_caller", "retire_branches", "secretaries_of", "set_acting_branch",
           "set_language"]


# --------------------------------------------------------------------------- lookups


_STATUS_PREFERENCE = {MemberStatus.ACTIVE: 0, MemberStatus.PENDING: 1, MemberStatus.REJECTED: 2,
                      MemberStatus.LEFT: 3, MemberStatus.WITHDRAWN: 4}


def find_member(*, session: Session, tg_user_id: int) -> Member | None:
    """The membership that speaks for this user: active first, then pending, then the rest."""
    rows = session.exec(select(Member).where(Member.tg_user_id == tg_user_id)).all()
    if not rows:
        return None
    return min(rows, key=lambda m: (_STATUS_PREFERENCE[m.status], -(m.id or 0)))


def resolve_caller(
    *, session: Session, tg_user_id: int, is_admin: bool, admin_branch_keys: Sequence[str] = ()
) -> tuple[Member | None, Scope]:
    """Who is speaking and what they may see, read in one transaction.  ``is_admin`` and the branch keys
    listed for them come from the config (no keys: every branch)."""
    member = find_member(session=session, tg_user_id=tg_user_id)
    listed: list[int] | None = None
    if is_admin and admin_branch_keys:
        rows = session.exec(select(Branch.id).where(col(Branch.key).in_(list(admin_branch_keys))))
        listed = [branch_id for branch_id in rows if branch_id is not None]
    return member, Scope.of(member, is_admin=is_admin, admin_branches=listed)


def get_member(*, session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id) if valid_id(member_id) else None
    if member is None:
        raise NotFound("member_not_found", member_id=member_id)
    return member


def list_members(
    *, session: Session, scope: Scope, branch_id: int | None = None, include_left: bool = False
) -> list[Member]:
    """The people ``scope`` sees (in ``branch_id`` only, if given), active and pending first.  Committee
    admins are not counted as members of the branch their row sits in."""
    query = select(Member).where(scope.where(Member.branch_id, Member.id), Member.role != Role.ADMIN)
    if branch_id is not None:
        query = query.where(Member.branch_id == branch_id)
    wanted = [MemberStatus.ACTIVE, MemberStatus.PENDING] + ([MemberStatus.LEFT] if include_left else [])
    query = query.where(col(Member.status).in_(wanted))
    return list(session.exec(query.order_by(col(Member.branch_id), col(Member.status), col(Member.id))))


def secretaries_of(*, session: Session, branch_id: int) -> list[Member]:
    """The branch's active secretaries (committee admins are not the branch's secretaries)."""
    query = select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE, Member.role == Role.SECRETARY,
    )
    return list(session.exec(query.order_by(col(Member.id))))


def committee_admins(*, session: Session) -> list[Member]:
    query = select(Member).where(Member.status == MemberStatus.ACTIVE, Member.role == Role.ADMIN)
    return list(session.exec(query.order_by(col(Member.id))))


def is_at_least(member: Member | None, role: Role) -> bool:
    if member is None or member.status != MemberStatus.ACTIVE:
        return False
    return ROLE_RANK[member.role] >= ROLE_RANK[role]


# --------------------------------------------------------------------------- contact and audit


def mark_unreachable(*, session: Session, member_id: int, now: datetime) -> tuple[Member, bool]:
    """Telegram refused a message (blocked, deleted account); ``True`` when this is news."""
    member = get_member(session=session, member_id=member_id)
    changed = member.reachable
    member.reachable = False
    member.updated_at = now
    session.add(member)
    return member, changed


def mark_reachable(*, session: Session, tg_user_id: int, now: datetime) -> int:
    """The user wrote to the bot or unblocked it: every membership of theirs is reachable again."""
    count = 0
    for member in session.exec(select(Member).where(Member.tg_user_id == tg_user_id, col(Member.reachable).is_(False))):
        member.reachable = True
        member.updated_at = now
        session.add(member)
        count += 1
    return count


def set_language(*, session: Session, member_id: int, language: str, now: datetime) -> Member:
    member = get_member(session=session, member_id=member_id)
    member.language = language
    member.updated_at = now
    session.add(member)
    return member


def audit(
    *, session: Session, branch_id: int | None, actor: int | None, action: str, now: datetime, detail: str = ""
) -> None:
    session.add(AuditEntry(branch_id=branch_id, actor_tg_id=actor, action=clean_text(action, limit=48),
                           detail=clean_text(detail, multiline=True), at=now))


def set_acting_branch(*, session: Session, scope: Scope, branch_id: int, now: datetime) -> Branch:
    """A committee admin chose the branch their one-branch commands act on; remembered on their row."""
    branch = session.get(Branch, branch_id) if valid_id(branch_id) else None
    if not scope.is_admin or scope.member_id is None:
        raise PermissionDenied()
    if branch is None or not branch.active or not scope.sees_branch(branch_id):
        raise NotFound("branch_not_found")
    member = get_member(session=session, member_id=scope.member_id)
    member.acting_branch_id = branch_id
    member.updated_at = now
    session.add(member)
    return branch
