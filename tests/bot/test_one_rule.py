"""One rule, one place (user trial, meetfix2 point 4).

"Came" (present or late) was spelt out in six modules, and "had joined by T" in four with two different
edges: the weekly digest asked ``joined_at < end`` while /stats and the committee view asked ``<= end``, so a
member approved exactly at a week's end was in /stats's week and not in the digest's.  Now
``storage.models.CAME`` and ``storage.models.joined_before`` are the rules, and every count reads them —
joined strictly before a window's end, as the windows are half-open (review R6)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from storage import committee
from storage import stats as stats_store
from storage.db import Database
from storage.meeting_audience import attendees
from storage.models import Meeting, Member
from storage.scope import Scope
from storage.stats import Window
from tests import factories

EVERYTHING = Scope.everything()
END = datetime(2026, 3, 23, 16, 0, tzinfo=UTC)  # a Monday 00:00 in Shanghai: the week before ends here
WEEK = Window(start=END - timedelta(days=7), end=END)


def _join_at(db: Database, member_id: int, moment: datetime) -> None:
    with db.session() as session:
        member = session.get(Member, member_id)
        assert member is not None
        member.joined_at = moment
        session.add(member)
        session.commit()


def test_a_member_joined_exactly_at_the_weeks_end_counts_alike_everywhere(db: Database) -> None:
    branch = factories.branch(db, END - timedelta(days=30))
    assert branch.id is not None
    early = factories.member(db, branch.id, 1, "张三", END - timedelta(days=20))
    edge = factories.member(db, branch.id, 2, "李四", END)
    _join_at(db, early.id or 0, END - timedelta(days=20))
    _join_at(db, edge.id or 0, END)
    with db.session() as session:
        figures = stats_store.branch_stats(session=session, scope=EVERYTHING, branch_id=branch.id, window=WEEK,
                                           now=END)
        line = committee.committee_table(session=session, scope=EVERYTHING, branch_ids=[branch.id], window=WEEK,
                                         now=END)[0]
        assert figures.active == line.active == 1  # 李四 belongs to the next week
        meeting = Meeting(branch_id=branch.id, key="m", kind="党员大会", topic="t", place="p", starts_at=END,
                          ends_at=END + timedelta(hours=1), created_at=END - timedelta(days=1))
        assert {m.name for m in attendees(session=session, meeting=meeting)} == {"张三"}


def test_the_digest_skips_a_week_whose_only_member_joined_at_its_end(db: Database) -> None:
    branch = factories.branch(db, END - timedelta(days=30))
    assert branch.id is not None
    edge = factories.member(db, branch.id, 2, "李四", END)
    _join_at(db, edge.id or 0, END)
    with db.session() as session:
        counted = stats_store.branch_stats(session=session, scope=EVERYTHING, branch_id=branch.id, window=WEEK,
                                           now=END).active
        assert counted == 0
        # the digest's "anybody to report on?" asks the same rule /stats counted with
        assert not stats_store.members_joined_before(session, branch.id, WEEK.end)
        assert stats_store.members_joined_before(session, branch.id, WEEK.end + timedelta(microseconds=1))
        assert session.exec(select(Member)).first() is not None


CAME_SPELT_OUT = re.compile(r"(AttendanceStatus\.PRESENT,\s*AttendanceStatus\.LATE|AttendanceStatus\.LATE,\s*"
                            r"AttendanceStatus\.PRESENT|[\"']present[\"'],\s*[\"']late[\"'])")
JOINED_SPELT_OUT = re.compile(r"joined_at\)?\s*(<=|<|>=|>)")


def test_came_and_joined_by_are_each_defined_once() -> None:
    root = Path(__file__).resolve().parents[2]
    sources = [p for d in ("bot", "storage", "scheduler") for p in (root / d).rglob("*.py")
               if "migrations" not in p.parts]
    came = [str(p.relative_to(root)) for p in sources if CAME_SPELT_OUT.search(p.read_text("utf-8"))]
    joined = [str(p.relative_to(root)) for p in sources if JOINED_SPELT_OUT.search(p.read_text("utf-8"))]
    assert came == ["storage/models/meetings.py"], came
    assert joined == ["storage/models/organisation.py"], joined
