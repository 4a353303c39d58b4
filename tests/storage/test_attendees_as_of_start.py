"""应到 is fixed at a meeting's start: joining later or leaving afterwards does not rewrite a held meeting.

The trial that found it: after a 党员大会 with quorum, a newcomer was approved, and the meeting's roster,
quorum, 台账 and attendance rate all changed to count him absent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage import attendance, ledger, meeting_audience, roster, stats
from storage import meetings as meeting_store
from storage.attendance import Window
from storage.db import Database
from storage.meetings import MeetingSpec
from storage.models import AttendanceStatus, Meeting, Role
from storage.scope import Scope
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
        attendance.mark(session=s, actor=secretary, meeting_id=meeting.id or 0, member_id=leaves.id or 0,
                        status=AttendanceStatus.EXCUSED, note="出差", now=START)
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
        ahead = [m.name for m in meeting_audience.attendees(session=s, meeting=upcoming)]
    assert [(x.name, x.status) for x in later.expected] == [(x.name, x.status) for x in held.expected]
    assert later.quorum == held.quorum
    assert sorted(ahead) == sorted(["李书记", "张三", "新同志"])  # the removed member is not invited again


def test_figures_chart_and_ledger_count_a_held_meeting_as_its_roster_does(db: Database) -> None:
    """The chart once counted the excused member's row as attendance (100 % where /stats said 2/3), and /stats
    and the 台账 multiplied meetings by today's roster."""
    test_a_held_meeting_keeps_who_was_expected(db)  # a 党员大会: 2 came, 1 excused; then one joined, one left
    everyone = Scope.everything()
    with db.session() as s:
        branch_id = s.exec(select(Meeting.branch_id)).first()
        assert branch_id is not None
    factories.member(db, branch_id, 1004, "又一位新同志", AFTER)  # today's roster: 4, the meeting's: 3
    with db.session() as s:
        month = stats.Window(BEFORE, AFTER + timedelta(days=1))
        figures = stats.branch_stats(session=s, scope=everyone, branch_id=branch_id, window=month, now=AFTER)
        week = stats.weekly_series(session=s, scope=everyone, branch_id=branch_id, starts=[BEFORE], end=AFTER,
                                   now=AFTER)
        (row,) = ledger.meeting_ledger(session=s, scope=everyone, branch_id=branch_id, window=month, now=AFTER)
    assert (figures.attendances, figures.expected_attendances) == (2, 3)
    assert [(p.attendances, p.expected_attendances) for p in week] == [(2, 3)]
    assert (row.expected, row.present, row.leave, row.absent, row.quorum) == (3, 2, ("王五（出差）",), (), True)
