"""Who is expected at a meeting (应到): the branch's people as of the meeting's start, narrowed to its audience.

A meeting addresses the whole branch, the committee, one 党小组, or a list of members; who belongs is read
at the *start*, so the 应到 of a held meeting is history that later joins and removals do not change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ON_COMMITTEE, Audience, AuditEntry, Meeting, Member, MemberStatus, PartyGroup, Role, Standing


def branch_people(*, session: Session, branch_id: int) -> list[Member]:
    """Everyone who may have been expected at one of the branch's meetings: its active members and those who
    left (a meeting before they left still counts them), by id; committee admins are not members of the
    branch their row sits in (``storage.members.list_members``)."""
    query = select(Member).where(Member.branch_id == branch_id, Member.role != Role.ADMIN,
                                 col(Member.status).in_((MemberStatus.ACTIVE, MemberStatus.LEFT)))
    return list(session.exec(query.order_by(col(Member.id))).all())


# the audit entry ``storage.roster.set_role`` writes: "member <id> -> <role> (from <role>)"
ROLE_ACTION = "set_role"
_ROLE_DETAIL = re.compile(r"^member (\d+) -> (\w+)(?: \(from (\w+)\))?$")
_ROLES = {r.value for r in Role}


def seat_changes(*, session: Session, branch_id: int) -> list[tuple[datetime, int, bool, bool | None]]:
    """The branch's committee seats as they changed (when, member id, on the committee after, before — ``None``
    for entries written before the old role was logged), in order; read once by a caller of many meetings."""
    entries = session.exec(select(AuditEntry).where(AuditEntry.branch_id == branch_id,
                                                    AuditEntry.action == ROLE_ACTION)
                           .order_by(col(AuditEntry.at), col(AuditEntry.id))).all()
    changes: list[tuple[datetime, int, bool, bool | None]] = []
    for entry in entries:
        match = _ROLE_DETAIL.match(entry.detail)
        if match is None or match.group(2) not in _ROLES:
            continue
        before = match.group(3)
        changes.append((entry.at, int(match.group(1)), Role(match.group(2)) in ON_COMMITTEE,
                        Role(before) in ON_COMMITTEE if before in _ROLES else None))
    return changes


def seated_at(member: Member, at: datetime, changes: Sequence[tuple[datetime, int, bool, bool | None]]) -> bool:
    """Whether ``member`` sat on the committee at ``at`` (trial U9): a 支委会's 应到 is history, as its
    standing is (:func:`standings_at`) — a 委员 stepping down later stays expected at the meetings held while
    they sat, and one named later was not expected before.  The last change by ``at`` decides; with none, the
    first change after it tells what came before (logged, or else the opposite of where it went: a change
    that changes nothing is not logged); with no change at all, the role today."""
    mine = [(when, after, before) for when, member_id, after, before in changes if member_id == member.id]
    past = [after for when, after, _before in mine if when <= at]
    if past:
        return past[-1]
    if mine:
        _when, after, before = mine[0]
        return (not after) if before is None else before
    return member.role in ON_COMMITTEE


def _belonged(member: Member, start: datetime) -> bool:
    """In the branch at ``start``: joined by then (no ``joined_at``: from the beginning), not removed before."""
    joined = member.joined_before(start)
    return joined and (member.status == MemberStatus.ACTIVE or (
        member.status == MemberStatus.LEFT and member.removed_at is not None and member.removed_at > start))


def attendees(*, session: Session, meeting: Meeting, people: Sequence[Member] | None = None) -> list[Member]:
    """Who is expected (应到): the members of the branch the meeting addresses *as of its start*, by id.

    A held meeting's 应到 is history: someone who joins afterwards was never expected (or the quorum and the
    ledger of a past 党员大会 would change), and someone removed or transferred since was.  So a member
    counts when they had joined by the start and were not removed before it; rows without ``joined_at``
    (enrolled before the column was filled) count as joined from the beginning.  ``people`` is the branch's
    :func:`branch_people` when the caller reads many meetings (a ledger), so they are read once.
    """
    start = meeting.starts_at
    if people is None:
        people = branch_people(session=session, branch_id=meeting.branch_id)
    members = [m for m in people if _belonged(m, start)]
    if meeting.audience == Audience.COMMITTEE:
        seats = seat_changes(session=session, branch_id=meeting.branch_id)
        return [m for m in members if seated_at(m, start, seats)]
    if meeting.audience == Audience.GROUP:
        ids = set(session.exec(select(PartyGroup.member_id).where(
            PartyGroup.branch_id == meeting.branch_id, PartyGroup.name == meeting.audience_group)).all())
        return [m for m in members if m.id in ids]
    if meeting.audience == Audience.LIST:
        wanted = set(meeting.audience_ids)
        return [m for m in members if m.id in wanted]
    return members


STANDING_ACTION = "set_standing"  # the audit entry ``storage.roster.set_standing`` writes: "member <id> -> <standing>"


def standings_at(*, session: Session, branch_id: int, at: datetime) -> dict[int, Standing]:
    """Each member's 正式 / 预备 standing at ``at``, for those whose standing changed since (others: as now).

    The audit log keeps every change (``member 7 -> full``), in order: a member's standing at ``at`` is
    what the last change before it set, or — when the first change came after — the other standing (there
    are two, and a change that changes nothing is not logged).  So a 预备党员 who became 正式 after a
    党员大会 still counts as 预备 in its quorum, as the minutes of that day record."""
    return standings_from(standing_changes(session=session, branch_id=branch_id), at=at)


def standing_changes(*, session: Session, branch_id: int) -> list[tuple[datetime, int, Standing]]:
    """The branch's standing changes (when, member id, new standing), in order: read once by a caller that
    needs the standings at many moments (the ledger: one per meeting), then evaluated by :func:`standings_from`."""
    entries = session.exec(select(AuditEntry).where(AuditEntry.branch_id == branch_id,
                                                    AuditEntry.action == STANDING_ACTION)
                           .order_by(col(AuditEntry.at), col(AuditEntry.id))).all()
    changes = []
    for entry in entries:
        match = _STANDING_DETAIL.match(entry.detail)
        if match is None or match.group(2) not in {s.value for s in Standing}:
            continue
        changes.append((entry.at, int(match.group(1)), Standing(match.group(2))))
    return changes


def standings_from(changes: Sequence[tuple[datetime, int, Standing]], *, at: datetime) -> dict[int, Standing]:
    """:func:`standings_at` evaluated on already-read :func:`standing_changes` (the same rule, no query)."""
    before: dict[int, Standing] = {}
    after: dict[int, Standing] = {}
    for when, member_id, standing in changes:
        if when <= at:
            before[member_id] = standing
        else:
            after.setdefault(member_id, standing)
    flipped = {m: Standing.PROBATIONARY if s == Standing.FULL else Standing.FULL for m, s in after.items()}
    return {**flipped, **before}


_STANDING_DETAIL = re.compile(r"^member (\d+) -> (\w+)$")


def is_attendee(*, session: Session, meeting: Meeting, member: Member) -> bool:
    """Whether ``member`` is among the meeting's :func:`attendees`, decided for that one member (at most one
    indexed query, for a 党小组 meeting): every 参加 / 请假 / view / .ics tap asks it, and reading the whole
    branch for it cost ~0.4 s per tap at 10,000 members.  The same rules as :func:`attendees`, one row."""
    if member.branch_id != meeting.branch_id or member.role == Role.ADMIN or member.id is None:
        return False
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.LEFT) or not _belonged(member, meeting.starts_at):
        return False
    if meeting.audience == Audience.COMMITTEE:
        return seated_at(member, meeting.starts_at, seat_changes(session=session, branch_id=meeting.branch_id))
    if meeting.audience == Audience.GROUP:
        return session.exec(select(PartyGroup.member_id).where(
            PartyGroup.branch_id == meeting.branch_id, PartyGroup.name == meeting.audience_group,
            PartyGroup.member_id == member.id)).first() is not None
    if meeting.audience == Audience.LIST:
        return member.id in set(meeting.audience_ids)
    return True
