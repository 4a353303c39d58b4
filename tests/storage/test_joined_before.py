""""Joined by T" agrees with the half-open windows (review R6): a member approved exactly at a week's end is a
member of the next week, not a denominator of a week they were in for no time (where none of their
activity could count: ``in_window`` is ``< end``); a period that ends now holds whoever was approved, or
answered, this very instant (its end is ``through(now)``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.stats_view import parse_period
from storage import committee
from storage import stats as stats_store
from storage.db import Database
from storage.models import Member
from storage.scope import Scope
from storage.stats import Window, through
from tests import factories

EVERYTHING = Scope.everything()
END = datetime(2026, 3, 23, 16, 0, tzinfo=UTC)  # a Monday 00:00 in Shanghai
WEEK = Window(start=END - timedelta(days=7), end=END)
NEXT = Window(start=END, end=END + timedelta(days=7))


def _join_at(db: Database, member_id: int, moment: datetime) -> None:
    with db.session() as session:
        member = session.get(Member, member_id)
        assert member is not None
        member.joined_at = moment
        session.add(member)
        session.commit()


def test_a_member_approved_at_a_weeks_end_belongs_to_the_next_week(db: Database) -> None:
    branch = factories.branch(db, END - timedelta(days=30))
    assert branch.id is not None
    early = factories.member(db, branch.id, 1, "张三", END - timedelta(days=20))
    edge = factories.member(db, branch.id, 2, "李四", END)
    _join_at(db, early.id or 0, END - timedelta(days=20))
    _join_at(db, edge.id or 0, END)
    with db.session() as session:
        for window, expected in ((WEEK, 1), (NEXT, 2)):
            figures = stats_store.branch_stats(session=session, scope=EVERYTHING, branch_id=branch.id,
                                               window=window, now=END + timedelta(days=8))
            line = committee.committee_table(session=session, scope=EVERYTHING, branch_ids=[branch.id],
                                             window=window, now=END + timedelta(days=8))[0]
            assert figures.active == line.active == expected, window


def test_a_period_that_ends_now_includes_this_instant() -> None:
    now = datetime(2026, 3, 25, 6, 0, tzinfo=UTC)
    for word in ("本周", "本月", "全部"):
        period = parse_period(word, now, ZoneInfo("Asia/Shanghai"))
        assert period is not None and period.window.end == through(now) > now, word
