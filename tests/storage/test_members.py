"""Registration, roles and the roster rules, on an SQLite file and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from scheduler.clock import FakeClock
from storage import members as member_store
from storage import registration, roster
from storage.db import Database
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.models import AuditEntry, MemberStatus, Role, Standing
from storage.registration import NewUser, Outcome
from storage.scope import Scope
from tests import factories


def _register(db: Database, clock: FakeClock, user_id: int, code: str | None = None, **kw: object):
    with db.session() as s:
        return registration.register(session=s, user=NewUser(user_id, f"用户{user_id}"), invite_code=code,
                                     now=clock.now(), **kw)


def test_invite_code_joins_at_once_and_again_is_already(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    first = _register(db, clock, 1, factories.INVITE)
    assert first.outcome == Outcome.JOINED
    assert first.member.status == MemberStatus.ACTIVE and first.member.branch_id == branch.id
    again = _register(db, clock, 1, factories.INVITE)
    assert again.outcome == Outcome.ALREADY
    with db.session() as s:
        assert len(member_store.list_members(session=s, scope=Scope.everything(), branch_id=branch.id)) == 1


def test_without_code_waits_for_a_secretary_who_decides_once(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    secretary = factories.member(db, branch.id, 500, "李书记", clock.now(), Role.SECRETARY)
    pending = _register(db, clock, 2)
    assert pending.outcome == Outcome.PENDING
    assert _register(db, clock, 2).outcome == Outcome.STILL_PENDING
    with db.session() as s:
        approved = roster.decide(session=s, actor=secretary, member_id=pending.member.id, approve=True,
                                       now=clock.now())
    assert approved.status == MemberStatus.ACTIVE
    with db.session() as s, pytest.raises(InvalidState):
        roster.decide(session=s, actor=secretary, member_id=pending.member.id, approve=False, now=clock.now())


def test_bad_code_and_choose_branch(db: Database, clock: FakeClock) -> None:
    factories.branch(db, clock.now())
    assert _register(db, clock, 3, "nope").outcome == Outcome.BAD_CODE
    factories.branch(db, clock.now(), key="other", invite="other-code", name="另一支部")
    assert _register(db, clock, 3).outcome == Outcome.CHOOSE_BRANCH


def test_configured_secretary_joins_as_secretary(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    result = _register(db, clock, 77, secretary_ids={branch.key: [77]})
    assert result.outcome == Outcome.JOINED and result.member.role == Role.SECRETARY


def test_member_cannot_manage_and_secretaries_stay_in_their_branch(db: Database, clock: FakeClock) -> None:
    a = factories.branch(db, clock.now())
    b = factories.branch(db, clock.now(), key="b", invite="code-b", name="乙支部")
    member = factories.member(db, a.id, 1, "张三", clock.now())
    secretary_b = factories.member(db, b.id, 2, "王书记", clock.now(), Role.SECRETARY)
    with db.session() as s, pytest.raises(PermissionDenied):
        roster.set_standing(session=s, actor=member, member_id=member.id, standing=Standing.PROBATIONARY,
                                  now=clock.now())
    with db.session() as s, pytest.raises(NotFound):
        roster.remove(session=s, actor=secretary_b, member_id=member.id, now=clock.now())


def test_last_secretary_is_kept_and_audit_is_written(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    secretary = factories.member(db, branch.id, 1, "李书记", clock.now(), Role.SECRETARY)
    member = factories.member(db, branch.id, 2, "张三", clock.now())
    with db.session() as s, pytest.raises(InvalidState):
        roster.set_role(session=s, actor=secretary, member_id=secretary.id, role=Role.MEMBER, now=clock.now())
    with db.session() as s:
        roster.set_role(session=s, actor=secretary, member_id=member.id, role=Role.SECRETARY, now=clock.now())
    with db.session() as s:  # now there are two, so one may step down
        roster.set_role(session=s, actor=secretary, member_id=secretary.id, role=Role.MEMBER, now=clock.now())
        removed = roster.remove(session=s, actor=member_store.get_member(session=s, member_id=member.id),
                                      member_id=secretary.id, now=clock.now())
        assert removed.status == MemberStatus.LEFT
    with db.session() as s:
        actions = [e.action for e in s.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]
    assert actions[-3:] == ["set_role", "set_role", "remove"]


def test_timestamps_come_back_aware_utc(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    factories.member(db, branch.id, 1, "张三", clock.now())
    with db.session() as s:
        found = member_store.find_member(session=s, tg_user_id=1)
    assert found is not None and found.joined_at == clock.now() and found.joined_at.utcoffset().total_seconds() == 0


def test_removed_member_returns_only_through_a_secretary_and_without_the_role(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    chief = factories.member(db, branch.id, 1, "李书记", clock.now(), Role.SECRETARY)
    deputy = factories.member(db, branch.id, 2, "王委员", clock.now(), Role.SECRETARY)
    with db.session() as s:
        roster.remove(session=s, actor=chief, member_id=deputy.id, now=clock.now())
    back = _register(db, clock, 2, factories.INVITE)  # the public invite link is not a way back in
    assert back.outcome == Outcome.PENDING and back.member.role == Role.MEMBER


def test_probationary_members_hold_no_office(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    chief = factories.member(db, branch.id, 1, "李书记", clock.now(), Role.SECRETARY)
    member = factories.member(db, branch.id, 2, "张三", clock.now())
    with db.session() as s:
        roster.set_standing(session=s, actor=chief, member_id=member.id, standing=Standing.PROBATIONARY,
                                  now=clock.now())
    with db.session() as s, pytest.raises(InvalidState):
        roster.set_role(session=s, actor=chief, member_id=member.id, role=Role.SECRETARY, now=clock.now())
    with db.session() as s, pytest.raises(InvalidState):
        roster.set_standing(session=s, actor=chief, member_id=chief.id, standing=Standing.PROBATIONARY,
                                  now=clock.now())


def test_secretaries_cannot_touch_a_committee_admin(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    chief = factories.member(db, branch.id, 1, "李书记", clock.now(), Role.SECRETARY)
    admin = factories.member(db, branch.id, 2, "党委", clock.now(), Role.ADMIN)
    with db.session() as s, pytest.raises(PermissionDenied):
        roster.removal_candidate(session=s, actor=chief, member_id=admin.id)
