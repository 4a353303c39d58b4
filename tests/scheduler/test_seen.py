"""What a reader may last have seen of a meeting (``scheduler/seen.py``), from outbox rows alone: the last
sent row is surely seen; an uncertain row after it may have been; when those disagree, ``unsure``."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler import seen
from scheduler.outbox import enqueue
from storage.db import Database
from storage.models import Delivery, DeliveryState
from tests import factories

NOW = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
MEETING, PLACE_A, PLACE_B = 7, {"place": "三楼"}, {"place": "五楼"}


def _row(db: Database, branch_id: int, member_id: int, key: str, shown: dict[str, Any], state: str,
         at: datetime) -> None:
    """A row rendered (recording ``shown``) and then gone out as ``state`` at ``at``."""
    with db.session() as s:
        enqueue(session=s, branch_id=branch_id, kind=key.split(":")[0], dedup_key=key, chat_id=1, due_at=at, now=at,
                member_id=member_id, subject_id=MEETING)
        row = s.exec(select(Delivery).where(Delivery.dedup_key == key)).one()
        seen.record_shown(session=s, row=row, meeting_id=MEETING, member_id=member_id, shown=shown)
        stamp = {"sent_at": at} if state == DeliveryState.SENT else {"uncertain_at": at}
        s.execute(update(Delivery).where(col(Delivery.id) == row.id).values(state=state, **stamp))
        s.commit()


def _seen(db: Database, member_id: int) -> seen.Seen:
    with db.session() as s:
        return seen.last_seen(session=s, meeting_id=MEETING, member_id=member_id)


def test_the_last_sent_row_is_what_they_saw_and_an_uncertain_one_after_it_makes_it_unsure(db: Database) -> None:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    one = factories.member(db, branch.id, 1001, "张三", NOW)
    two = factories.member(db, branch.id, 1002, "王五", NOW)
    assert one.id is not None and two.id is not None
    assert _seen(db, one.id) == seen.Seen()  # never told anything
    for who in (one.id, two.id):
        _row(db, branch.id, who, f"mtg.notice:{MEETING}:{who}", PLACE_A, DeliveryState.SENT, NOW)
    _row(db, branch.id, one.id, f"mtg.remind:{MEETING}:1440:x:{one.id}", PLACE_B, DeliveryState.SENT,
         NOW + timedelta(hours=1))
    assert _seen(db, one.id) == seen.Seen(shown=PLACE_B)  # the reminder went out after the notice
    _row(db, branch.id, two.id, f"mtg.remind:{MEETING}:1440:x:{two.id}", PLACE_B, DeliveryState.UNCERTAIN,
         NOW + timedelta(hours=1))
    assert _seen(db, two.id) == seen.Seen(shown=PLACE_B, unsure=True)  # 三楼 surely, 五楼 perhaps
    _row(db, branch.id, two.id, f"mtg.change:{MEETING}:1:{two.id}", PLACE_B, DeliveryState.SENT,
         NOW + timedelta(hours=2))
    assert _seen(db, two.id) == seen.Seen(shown=PLACE_B)  # a later sent row settles it


def test_a_resend_after_an_uncertain_attempt_with_other_details_is_unsure_until_it_is_sent(db: Database) -> None:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    one = factories.member(db, branch.id, 1001, "张三", NOW)
    assert one.id is not None
    _row(db, branch.id, one.id, f"mtg.notice:{MEETING}:{one.id}", PLACE_B, DeliveryState.SENT, NOW)
    key = f"mtg.remind:{MEETING}:1440:x:{one.id}"
    _row(db, branch.id, one.id, key, PLACE_A, DeliveryState.UNCERTAIN, NOW + timedelta(hours=1))

    def resend(state: str, hours: int) -> None:  # the place changed back: this attempt shows 五楼
        with db.session() as s:
            row = s.exec(select(Delivery).where(Delivery.dedup_key == key)).one()
            seen.record_shown(session=s, row=row, meeting_id=MEETING, member_id=one.id, shown=PLACE_B)
            stamp = {"sent_at": NOW + timedelta(hours=hours)} if state == DeliveryState.SENT else \
                {"uncertain_at": NOW + timedelta(hours=hours)}
            s.execute(update(Delivery).where(col(Delivery.id) == row.id).values(state=state, **stamp))
            s.commit()

    resend(DeliveryState.UNCERTAIN, 2)  # 五楼 from the notice, but the first attempt's 三楼 may have come after
    assert _seen(db, one.id) == seen.Seen(shown=PLACE_B, unsure=True)
    resend(DeliveryState.SENT, 3)  # the resend arrived: it came last
    assert _seen(db, one.id) == seen.Seen(shown=PLACE_B)


def test_two_senders_rendering_one_readers_rows_at_once_both_list_them(db: Database) -> None:
    """Two sender processes render a reminder and a change notice of the same reader at the same moment:
    the second waits for the first's anchor update, so the anchor lists both rows (PostgreSQL: concurrent
    transactions; SQLite serialises writers and passes trivially)."""
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    one = factories.member(db, branch.id, 1001, "张三", NOW)
    assert one.id is not None
    keys = [f"mtg.notice:{MEETING}:{one.id}", f"mtg.remind:{MEETING}:60:x:{one.id}",
            f"mtg.change:{MEETING}:1:{one.id}"]
    with db.session() as s:
        for key in keys:
            enqueue(session=s, branch_id=branch.id, kind=key.split(":")[0], dedup_key=key, chat_id=1, due_at=NOW,
                    now=NOW, member_id=one.id, subject_id=MEETING)

    def render(key: str, s: Any) -> int:
        row = s.exec(select(Delivery).where(Delivery.dedup_key == key)).one()
        seen.record_shown(session=s, row=row, meeting_id=MEETING, member_id=one.id, shown=PLACE_A)
        return int(row.id)

    ids: list[int] = []
    if db.dialect == "sqlite":
        for key in keys[1:]:
            with db.session() as s:
                ids.append(render(key, s))
    else:
        with Session(db.engine) as s1:
            ids.append(render(keys[1], s1))  # the first sender holds its transaction open ...

            def second() -> None:
                with db.session() as s2:
                    ids.append(render(keys[2], s2))

            other = threading.Thread(target=second)
            other.start()
            time.sleep(0.5)  # ... while the second renders
            s1.commit()
            other.join(10)
            assert not other.is_alive()
    with db.session() as s:
        anchor = s.exec(select(Delivery).where(Delivery.dedup_key == keys[0])).one()
        assert sorted(anchor.payload.get(seen.RENDERS, [])) == sorted(ids)
