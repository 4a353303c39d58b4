"""What secretaries (and committee admins) do to the roster: decide requests, set roles and standing,
remove, transfer.

Rules that live here, so tests check them without Telegram:

* every action is limited by the actor's ``Scope`` (``storage.scope``): a secretary reaches their own
  branch, an admin the branches they see; a member nobody; a target outside the scope is "not found";
* a secretary never acts on a committee admin, and only the config makes someone an admin;
* nobody removes themselves, and a branch always keeps one secretary (stepping down needs a successor);
* 预备党员 hold no branch office, so an office holder's standing stays 正式;
* a person is active in one branch at a time: approving someone active elsewhere is refused, and moving
  them is an explicit transfer;
* a removal holds until a secretary readmits the person (``removed_at``, cleared by an approval);
* a request is decided once: two secretaries tapping 批准·正式 and 批准·预备 on one request at the same moment
  give one decision, and the other is told it was already decided.
Every change is written to the audit log; a request that changes nothing changes nothing (no audit).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.inputs import valid_id
from storage.members import audit, secretaries_of
from storage.models import Branch, Member, MemberStatus, Role, Standing
from storage.scope import Scope


def _scope(actor: Member, scope: Scope | None) -> Scope:
    return scope if scope is not None else Scope.of(actor)


def target(*, session: Session, actor: Member, member_id: int, scope: Scope | None = None,
           lock: bool = False) -> Member:
    """The member ``actor`` may act on; out of scope, out of range and unknown all read as "not found".
    ``lock``: read the row afresh ``FOR UPDATE`` (PostgreSQL), so a change judged on it is judged on the
    row as the last committed writer left it."""
    seen = _scope(actor, scope)
    if not seen.manages:
        raise PermissionDenied()
    found = (session.get(Member, member_id, with_for_update=True if lock else None, populate_existing=lock)
             if valid_id(member_id) else None)
    if found is None or not seen.sees_member(found):
        raise NotFound("member_not_found", member_id=member_id)
    if found.role == Role.ADMIN and not seen.is_admin:
        raise PermissionDenied()
    return found


def decision_candidate(*, session: Session, actor: Member, member_id: int, approve: bool,
                       scope: Scope | None = None, lock: bool = False, pending_only: bool = False) -> Member:
    """The request ``actor`` may still decide (pending, or rejected and being approved after all); deciding
    twice (double tap, two secretaries) is an error.  Read apart from ``decide`` so an approval can first
    ask which standing the newcomer gets.  ``pending_only``: a button under the request card, which decides
    the request it showed — once rejected (by ``/reject`` or another secretary's card) its 批准 is stale, and
    admitting on it would tell the applicant yes after no (trial T10); changing one's mind is ``/approve``."""
    row = target(session=session, actor=actor, member_id=member_id, scope=scope, lock=lock)
    readmit = approve and row.status == MemberStatus.REJECTED
    if readmit and pending_only:
        raise InvalidState("request_rejected", name=row.name, id=row.id, status=row.status)
    if row.status != MemberStatus.PENDING and not readmit:
        raise InvalidState("already_decided", name=row.name, id=row.id, status=row.status)
    return row


def decide(*, session: Session, actor: Member, member_id: int, approve: bool, now: datetime,
           scope: Scope | None = None, standing: Standing | None = None, pending_only: bool = False) -> Member:
    """Approve or reject a pending request.  A rejected applicant may still be approved later: the invite
    link no longer lets them in by themselves, so a secretary's change of mind is the way back.  An approval
    records the ``standing`` the secretary chose (正式 or 预备 is a Party fact, never a default); ``None``
    is only for callers outside chat that set it themselves."""
    row = decision_candidate(session=session, actor=actor, member_id=member_id, approve=approve, scope=scope,
                             lock=True, pending_only=pending_only)
    _claim(session, row, now)
    if approve:
        elsewhere = _active_elsewhere(session, row)
        if elsewhere is not None:
            raise InvalidState("active_elsewhere", name=row.name, branch=elsewhere.name)
    row.status = MemberStatus.ACTIVE if approve else MemberStatus.REJECTED
    row.joined_at = now if approve else None
    if approve:
        row.removed_at = None  # readmitted: the removal no longer holds
        if standing is not None:
            row.standing = standing
    row.updated_at = now
    session.add(row)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id,
          action="approve" if approve else "reject",
          detail=f"member {row.id}" + (f" {row.standing}" if approve else ""), now=now)
    return row


