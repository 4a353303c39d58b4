"""Who was expected at each meeting held, who came, who took leave and why, who did the make-up study.

One bulk read for a set of meetings (a month of a branch, or a year of every branch), shared by the
figures (``storage/stats.py``: attendance rate, leave, make-up owed) and the 三会一课 ledger
(``storage/ledger.py``), so the screen and the workbook can never disagree::

    held meetings ──▶ expected (应到): the branch's members as of the start (joined by then, not removed
                      before it), narrowed by the meeting's audience (the whole branch / the 支委 / one 党小组 /
                      a list) — the rule of ``storage.meetings.attendees`` behind /attendance
                 ──▶ came (实到): attendance rows present or late, of those expected
                 ──▶ reasons: a secretary's note on the attendance row, else the 请假 reason
                 ──▶ make-up: who owes the meeting's study and who has done it

Committee admins are not members of the branch their row sits in (``storage.members.list_members``), so
they are never expected.  A handful of queries whatever the number of meetings: the members once, then
the attendance, leave and make-up rows of all the meetings at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import (
    Attendance,
    Audience,
    Makeup,
    Meeting,
    Member,
    MemberStatus,
    PartyGroup,
    Role,
    Rsvp,
    Standing,
)

CAME = ("present", "late")  # an attendance row records what happened: a secretary may mark excused or absent
LEAVE = "leave"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    full: bool  # 正式党员 (else 预备)
    role: str


@dataclass(frozen=True)
class Turnout:
    """One held meeting: the people expected and what each of them did."""

    meeting: Meeting
    expected: tuple[Person, ...]
    came: frozenset[int]
    leave: frozenset[int]  # answered 请假 (whatever the decision)
    reasons: dict[int, str]  # member id -> the reason they were away
    makeup_done: frozenset[int]
    makeup_owed: frozenset[int]

    @property
    def present(self) -> list[Person]:
        return [p for p in self.expected if p.id in self.came]

    @property
    def absent(self) -> list[Person]:
        return [p for p in self.expected if p.id not in self.came]

    def expects(self, member_id: int) -> bool:
        return any(p.id == member_id for p in self.expected)


def _utc(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=UTC)


def turnout(*, session: Session, branch_id: int, meetings: Sequence[Meeting]) -> list[Turnout]:
    """The turnout of ``meetings`` (all of ``branch_id``), in the order given."""
    if not meetings:
        return []
    ids = [m.id for m in meetings if m.id is not None]
    rows = session.execute(
        sa_select(col(Member.id), col(Member.name), col(Member.standing), col(Member.role), col(Member.joined_at),
                  col(Member.status), col(Member.removed_at))
        .where(col(Member.branch_id) == branch_id, col(Member.status).in_((MemberStatus.ACTIVE, MemberStatus.LEFT)),
               col(Member.role) != Role.ADMIN).order_by(col(Member.id))).all()
    # (person, joined, left): a member counts for a meeting they had joined by and not left before
    people = [(Person(int(i), n, s == Standing.FULL, str(r)), _utc(j),
               None if status == MemberStatus.ACTIVE else (_utc(removed) or _EPOCH))
              for i, n, s, r, j, status, removed in rows if i is not None]
    groups: dict[str, set[int]] = defaultdict(set)
    if any(m.audience == Audience.GROUP for m in meetings):
        for name, member_id in session.exec(select(PartyGroup.name, PartyGroup.member_id).where(
                PartyGroup.branch_id == branch_id)).all():
            groups[name].add(member_id)
    came: dict[int, set[int]] = defaultdict(set)
    notes: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, member_id, status, note in session.exec(
            select(Attendance.meeting_id, Attendance.member_id, Attendance.status, Attendance.note)
            .where(col(Attendance.meeting_id).in_(ids))).all():
        if status in CAME:
            came[meeting_id].add(member_id)
        elif note:
            notes[meeting_id][member_id] = note
    leave: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, member_id, reason in session.exec(select(Rsvp.meeting_id, Rsvp.member_id, Rsvp.reason).where(
            col(Rsvp.meeting_id).in_(ids), Rsvp.response == LEAVE)).all():
        leave[meeting_id][member_id] = reason or ""
    done: dict[int, set[int]] = defaultdict(set)
    owed: dict[int, set[int]] = defaultdict(set)
    for meeting_id, member_id, completed in session.exec(
            select(Makeup.meeting_id, Makeup.member_id, Makeup.completed_at).where(col(Makeup.meeting_id).in_(ids))):
        (done if completed is not None else owed)[meeting_id].add(member_id)
    result = []
    for meeting in meetings:
        assert meeting.id is not None
        start = _utc(meeting.starts_at) or _EPOCH
        expected = tuple(p for p, joined, left in people
                         if (joined is None or joined <= start) and (left is None or left > start)
                         and _addressed(meeting, p, groups))
        keep = {p.id for p in expected}
        reasons = {m: r for m, r in leave[meeting.id].items() if r and m in keep}
        reasons.update({m: r for m, r in notes[meeting.id].items() if m in keep})
        result.append(Turnout(
            meeting=meeting, expected=expected, came=frozenset(came[meeting.id] & keep),
            leave=frozenset(leave[meeting.id].keys() & keep), reasons=reasons,
            makeup_done=frozenset(done[meeting.id] & keep), makeup_owed=frozenset(owed[meeting.id] & keep)))
    return result


def _addressed(meeting: Meeting, person: Person, groups: dict[str, set[int]]) -> bool:
    """Whether the meeting's audience includes ``person`` (the rule of ``storage.meetings.attendees``)."""
    if meeting.audience == Audience.COMMITTEE:
        return person.role in (Role.SECRETARY, Role.ADMIN)
    if meeting.audience == Audience.GROUP:
        return person.id in groups.get(meeting.audience_group or "", set())
    if meeting.audience == Audience.LIST:
        return person.id in set(meeting.audience_ids)
    return True
