"""Who was expected at each meeting held, who came, who took leave and why, who did the make-up study.

One bulk read for a set of meetings (a month of a branch, or a year of every branch), shared by the
figures (``storage/stats.py``: attendance rate, leave, make-up owed) and the 三会一课 ledger
(``storage/ledger.py``), so the screen and the workbook can never disagree::

    held meetings ──▶ expected (应到): the meeting's attendees as of its start (``storage.meeting_audience.attendees``,
                      the rule behind /attendance: its audience, and who belonged to the branch then)
                 ──▶ came (实到): attendance rows present or late, of those expected
                 ──▶ leave (请假): marked excused, or an approved 请假 of someone who did not check in —
                      /attendance's rule (``storage.attendance.build_roster``): a declined or withdrawn one is not
                 ──▶ reasons: a secretary's note on the attendance row, else the 请假 reason
                 ──▶ make-up: who owes the meeting's study and who has done it (``storage.makeup``'s rule)

The branch's people, and the attendance, leave and make-up rows of all the meetings, are read once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.makeup import makeup_states_of
from storage.meeting_audience import attendees, branch_people, standing_changes, standings_from
from storage.models import (
    CAME,
    Attendance,
    AttendanceStatus,
    LeaveStatus,
    Meeting,
    Rsvp,
    Standing,
)

LEAVE = "leave"
EXCUSED = AttendanceStatus.EXCUSED


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
    late: frozenset[int]  # of those who came, marked 迟到 (the ledger records it, as /attendance does)
    leave: frozenset[int]  # excused: 请假 approved and not come after all, or marked excused
    reasons: dict[int, str]  # member id -> the reason they were away
    makeup_done: frozenset[int]
    makeup_owed: frozenset[int]

    @property
    def present(self) -> list[Person]:
        return [p for p in self.expected if p.id in self.came]

    @property
    def absent(self) -> list[Person]:
        """Everyone expected who did not come (on leave or not: the ledger's 缺席 column gives reasons)."""
        return [p for p in self.expected if p.id not in self.came]

    @property
    def on_leave(self) -> list[Person]:
        """Away on leave (/attendance's 请假), in the order expected."""
        return [p for p in self.expected if p.id not in self.came and p.id in self.leave]

    @property
    def missing(self) -> frozenset[int]:
        """Absent without leave (/attendance's 缺席)."""
        return frozenset(p.id for p in self.expected if p.id not in self.came and p.id not in self.leave)


def turnout(*, session: Session, branch_id: int, meetings: Sequence[Meeting]) -> list[Turnout]:
    """The turnout of ``meetings`` (all of ``branch_id``), in the order given."""
    if not meetings:
        return []
    ids = [m.id for m in meetings if m.id is not None]
    came: dict[int, set[int]] = defaultdict(set)
    late: dict[int, set[int]] = defaultdict(set)
    marked: dict[int, set[int]] = defaultdict(set)  # any attendance row: it decides over the 请假
    excused: dict[int, set[int]] = defaultdict(set)
    notes: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, member_id, status, note in session.exec(
            select(Attendance.meeting_id, Attendance.member_id, Attendance.status, Attendance.note)
            .where(col(Attendance.meeting_id).in_(ids))).all():
        marked[meeting_id].add(member_id)
        if status in CAME:
            came[meeting_id].add(member_id)
            if status == AttendanceStatus.LATE:
                late[meeting_id].add(member_id)
        else:
            if status == EXCUSED:
                excused[meeting_id].add(member_id)
            if note:
                notes[meeting_id][member_id] = note
    leave: dict[int, dict[int, str]] = defaultdict(dict)
    for meeting_id, member_id, reason, decided in session.exec(
            select(Rsvp.meeting_id, Rsvp.member_id, Rsvp.reason, Rsvp.leave_status).where(
                col(Rsvp.meeting_id).in_(ids), Rsvp.response == LEAVE)).all():
        leave[meeting_id][member_id] = reason or ""
        if decided == LeaveStatus.APPROVED and member_id not in marked[meeting_id]:
            excused[meeting_id].add(member_id)
    done: dict[int, set[int]] = defaultdict(set)
    owed: dict[int, set[int]] = defaultdict(set)
    for meeting_id, states in makeup_states_of(session=session, meeting_ids=ids).items():
        for member_id, state in states.items():
            (done if state == "done" else owed)[meeting_id].add(member_id)
    people = branch_people(session=session, branch_id=branch_id)
    changes = standing_changes(session=session, branch_id=branch_id)  # read once, evaluated per meeting
    result = []
    for meeting in meetings:
        assert meeting.id is not None
        # 正式 / 预备 as of the meeting's start, as /attendance (``build_roster``) counts the quorum
        standings = standings_from(changes, at=meeting.starts_at)
        expected = tuple(Person(m.id, m.name, standings.get(m.id, m.standing) == Standing.FULL, str(m.role))
                         for m in attendees(session=session, meeting=meeting, people=people) if m.id is not None)
        keep = {p.id for p in expected}
        reasons = {m: r for m, r in leave[meeting.id].items() if r and m in keep}
        reasons.update({m: r for m, r in notes[meeting.id].items() if m in keep})
        result.append(Turnout(
            meeting=meeting, expected=expected, came=frozenset(came[meeting.id] & keep),
            late=frozenset(late[meeting.id] & keep),
            leave=frozenset(excused[meeting.id] & keep), reasons=reasons,
            makeup_done=frozenset(done[meeting.id] & keep), makeup_owed=frozenset(owed[meeting.id] & keep)))
    return result

