"""Whether a meeting addresses one member is decided for that member, not by reading the whole branch.

Every 参加 / 请假 / view / .ics / 阅读材料 tap asks it; reading every member for it cost ~0.4 s per tap at
10,000 members (reviewer finding 4).  The answer must stay exactly :func:`attendees`' answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from storage import meeting_audience
from storage import meetings as meeting_store
from storage import rsvp as rsvp_store
from storage.db import Database
from storage.meetings import MeetingSpec
from storage.models import Audience, Member, MemberStatus, Role
from tests import factories

NOW = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
START = datetime(2026, 3, 25, 6, 30, tzinfo=UTC)


def _spec(kind: str, **extra: Any) -> MeetingSpec:
    return MeetingSpec(kind=kind, topic="学习", starts_at=START, duration_minutes=60, place="会议室", **extra)


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.lower().split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_each_member_is_an_attendee_exactly_when_attendees_lists_them(db: Database) -> None:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    secretary = factories.member(db, branch.id, factories.SECRETARY_ID, "李书记", NOW, role=Role.SECRETARY)
    people = [factories.member(db, branch.id, 2000 + i, f"党员{i}", NOW) for i in range(6)]
    with db.session() as s:
        rows = {m.id: s.get(Member, m.id) for m in [secretary, *people]}
        late, gone_after, gone_before = (rows[people[3].id], rows[people[4].id], rows[people[5].id])
        assert late is not None and gone_after is not None and gone_before is not None
        late.joined_at = START + timedelta(days=1)  # joined after the start: not expected
        gone_after.status, gone_after.removed_at = MemberStatus.LEFT, START + timedelta(days=1)  # still counts
        gone_before.status, gone_before.removed_at = MemberStatus.LEFT, START - timedelta(days=1)  # does not
        s.add_all([late, gone_after, gone_before])
        meeting_store.set_party_group(session=s, actor=secretary, name="一组",
                                      member_ids=[people[0].id or 0, people[3].id or 0], now=NOW)
        meetings = [
            meeting_store.create_meeting(session=s, actor=secretary, spec=_spec("党员大会"), now=NOW),
            meeting_store.create_meeting(session=s, actor=secretary, spec=_spec(
                "支委会", audience=Audience.COMMITTEE), now=NOW),
            meeting_store.create_meeting(session=s, actor=secretary, spec=_spec(
                "党小组会", audience=Audience.GROUP, audience_group="一组"), now=NOW),
            meeting_store.create_meeting(session=s, actor=secretary, spec=_spec(
                "其他", audience=Audience.LIST, audience_ids=(people[1].id, people[4].id, people[5].id)), now=NOW),
        ]
        for meeting in meetings:
            expected = {m.id for m in meeting_audience.attendees(session=s, meeting=meeting)}
            assert expected, meeting.audience
            for member in rows.values():
                assert member is not None
                assert meeting_audience.is_attendee(session=s, meeting=meeting, member=member) == (
                    member.id in expected), (meeting.audience, member.name)


def test_a_tap_does_not_read_the_branch(db: Database) -> None:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    secretary = factories.member(db, branch.id, factories.SECRETARY_ID, "李书记", NOW, role=Role.SECRETARY)
    member = factories.member(db, branch.id, 3001, "张三", NOW)
    for i in range(5):
        factories.member(db, branch.id, 3100 + i, f"党员{i}", NOW)
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=_spec("党员大会"), now=NOW)
        mid = meeting.id or 0
    with db.session() as s, _statements(db) as seen:
        me = s.get(Member, member.id)
        assert me is not None
        seen.clear()
        meeting_store.addressed_meeting(session=s, actor=me, meeting_id=mid)
        rsvp_store.respond(session=s, member=me, meeting_id=mid, attend=True, reason=None, now=NOW)
    branch_reads = [q for q in seen if q.startswith("select") and " from member" in q]
    assert branch_reads == [], branch_reads
