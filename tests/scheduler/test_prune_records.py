"""The outbox's records that are no messages (review R9) do not pile up: a handler card's row goes once its
meeting ended long enough ago that no cancellation can concern it, a check-in screen's once no start looks
for it; recent ones stay, and a second record of the same message is not added."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from scheduler import unbutton
from storage import screens
from storage.db import Database
from storage.models import Delivery, Meeting
from tests import factories

NOW = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)


def _meeting(db: Database, branch_id: int, key: str, starts: datetime) -> Meeting:
    with db.session() as session:
        meeting = Meeting(branch_id=branch_id, key=key, kind="党员大会", topic=key, place="p", starts_at=starts,
                          ends_at=starts + timedelta(hours=1), created_at=starts - timedelta(days=1))
        session.add(meeting)
        session.commit()
        session.refresh(meeting)
        return meeting


def test_old_cards_and_screens_are_pruned_recent_ones_kept(db: Database) -> None:
    branch = factories.branch(db, NOW - timedelta(days=60))
    assert branch.id is not None
    old = _meeting(db, branch.id, "old", NOW - timedelta(days=5))
    soon = _meeting(db, branch.id, "soon", NOW + timedelta(days=3))
    with db.session() as session:
        for meeting, message in ((old, 1), (soon, 2), (soon, 2)):  # the same message twice: one record
            unbutton.record_card(session=session, meeting=meeting, member_id=None, chat_id=7, message_id=message,
                                 now=NOW - timedelta(days=6))
        screens.remember_screen(session=session, chat_id=7, message_id=3, meeting_id=old.id or 0, user_id=7,
                                now=NOW - timedelta(days=5))
        screens.remember_screen(session=session, chat_id=8, message_id=4, meeting_id=soon.id or 0, user_id=8,
                                now=NOW - timedelta(hours=1))
        session.commit()
    with db.session() as session:
        assert unbutton.prune_records(session=session, now=NOW) == 0  # it adds nothing
        session.commit()
    with db.session() as session:
        left = sorted((d.kind, d.telegram_message_id) for d in session.exec(select(Delivery)).all())
    assert left == [(unbutton.CARD, 2), (screens.SCREEN, 4)]
