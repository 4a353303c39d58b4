"""Members, roles and the registration path.

Rules that live here (so tests check them without Telegram):

* ``/start <invite code>`` makes the user an active member of that branch at once;
* ``/start`` without a code files a *pending* request that a secretary approves or rejects;
* a Telegram id listed as a secretary in the config becomes an active secretary on first contact, and a
  committee admin an active admin;
* a secretary acts only inside their own branch and never on a committee admin; a committee admin acts
  in every branch;
* nobody removes themselves, and a branch always keeps one secretary (stepping down needs a successor).
Every change a secretary makes is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.models import ROLE_RANK, AuditEntry, Branch, Member, MemberStatus, Role, Standing


class Outcome(StrEnum):
    JOINED = "joined"  # active now (valid invite, configured secretary or admin)
    ALREADY = "already"  # was active already
    PENDING = "pending"  # request filed, a secretary decides
    STILL_PENDING = "still_pending"
    CHOOSE_BRANCH = "choose_branch"  # several branches and no invite: the user must pick one
    BAD_CODE = "bad_code"
    REJECTED = "rejected"  # a secretary rejected an earlier request


@dataclass(frozen=True)
class Registration:
    outcome: Outcome
    member: Member | None = None
    branch: Branch | None = None


@dataclass(frozen=True)
class NewUser:
    """What Telegram tells us about a user; kept apart from ``Member`` so callers need no ORM object."""

    tg_user_id: int
    name: str
    username: str | None = None
    language: str = "zh"
    chat_id: int | None = None


# --------------------------------------------------------------------------- branches


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
    branch = session.get(Branch, branch_id)
    if branch is None:
        raise NotFound("branch_not_found")
    return branch


def branch_by_key(*, session: Session, key: str) -> Branch | None:
    return session.exec(select(Branch).where(Branch.key == key)).first()


# --------------------------------------------------------------------------- lookups


_STATUS_PREFERENCE = {MemberStatus.ACTIVE: 0, MemberStatus.PENDING: 1, MemberStatus.REJECTED: 2, MemberStatus.LEFT: 3}


def find_member(*, session: Session, tg_user_id: int) -> Member | None:
    """The membership that speaks for this user: active first, then pending, then the rest."""
    rows = session.exec(select(Member).where(Member.tg_user_id == tg_user_id)).all()
    if not rows:
        return None
    return min(rows, key=lambda m: (_STATUS_PREFERENCE[MemberStatus(m.status)], -(m.id or 0)))


def get_member(*, session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("member_not_found", member_id=member_id)
    return member


def list_members(*, session: Session, branch_id: int, include_left: bool = False) -> list[Member]:
    query = select(Member).where(Member.branch_id == branch_id)
    if not include_left:
        query = query.where(col(Member.status).in_([MemberStatus.ACTIVE, MemberStatus.PENDING]))
    return list(session.exec(query.order_by(col(Member.status), col(Member.id))))


def secretaries_of(*, session: Session, branch_id: int) -> list[Member]:
    query = select(Member).where(
        Member.branch_id == branch_id,
        Member.status == MemberStatus.ACTIVE,
        col(Member.role).in_([Role.SECRETARY, Role.ADMIN]),
    )
    return list(session.exec(query.order_by(col(Member.id))))


def committee_admins(*, session: Session) -> list[Member]:
    query = select(Member).where(Member.status == MemberStatus.ACTIVE, Member.role == Role.ADMIN)
    return list(session.exec(query.order_by(col(Member.id))))


def is_at_least(member: Member | None, role: Role) -> bool:
    if member is None or member.status != MemberStatus.ACTIVE:
        return False
    return ROLE_RANK[Role(member.role)] >= ROLE_RANK[role]


# --------------------------------------------------------------------------- registration


def register(
    *,
    session: Session,
    user: NewUser,
    invite_code: str | None,
    now: datetime,
    secretary_ids: Mapping[str, Sequence[int]] | None = None,
    admin_ids: frozenset[int] = frozenset(),
    branch_id: int | None = None,
) -> Registration:
    """Handle ``/start``: join with a code, file a request without one, or recognise a known user.

    ``secretary_ids`` maps branch key → configured secretary Telegram ids; ``branch_id`` is the branch a
    user picked from the list when there are several and no code was given.
    """
    secretary_ids = secretary_ids or {}
    existing = find_member(session=session, tg_user_id=user.tg_user_id)
    if existing is not None and existing.status == MemberStatus.ACTIVE:
        _refresh_contact(existing, user, now)
        session.add(existing)
        return Registration(Outcome.ALREADY, existing, session.get(Branch, existing.branch_id))

    branch: Branch | None = None
    if invite_code:
        branch = session.exec(
            select(Branch).where(Branch.invite_code == invite_code.strip(), col(Branch.active))
        ).first()
        if branch is None:
            return Registration(Outcome.BAD_CODE, existing)

    configured = [key for key, ids in secretary_ids.items() if user.tg_user_id in ids]
    if branch is None and configured:
        branch = session.exec(select(Branch).where(Branch.key == configured[0], col(Branch.active))).first()
    if branch is None and branch_id is not None:
        chosen = session.get(Branch, branch_id)
        branch = chosen if chosen is not None and chosen.active else None
    if branch is None and existing is not None and existing.status == MemberStatus.PENDING:
        return Registration(Outcome.STILL_PENDING, existing, session.get(Branch, existing.branch_id))
    if branch is None:
        branches = list_branches(session=session)
        if len(branches) == 1:
            branch = branches[0]
        else:
            return Registration(Outcome.CHOOSE_BRANCH, existing)

    assert branch.id is not None
    member = session.exec(
        select(Member).where(Member.branch_id == branch.id, Member.tg_user_id == user.tg_user_id)
    ).first()
    is_secretary = user.tg_user_id in secretary_ids.get(branch.key, ())
    is_admin = user.tg_user_id in admin_ids
    privileged = is_secretary or is_admin
    if member is None:
        member = Member(
            branch_id=branch.id, tg_user_id=user.tg_user_id, name=user.name[:128], created_at=now, updated_at=now
        )
    elif member.status == MemberStatus.REJECTED and not (invite_code or privileged):
        return Registration(Outcome.REJECTED, member, branch)
    elif member.status == MemberStatus.PENDING and not privileged:
        return Registration(Outcome.STILL_PENDING, member, branch)
    # someone a secretary removed comes back only through a secretary, invite link or not
    returning = member.status == MemberStatus.LEFT and not privileged
    _refresh_contact(member, user, now)
    member.language = user.language
    if is_admin:
        member.role = Role.ADMIN
    elif is_secretary:
        member.role = Role.SECRETARY
    if (invite_code or privileged) and not returning:
        member.status = MemberStatus.ACTIVE
        member.joined_at = now
        outcome = Outcome.JOINED
    else:
        member.status = MemberStatus.PENDING
        outcome = Outcome.PENDING
    session.add(member)
    session.flush()
    audit(session=session, branch_id=branch.id, actor=user.tg_user_id, action=f"register_{outcome}", now=now)
    return Registration(outcome, member, branch)


def _refresh_contact(member: Member, user: NewUser, now: datetime) -> None:
    member.name = user.name[:128] or member.name
    member.username = user.username
    if user.chat_id is not None:
        member.chat_id = user.chat_id
    member.updated_at = now


# --------------------------------------------------------------------------- secretary actions


def _authorise(session: Session, actor: Member, target: Member) -> None:
    if not is_at_least(actor, Role.SECRETARY):
        raise PermissionDenied()
    if actor.role != Role.ADMIN and actor.branch_id != target.branch_id:
        raise NotFound("member_not_found", member_id=target.id)
    if target.role == Role.ADMIN and actor.role != Role.ADMIN:
        raise PermissionDenied()



def _target(session: Session, actor: Member, member_id: int) -> Member:
    target = session.get(Member, member_id)
    if target is None:
        raise NotFound("member_not_found", member_id=member_id)
    _authorise(session, actor, target)
    return target


def decide(*, session: Session, actor: Member, member_id: int, approve: bool, now: datetime) -> Member:
    """Approve or reject a pending request; deciding twice (double tap, two secretaries) is an error."""
    target = _target(session, actor, member_id)
    if target.status != MemberStatus.PENDING:
        raise InvalidState("already_decided", name=target.name, status=target.status)
    target.status = MemberStatus.ACTIVE if approve else MemberStatus.REJECTED
    target.joined_at = now if approve else None
    target.updated_at = now
    session.add(target)
    audit(session=session, branch_id=target.branch_id, actor=actor.tg_user_id,
          action="approve" if approve else "reject", detail=f"member {target.id}", now=now)
    return target


def set_role(*, session: Session, actor: Member, member_id: int, role: Role, now: datetime) -> Member:
    target = _target(session, actor, member_id)
    if role == Role.ADMIN and actor.role != Role.ADMIN:
        raise PermissionDenied()
    if target.status != MemberStatus.ACTIVE:
        raise InvalidState("not_active", name=target.name)
    if target.role == role:
        return target
    if role == Role.MEMBER and _would_leave_no_secretary(session, target):
        raise InvalidState("last_secretary", name=target.name)
    if role != Role.MEMBER and target.standing == Standing.PROBATIONARY:
        raise InvalidState("probationary_secretary", name=target.name)
    target.role = role
    target.updated_at = now
    session.add(target)
    audit(session=session, branch_id=target.branch_id, actor=actor.tg_user_id, action="set_role",
          detail=f"member {target.id} -> {role}", now=now)
    return target


def set_standing(*, session: Session, actor: Member, member_id: int, standing: Standing, now: datetime) -> Member:
    """预备党员 cannot hold branch office, so a secretary's standing stays 正式 while they hold it."""
    target = _target(session, actor, member_id)
    if standing == Standing.PROBATIONARY and target.role != Role.MEMBER:
        raise InvalidState("probationary_secretary", name=target.name)
    target.standing = standing
    target.updated_at = now
    session.add(target)
    audit(session=session, branch_id=target.branch_id, actor=actor.tg_user_id, action="set_standing",
          detail=f"member {target.id} -> {standing}", now=now)
    return target


