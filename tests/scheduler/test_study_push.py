"""The daily study push and the quiz nudge queued by the tick: once per member and day, paused members and
quiet hours respected."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from scheduler import study_push
from storage import quiz as quiz_store
from storage import study as study_store
from storage.db import Database
from storage.models import Delivery, Member, Question, QuestionStatus
from tests import factories

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


def _members(db: Database, count: int) -> tuple[int, list[Member]]:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    return branch.id, [factories.member(db, branch.id, 20_000 + n, f"党员{n}", NOW) for n in range(count)]


def _kinds(session: Session, kind: str) -> list[Delivery]:
    return list(session.exec(select(Delivery).where(Delivery.kind == kind)))


def test_pushes_are_enqueued_once_per_member_and_day_and_skip_paused_members(db: Database) -> None:
    _, members = _members(db, 3)
    with db.session() as s:
        study_store.set_push_paused(session=s, member_id=members[1].id, paused=True, now=NOW)  # type: ignore[arg-type]
        study_store.set_push_time(session=s, member_id=members[2].id, value=time(9, 0), now=NOW)  # type: ignore[arg-type]
    produce = {"tz": TZ, "default_time": time(8, 0)}
    with db.session() as s:
        assert study_push.produce_study_pushes(session=s, now=NOW - timedelta(minutes=1), **produce) == 0
        assert study_push.produce_study_pushes(session=s, now=NOW, **produce) == 1
        assert study_push.produce_study_pushes(session=s, now=NOW + timedelta(hours=1), **produce) == 1
        assert study_push.produce_study_pushes(session=s, now=NOW + timedelta(hours=2), **produce) == 0
        rows = _kinds(s, study_push.STUDY_KIND)
        assert sorted(r.member_id for r in rows) == [members[0].id, members[2].id]  # type: ignore[type-var]
        assert all(r.expires_at == datetime(2026, 3, 20, 16, 0, tzinfo=UTC) for r in rows)  # local midnight


def test_nudges_never_fall_in_quiet_hours_and_skip_who_answered(db: Database) -> None:
    branch_id, members = _members(db, 2)
    with db.session() as s:
        q = Question(branch_id=branch_id, qkey="q-1", qtype="truefalse", stem="判断", options=["正确", "错误"],
                     answer=["正确"], doc_key="d", document="文", sentence="句", status=QuestionStatus.PUBLISHED,
                     updated_at=NOW)
        s.add(q)
        s.flush()
        assert q.id is not None
        quiz_store.record_answer(session=s, branch_id=branch_id, member_id=members[0].id,  # type: ignore[arg-type]
                                 question_id=q.id, attempt_key="a", chosen=["正确"], correct=True,
                                 is_review=False, now=NOW)
    evening = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    args = {"tz": TZ, "quiet_start": time(22, 0), "quiet_end": time(7, 0)}
    with db.session() as s:
        assert study_push.produce_quiz_nudges(session=s, now=evening, nudge_time=time(23, 0), **args) == 0
        assert study_push.produce_quiz_nudges(session=s, now=evening + timedelta(hours=3), nudge_time=time(20, 0),
                                               **args) == 0  # 23:00: too late today, the quiet hours began
        assert study_push.produce_quiz_nudges(session=s, now=evening, nudge_time=time(20, 0), **args) == 1
        assert study_push.produce_quiz_nudges(session=s, now=evening, nudge_time=time(20, 0), **args) == 0
        row = _kinds(s, study_push.NUDGE_KIND)[0]
        assert row.member_id == members[1].id and row.expires_at == evening + timedelta(hours=2)
