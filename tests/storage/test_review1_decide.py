"""Review 1, R2: two secretaries deciding one join request at the same moment give one decision.

The request goes to every secretary with 批准·正式 and 批准·预备 (and 拒绝).  Each test lets the second
decision meet the first half-way, on an SQLite file and on PostgreSQL: the second must be told the
request was already decided, and exactly one decision (one audit entry, one standing) must stand."""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import select

from scheduler.clock import FakeClock
from storage import registration, roster
from storage.db import Database
from storage.errors import InvalidState
from storage.models import AuditEntry, Member, MemberStatus, Role, Standing
from storage.registration import NewUser
from tests import factories


def _request(db: Database, clock: FakeClock) -> tuple[Member, Member, int]:
    """Two secretaries of one branch and a pending request to join it."""
    branch = factories.branch(db, clock.now())
    assert branch.id is not None
    first = factories.member(db, branch.id, 2, "甲书记", clock.now(), Role.SECRETARY)
    second = factories.member(db, branch.id, 3, "乙书记", clock.now(), Role.SECRETARY)
    with db.session() as s:
        pending = registration.register(
            session=s, user=NewUser(7, "王五"), invite_code=None, now=clock.now(), branch_id=branch.id
        )
    member = pending.member
    assert member is not None and member.id is not None and member.status == MemberStatus.PENDING
    return first, second, member.id


def _decisions(db: Database) -> list[str]:
    with db.session() as s:
        return [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.action.in_(["approve", "reject"]))).all()]  # type: ignore[attr-defined]


def _final(db: Database, member_id: int) -> tuple[str, str]:
    with db.session() as s:
        row = s.get(Member, member_id)
        assert row is not None
        return row.status, row.standing


def test_a_decision_on_a_request_read_before_another_secretary_decided_it_is_refused(
    db: Database, clock: FakeClock
) -> None:
    first, second, member_id = _request(db, clock)
    with db.session() as t1:
        # the first secretary's transaction has the pending request in hand ...
        held = roster.decision_candidate(session=t1, actor=first, member_id=member_id, approve=True)
        with db.session() as t2:  # ... when the second approves it as 预备 and commits
            roster.decide(
                session=t2,
                actor=second,
                member_id=member_id,
                approve=True,
                now=clock.now(),
                standing=Standing.PROBATIONARY,
            )
        with pytest.raises(InvalidState) as refused:
            roster.decide(
                session=t1, actor=first, member_id=member_id, approve=True, now=clock.now(), standing=Standing.FULL
            )
    assert refused.value.code == "already_decided" and held.status == MemberStatus.ACTIVE  # judged afresh
    assert _final(db, member_id) == (MemberStatus.ACTIVE, Standing.PROBATIONARY)
    assert _decisions(db) == ["approve"]


@pytest.mark.parametrize("standing", [Standing.FULL, None], ids=["approve", "reject"])
def test_a_decision_racing_an_uncommitted_one_waits_and_is_refused(
    db: Database, clock: FakeClock, standing: Standing | None
) -> None:
    first, second, member_id = _request(db, clock)
    errors: list[BaseException] = []
    holder = db.session()
    t1 = holder.__enter__()
    roster.decide(
        session=t1, actor=first, member_id=member_id, approve=True, now=clock.now(), standing=Standing.PROBATIONARY
    )
    t1.flush()  # the first decision is written, not yet committed: it holds the row (and SQLite's writer lock)

    def second_decides() -> None:
        try:
            with db.session() as t2:
                roster.decide(
                    session=t2,
                    actor=second,
                    member_id=member_id,
                    approve=standing is not None,
                    now=clock.now(),
                    standing=standing,
                )
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=second_decides)
    thread.start()
    time.sleep(0.8)  # the second has read the request (still pending to it) and waits to write
    holder.__exit__(None, None, None)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert [type(e) for e in errors] == [InvalidState] and errors[0].code == "already_decided"  # type: ignore[attr-defined]
    assert _final(db, member_id) == (MemberStatus.ACTIVE, Standing.PROBATIONARY)
    assert _decisions(db) == ["approve"]