def remove(*, session: Session, actor: Member, member_id: int, now: datetime) -> Member:
    """Mark a member as left; rows stay so the ledgers of past meetings remain complete."""
    target = removal_candidate(session=session, actor=actor, member_id=member_id)
    target.status = MemberStatus.LEFT
    target.role = Role.MEMBER  # a role is held, not owned: coming back starts as a member
    target.updated_at = now
    session.add(target)
    audit(session=session, branch_id=target.branch_id, actor=actor.tg_user_id, action="remove",
          detail=f"member {target.id}", now=now)
    return target


def removal_candidate(*, session: Session, actor: Member, member_id: int) -> Member:
    """The member ``actor`` may remove, checked before asking for confirmation and again on removal."""
    target = _target(session, actor, member_id)
    if target.id == actor.id:
        raise InvalidState("cannot_remove_self")
    if target.status == MemberStatus.LEFT:
        raise InvalidState("already_left", name=target.name)
    if _would_leave_no_secretary(session, target):
        raise InvalidState("last_secretary", name=target.name)
    return target


def _would_leave_no_secretary(session: Session, target: Member) -> bool:
    if target.role == Role.MEMBER or target.status != MemberStatus.ACTIVE:
        return False
    others = [m for m in secretaries_of(session=session, branch_id=target.branch_id) if m.id != target.id]
    return not others


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
    session.add(AuditEntry(branch_id=branch_id, actor_tg_id=actor, action=action[:48], detail=detail, at=now))


