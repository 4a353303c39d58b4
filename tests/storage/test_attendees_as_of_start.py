"""应到 is fixed at a meeting's start: joining later or leaving afterwards does not rewrite a held meeting.

The trial that found it: after a 党员大会 with quorum, a newcomer was approved, and the meeting's roster,
quorum, 台账 and attendance rate all changed to count him absent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import attendance, roster
from storage import meetings as meeting_store
from storage.attendance import Window
from storage.db import Database
from storage.meetings import MeetingSpec
from storage.models import AttendanceStatus, Role
from tests import factories

BEFORE = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
START = datetime(2026, 3, 25, 6, 30, tzinfo=UTC)
AFTER = START + timedelta(days=5)
WINDOW = Window(before=timedelta(minutes=30), after=timedelta(minutes=30), period_seconds=60)


def test_a_held_meeting_keeps_who_was_expected(db: Database) -> None:
    branch = factories.branch(db, BEFORE)
    assert branch.id is not None
    secretary = factories.member(db, branch.id, factories.SECRETARY_ID, "李书记", BEFORE, role=Role.SECRETARY)
    stays = factories.member(db, branch.id, 1001, "张三", BEFORE)
    leaves = factories.member(db, branch.id, 1002, "王五", BEFORE)
    with db.session() as s:
        meeting = meeting_store.create_meeting(
            session=s, actor=secretary, spec=MeetingSpec(kind="党员大会", topic="动员部署会", starts_at=START,
                                                         duration_minutes=90, place="三楼会议室"), now=BEFORE)
        for who in (secretary, stays):
            attendance.mark(session=s, actor=secretary, meeting_id=meeting.id or 0, member_id=who.id or 0,
                            status=AttendanceStatus.PRESENT, note=None, now=START)
        held = attendance.build_roster(session=s, meeting=meeting, now=AFTER, window=WINDOW)
    assert {x.name for x in held.expected} == {"李书记", "张三", "王五"}
    assert held.quorum is not None and held.quorum.full_present * 2 > held.quorum.full_expected

    factories.member(db, branch.id, 1003, "新同志", AFTER)  # joined after the meeting
    with db.session() as s:
        roster.remove(session=s, actor=secretary, member_id=leaves.id or 0, now=AFTER)  # left after it
    with db.session() as s:
        meeting = s.get(type(meeting), meeting.id)
        assert meeting is not None
        later = attendance.build_roster(session=s, meeting=meeting, now=AFTER, window=WINDOW)
        upcoming = meeting_store.create_meeting(
            session=s, actor=secretary, spec=MeetingSpec(kind="党课", topic="专题党课", starts_at=AFTER + timedelta(
                days=3), duration_minutes=60, place="三楼会议室"), now=AFTER)
        ahead = [m.name for m in meeting_store.attendees(session=s, meeting=upcoming)]
    assert [(x.name, x.status) for x in later.expected] == [(x.name, x.status) for x in held.expected]
    assert later.quorum == held.quorum
    assert sorted(ahead) == sorted(["李书记", "张三", "新同志"])  # the removed member is not invited again