def _claim(session: Session, row: Member, now: datetime) -> None:
    """Take the request as it was judged, or fail as already decided.  The row lock covers PostgreSQL;
    SQLite takes no row lock and reads outside the write transaction, so the write itself is the check:
    it only applies while the status is still the one judged, and SQLite runs one writer at a time."""
    judged = row.status
    claimed = session.connection().execute(
        update(Member).where(col(Member.id) == row.id, col(Member.status) == judged).values(updated_at=now))
    if claimed.rowcount != 1:
        session.refresh(row)
        raise InvalidState("already_decided", name=row.name, id=row.id, status=row.status)


def _active_elsewhere(session: Session, row: Member) -> Branch | None:
    other = session.exec(select(Member).where(Member.tg_user_id == row.tg_user_id, Member.id != row.id,
                                              Member.status == MemberStatus.ACTIVE)).first()
    return session.get(Branch, other.branch_id) if other is not None else None


def set_role(*, session: Session, actor: Member, member_id: int, role: Role, now: datetime,
             scope: Scope | None = None) -> tuple[Member, bool]:
    """Give a member a branch role; ``True`` when something changed (a no-op notifies nobody)."""
    if role == Role.ADMIN:  # committee admins are named in the config, not appointed in chat
        raise PermissionDenied()
    row = target(session=session, actor=actor, member_id=member_id, scope=scope)
    if row.status != MemberStatus.ACTIVE:
        raise InvalidState("not_active", name=row.name)
    if row.role == role:
        return row, False
    if role != Role.SECRETARY and _would_leave_no_secretary(session, row):
        raise InvalidState("last_secretary", name=row.name)
    if role != Role.MEMBER and row.standing == Standing.PROBATIONARY:
        raise InvalidState("probationary_secretary", name=row.name)
    before = row.role
    row.role = role
    row.updated_at = now
    session.add(row)
    # the old role too: who sat on the committee at a past 支委会 is read back from these (meeting_audience)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id, action="set_role",
          detail=f"member {row.id} -> {role} (from {before})", now=now)
    return row, True


def set_standing(*, session: Session, actor: Member, member_id: int, standing: Standing, now: datetime,
                 scope: Scope | None = None) -> tuple[Member, bool]:
    """预备党员 cannot hold branch office, so a secretary's standing stays 正式 while they hold it."""
    row = standing_candidate(session=session, actor=actor, member_id=member_id, standing=standing, scope=scope)
    if row.standing == standing:
        return row, False
    row.standing = standing
    row.updated_at = now
    session.add(row)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id, action="set_standing",
          detail=f"member {row.id} -> {standing}", now=now)
    return row, True


def standing_candidate(*, session: Session, actor: Member, member_id: int, standing: Standing,
                       scope: Scope | None = None) -> Member:
    """The member whose standing ``actor`` may set to ``standing``: checked before asking, and again on the change."""
    row = target(session=session, actor=actor, member_id=member_id, scope=scope)
    if standing == Standing.PROBATIONARY and row.role != Role.MEMBER:
        raise InvalidState("office_needs_full_standing", name=row.name)
    return row


def remove(*, session: Session, actor: Member, member_id: int, now: datetime, scope: Scope | None = None) -> Member:
    """Mark a member as left; rows stay so the ledgers of past meetings remain complete."""
    row = removal_candidate(session=session, actor=actor, member_id=member_id, scope=scope)
    row.status = MemberStatus.LEFT
    row.role = Role.MEMBER  # a role is held, not owned: coming back starts as a member
    row.removed_at = now
    row.updated_at = now
    session.add(row)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id, action="remove",
          detail=f"member {row.id}", now=now)
    return row


def removal_candidate(*, session: Session, actor: Member, member_id: int, scope: Scope | None = None) -> Member:
    """The member ``actor`` may remove, checked before asking for confirmation and again on removal."""
    row = target(session=session, actor=actor, member_id=member_id, scope=scope)
    if row.id == actor.id:
        raise InvalidState("cannot_remove_self")
    if row.status == MemberStatus.LEFT:
        raise InvalidState("already_left", name=row.name)
    if _would_leave_no_secretary(session, row):
        raise InvalidState("last_secretary", name=row.name)
    return row


