"""How someone becomes a member: ``/start`` with or without an invite, and the config's own people.

Rules that live here (so tests check them without Telegram):

* ``/start <invite code>`` makes the user an active member of that branch at once;
* ``/start`` without a code files a *pending* request that a secretary approves or rejects;
* a Telegram id listed as a secretary in the config becomes an active secretary on first contact, and a
  committee admin an active admin;
* a person is active in one branch at a time: joining one withdraws requests pending in others;
* someone a secretary removed comes back only when a secretary approves them, invite link or not;
* an applicant a secretary rejected stays rejected, invite link or not, until a secretary readmits them
  (``/approve`` on the rejected request, ``storage.roster.decide``);
* names are cleaned of control characters where they enter the store (``storage.inputs``).
Looking members up is ``storage.members``; what secretaries do to the roster (decide, roles, standing,
removal, transfer) is ``storage.roster``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from storage.branches import list_branches
from storage.db import Database
from storage.inputs import clean_text, valid_id
from storage.members import audit, find_member
from storage.models import Branch, Member, MemberStatus, Role, Standing


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


# --------------------------------------------------------------------------- /start


RETRIES = 6


def register_retrying(database: Database, **kwargs: Any) -> Registration:
    """``register`` in its own transaction, retried when a concurrent ``/start`` of the same user (another
    process, a double tap) won the race: the retry then finds the row the winner wrote."""
    for attempt in range(RETRIES):
        try:
            return database.call(register, **kwargs)
        except (IntegrityError, OperationalError):
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


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
    user picked from the list when there are several and no code was given.  A person is active in one
    branch at a time: an active member is ``ALREADY`` wherever the code points (moving is a transfer),
    and joining one branch withdraws requests pending elsewhere.
    """
    secretary_ids = secretary_ids or {}
    user = replace(user, name=clean_text(user.name, limit=128) or str(user.tg_user_id),
                   username=clean_text(user.username, limit=64) or None if user.username else None)
    existing = find_member(session=session, tg_user_id=user.tg_user_id)
    if existing is not None and existing.status == MemberStatus.ACTIVE:
        _refresh_contact(existing, user, now)
        session.add(existing)
        return Registration(Outcome.ALREADY, existing, session.get(Branch, existing.branch_id))

    branch = _branch_for(session, user, invite_code, secretary_ids, admin_ids, branch_id)
    if isinstance(branch, Outcome):
        if branch == Outcome.STILL_PENDING and existing is not None:
            return Registration(branch, existing, session.get(Branch, existing.branch_id))
        return Registration(branch, existing)
    assert branch.id is not None
    member = session.exec(
        select(Member).where(Member.branch_id == branch.id, Member.tg_user_id == user.tg_user_id)
    ).first()
    is_secretary = user.tg_user_id in secretary_ids.get(branch.key, ())
    privileged = is_secretary or user.tg_user_id in admin_ids
    if member is None:
        member = Member(branch_id=branch.id, tg_user_id=user.tg_user_id, name=user.name, created_at=now,
                        updated_at=now)
    elif member.status == MemberStatus.REJECTED and not privileged:
        # a secretary said no: an invite link forwarded to them does not overrule that; /approve does
        return Registration(Outcome.REJECTED, member, branch)
    elif member.status == MemberStatus.PENDING and not privileged:
        return Registration(Outcome.STILL_PENDING, member, branch)
    # someone a secretary removed comes back only through a secretary, invite link or not
    returning = member.removed_at is not None and not privileged
    _refresh_contact(member, user, now)
    member.language = user.language
    if user.tg_user_id in admin_ids:
        member.role = Role.ADMIN
    elif is_secretary:
        member.role = Role.SECRETARY
    if (invite_code or privileged) and not returning:
        _withdraw_other_requests(session, user.tg_user_id, branch.id, now)
        member.status = MemberStatus.ACTIVE
        member.joined_at = now
        member.removed_at = None
        outcome = Outcome.JOINED
    else:
        member.status = MemberStatus.PENDING
        outcome = Outcome.PENDING
    session.add(member)
    session.flush()
    audit(session=session, branch_id=branch.id, actor=user.tg_user_id, action=f"register_{outcome}", now=now)
    return Registration(outcome, member, branch)