def enroll(
    *, session: Session, branch_id: int, user: NewUser, role: Role, now: datetime, standing: Standing = Standing.FULL
) -> Member:
    """Make ``user`` an active member with ``role`` at once (configured secretaries, the offline demo)."""
    member = session.exec(
        select(Member).where(Member.branch_id == branch_id, Member.tg_user_id == user.tg_user_id)
    ).first()
    if member is None:
        member = Member(branch_id=branch_id, tg_user_id=user.tg_user_id, name=user.name[:128], created_at=now,
                        updated_at=now, standing=standing, language=user.language)
    _refresh_contact(member, user, now)
    member.role = role
    if member.status != MemberStatus.ACTIVE:
        member.status = MemberStatus.ACTIVE
        member.joined_at = now
    session.add(member)
    session.flush()
    audit(session=session, branch_id=branch_id, actor=user.tg_user_id, action="enroll", detail=str(role), now=now)
    return member


def promote_configured(*, session: Session, branch_id: int, tg_user_ids: list[int], now: datetime) -> int:
    """A secretary added to the config after registering as a member becomes secretary on the next start."""
    changed = 0
    for member in session.exec(
        select(Member).where(Member.branch_id == branch_id, col(Member.tg_user_id).in_(tg_user_ids))
    ):
        if member.status == MemberStatus.ACTIVE and member.role == Role.MEMBER:
            member.role = Role.SECRETARY
            member.updated_at = now
            session.add(member)
            changed += 1
    return changed