def transfer_candidate(*, session: Session, actor: Member, member_id: int, branch_key: str,
                       scope: Scope | None = None) -> tuple[Member, Branch]:
    """Who moves where, checked before asking for confirmation and again on the move."""
    row = target(session=session, actor=actor, member_id=member_id, scope=scope)
    destination = session.exec(select(Branch).where(Branch.key == branch_key)).first()
    if destination is None or not destination.active:
        raise NotFound("branch_not_found")
    if row.status != MemberStatus.ACTIVE:
        raise InvalidState("not_active", name=row.name)
    if destination.id == row.branch_id:
        raise InvalidState("same_branch", name=row.name, branch=destination.name)
    if _would_leave_no_secretary(session, row):
        raise InvalidState("last_secretary", name=row.name)
    return row, destination


def transfer(*, session: Session, actor: Member, member_id: int, branch_key: str, now: datetime,
             scope: Scope | None = None) -> tuple[Member, Member]:
    """Move an active member to another branch (组织关系转接): the old membership is left (not removed:
    nothing holds against them), the new one is active at once as a member of the same standing.
    Returns (old, new)."""
    old, destination = transfer_candidate(session=session, actor=actor, member_id=member_id,
                                          branch_key=branch_key, scope=scope)
    assert destination.id is not None
    old.status = MemberStatus.LEFT
    old.role = Role.MEMBER
    old.updated_at = now
    session.add(old)
    session.flush()  # the old membership stops being active before the new one starts
    new = session.exec(select(Member).where(Member.branch_id == destination.id,
                                            Member.tg_user_id == old.tg_user_id)).first()
    if new is None:
        new = Member(branch_id=destination.id, tg_user_id=old.tg_user_id, name=old.name, created_at=now,
                     updated_at=now)
    new.name, new.username, new.chat_id, new.language = old.name, old.username, old.chat_id, old.language
    new.reachable, new.standing, new.role = old.reachable, old.standing, Role.MEMBER
    new.status, new.joined_at, new.removed_at, new.updated_at = MemberStatus.ACTIVE, now, None, now
    session.add(new)
    session.flush()
    for branch_id, action in ((old.branch_id, "transfer_out"), (destination.id, "transfer_in")):
        audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action=action,
              detail=f"member {old.id} -> {new.id} ({destination.key})", now=now)
    return old, new


def _would_leave_no_secretary(session: Session, row: Member) -> bool:
    if row.role != Role.SECRETARY or row.status != MemberStatus.ACTIVE:
        return False
    others = [m for m in secretaries_of(session=session, branch_id=row.branch_id) if m.id != row.id]
    return not others


def member_named(*, session: Session, branch_id: int, name: str,
                 prefer: MemberStatus = MemberStatus.ACTIVE) -> int:
    """The id of the member a secretary typed by name (``/stats 张三``, ``/attendance 1 王五 请假``).

    Secretaries think in names, the bot in numbers: a name that is exactly one member's in the branch (those
    of status ``prefer`` first — active ones, or applicants for /approve — then anyone on its books, so a past
    meeting's absentee who has left can still be named) stands for that number; an unknown name or one several
    people share is answered with what to type instead.  The name as typed wins; failing that, it is compared
    case-insensitively (``alice`` for "Alice": nobody types a Latin name with the exact capitals of its
    Telegram profile).  In Python, not SQL: SQLite's ``lower`` knows only ASCII, and a branch is small.
    """
    wanted = " ".join(name.split())
    branch_rows = session.exec(select(Member.id, Member.status, Member.name).where(
        Member.branch_id == branch_id)).all()
    rows = [(i, status) for i, status, named in branch_rows if named == wanted]
    if not rows:
        folded = wanted.casefold()
        rows = [(i, status) for i, status, named in branch_rows if " ".join(named.split()).casefold() == folded]
    preferred = [i for i, status in rows if status == prefer and i is not None]
    ids = preferred or [i for i, _ in rows if i is not None]
    if not ids:
        raise NotFound("member_name_not_found", name=wanted)
    if len(ids) > 1:
        raise InvalidState("member_name_ambiguous", name=wanted, ids=[f"#{i}" for i in sorted(ids)])
    return ids[0]