def _branch_for(
    session: Session, user: NewUser, invite_code: str | None, secretary_ids: Mapping[str, Sequence[int]],
    admin_ids: frozenset[int], branch_id: int | None,
) -> Branch | Outcome:
    """The branch this ``/start`` is about, or why there is none."""
    if invite_code:
        branch = session.exec(
            select(Branch).where(Branch.invite_code == invite_code.strip(), col(Branch.active))
        ).first()
        return branch if branch is not None else Outcome.BAD_CODE
    configured = [key for key, ids in secretary_ids.items() if user.tg_user_id in ids]
    if configured:
        found = session.exec(select(Branch).where(Branch.key == configured[0], col(Branch.active))).first()
        if found is not None:
            return found
    if branch_id is not None and valid_id(branch_id):
        chosen = session.get(Branch, branch_id)
        if chosen is not None and chosen.active:
            return chosen
    pending = session.exec(select(Member).where(Member.tg_user_id == user.tg_user_id,
                                                Member.status == MemberStatus.PENDING)).first()
    if pending is not None and user.tg_user_id not in admin_ids:
        return Outcome.STILL_PENDING
    branches = list_branches(session=session)
    if len(branches) == 1 or (branches and user.tg_user_id in admin_ids):  # an admin acts on all; any row will do
        return branches[0]
    return Outcome.CHOOSE_BRANCH


def _withdraw_other_requests(session: Session, tg_user_id: int, branch_id: int, now: datetime) -> None:
    """Joining one branch ends requests waiting in others (a person belongs to one branch at a time)."""
    for other in session.exec(select(Member).where(Member.tg_user_id == tg_user_id, Member.branch_id != branch_id,
                                                   Member.status == MemberStatus.PENDING)):
        other.status = MemberStatus.WITHDRAWN
        other.updated_at = now
        session.add(other)
        audit(session=session, branch_id=other.branch_id, actor=tg_user_id, action="request_withdrawn",
              detail=f"member {other.id}", now=now)
    session.flush()


def _refresh_contact(member: Member, user: NewUser, now: datetime) -> None:
    member.name = clean_text(user.name, limit=128) or member.name
    member.username = clean_text(user.username, limit=64) or None if user.username else None
    if user.chat_id is not None:
        member.chat_id = user.chat_id
    member.updated_at = now


# --------------------------------------------------------------------------- the config's own people


def enroll(
    *, session: Session, branch_id: int, user: NewUser, role: Role, now: datetime, standing: Standing = Standing.FULL
) -> Member:
    """Make ``user`` an active member with ``role`` at once (configured secretaries, the offline demo)."""
    member = session.exec(
        select(Member).where(Member.branch_id == branch_id, Member.tg_user_id == user.tg_user_id)
    ).first()
    if member is None:
        member = Member(branch_id=branch_id, tg_user_id=user.tg_user_id, name=clean_text(user.name, limit=128),
                        created_at=now, updated_at=now, standing=standing, language=user.language)
    _refresh_contact(member, user, now)
    member.role = role
    if member.status != MemberStatus.ACTIVE:
        for other in session.exec(select(Member).where(Member.tg_user_id == user.tg_user_id,
                                                       Member.status == MemberStatus.ACTIVE)):
            other.status = MemberStatus.LEFT  # one branch at a time, also for the demo's role switch
            session.add(other)
        session.flush()
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
        if member.status == MemberStatus.ACTIVE and member.role in (Role.MEMBER, Role.COMMITTEE):
            member.role = Role.SECRETARY
            member.updated_at = now
            session.add(member)
            changed += 1
    return changed
