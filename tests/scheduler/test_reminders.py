"""The meeting producers: the example meeting's notice and three reminders at the right local times, once each;
changes and cancellations to whoever was notified; 补学 to the absent; nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlmodel import select

from bot.bootstrap import bootstrap
from bot.config import Settings
from scheduler import reminders, seen
from storage import attendance
from storage import meetings as meeting_store
from storage.attendance import Window
from storage.db import Database
from storage.models import AttendanceStatus, Delivery, DeliveryState, Role
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")
WINDOW = Window(before=timedelta(minutes=30), after=timedelta(minutes=30), period_seconds=60)


def example_settings(tmp_path: Path, db_url: str) -> Settings:
    data = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    data["data_dir"] = str(tmp_path / "data")
    data["database"] = {"url": db_url}
    return Settings.model_validate(data)


def produce(db: Database, settings: Settings, now: datetime) -> int:
    with db.session() as s:
        added = reminders.produce_series(session=s, now=now, tz=TZ)
        added += reminders.produce_notices(session=s, now=now, offsets=settings.schedule.offsets(), notify_group=True)
        added += reminders.produce_changes(session=s, now=now, notify_group=True)
        added += reminders.produce_makeup(session=s, now=now, window=WINDOW)
    return added


def rows(db: Database) -> list[Delivery]:
    with db.session() as s:
        return list(s.exec(select(Delivery).order_by(Delivery.id)).all())  # type: ignore[arg-type]


def mark_all_sent(db: Database, now: datetime) -> None:
    with db.session() as s:
        for row in s.exec(select(Delivery).where(Delivery.state == DeliveryState.PENDING)).all():
            row.state, row.sent_at = DeliveryState.SENT, now
            s.add(row)


def test_the_example_meeting_gets_its_notice_and_three_reminders_at_local_times(tmp_path: Path, db_url: str
                                                                                ) -> None:
    settings = example_settings(tmp_path, db_url)
    db = Database(db_url)
    start = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, five days ahead
    result = bootstrap(settings, db, start)
    branch_id = result.branch_ids["csfz"]
    for i in (1, 2):
        factories.member(db, branch_id, 2000 + i, f"党员{i}", start)
    first_seen: dict[str, datetime] = {}
    now = start
    while now < datetime(2026, 3, 25, 7, 0, tzinfo=UTC):
        produce(db, settings, now)
        for row in rows(db):
            first_seen.setdefault(row.dedup_key, now)
        mark_all_sent(db, now)
        now += timedelta(minutes=30)  # the reminders fall on half hours: each is seen when it is due
    produced = {(row.kind, (row.payload or {}).get("offset"), row.member_id) for row in rows(db)}
    assert len(rows(db)) == len(produced) == 8  # (notice + 3 reminders) × 2 members, nothing twice
    local = sorted({(row.kind, first_seen[row.dedup_key].astimezone(TZ).strftime("%m-%d %H:%M"),
                     row.payload.get("offset")) for row in rows(db)}, key=lambda x: x[1])
    assert local == [
        ("mtg.notice", "03-20 09:00", None),
        ("mtg.remind", "03-22 14:30", 3 * 24 * 60),
        ("mtg.remind", "03-24 14:30", 24 * 60),
        ("mtg.remind", "03-25 12:30", 120),
    ]
    meeting_start = datetime(2026, 3, 25, 6, 30, tzinfo=UTC)
    assert {row.expires_at for row in rows(db)} == {meeting_start}
    db.dispose()


def test_changes_reach_whoever_was_notified_and_a_moved_meeting_is_reminded_again(db: Database) -> None:
    now = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
    branch = factories.branch(db, now)
    assert branch.id is not None
    secretary = factories.member(db, branch.id, factories.SECRETARY_ID, "李书记", now, role=Role.SECRETARY)
    member = factories.member(db, branch.id, 3001, "张三", now)
    settings = factories.settings(Path("/nonexistent"))
    start = datetime(2026, 3, 21, 6, 30, tzinfo=UTC)  # 29.5 hours ahead: the 3-day reminder is already past
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=meeting_store.MeetingSpec(
            kind="主题党日", topic="参观", starts_at=start, duration_minutes=90, place="纪念馆"), now=now)
        # as /newmeeting does: his confirmation showed it (bot/handlers/meeting_create.py)
        seen.record_confirmation(session=s, meeting=meeting, member=secretary, now=now, notice=True)
    produce(db, settings, now)
    # no 3-day reminder after the fact; no notice to the secretary who created it (his confirmation, V3)
    assert [(r.kind, r.member_id, r.state) for r in rows(db)] == [
        ("mtg.notice", secretary.id, DeliveryState.SENT), ("mtg.notice", member.id, DeliveryState.PENDING)]
    mark_all_sent(db, now)
    late = now + timedelta(hours=2)
    newcomer = factories.member(db, branch.id, 3002, "新同志", late)  # joined after the notice went out
    with db.session() as s:
        meeting_store.edit_meeting(session=s, actor=secretary, meeting_id=meeting.id or 0, field_name="starts_at",
                                   value=start + timedelta(days=2), now=late)
    produce(db, settings, late)
    changes = [r for r in rows(db) if r.kind == "mtg.change"]
    assert [r.member_id for r in changes] == [member.id]  # not the newcomer, nor the editor (V15)
    notices = [r for r in rows(db) if r.kind == "mtg.notice"]
    assert newcomer.id in {r.member_id for r in notices}  # ... who gets the notice itself
    assert produce(db, settings, late) == 0
    mark_all_sent(db, late)
    with db.session() as s:
        meeting_store.cancel_meeting(session=s, actor=secretary, meeting_id=meeting.id or 0, now=late)
    produce(db, settings, late + timedelta(minutes=1))
    cancels = [r for r in rows(db) if r.kind == "mtg.cancel"]
    # not back to the secretary who cancelled it: his confirmation told him (trial U25)
    assert sorted(r.member_id for r in cancels) == sorted([member.id, newcomer.id])
    assert all(r.expires_at is None for r in cancels)


def test_makeup_reaches_the_absent_after_the_meeting(db: Database) -> None:
    now = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
    branch = factories.branch(db, now)
    assert branch.id is not None
    secretary = factories.member(db, branch.id, factories.SECRETARY_ID, "李书记", now, role=Role.SECRETARY)
    absent = factories.member(db, branch.id, 3001, "张三", now)
    settings = factories.settings(Path("/nonexistent"))
    start = datetime(2026, 3, 21, 6, 30, tzinfo=UTC)
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=meeting_store.MeetingSpec(
            kind="党课", topic="党课", starts_at=start, duration_minutes=60, place="会议室"), now=now)
        attendance.mark(session=s, actor=secretary, meeting_id=meeting.id or 0, member_id=secretary.id or 0,
                        status=AttendanceStatus.PRESENT, note=None, now=start)
    produce(db, settings, start + timedelta(minutes=59))
    assert not [r for r in rows(db) if r.kind == "mtg.makeup"]  # not before it ends
    produce(db, settings, start + timedelta(hours=1))
    produce(db, settings, start + timedelta(hours=2))
    assert [(r.kind, r.member_id) for r in rows(db) if r.kind == "mtg.makeup"] == [("mtg.makeup", absent.id)]
