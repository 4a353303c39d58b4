"""The one scope rule, one branch per person, transfers, concurrent registration and clean input —
on an SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from scheduler.clock import FakeClock
from storage import members as member_store
from storage import registration, roster
from storage.db import Database
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.inputs import clean_text, has_control_characters, valid_id
from storage.models import AuditEntry, Member, MemberStatus, Role, Standing
from storage.registration import NewUser, Outcome
from storage.scope import Scope
from tests import factories


def _two(db: Database, clock: FakeClock):
    a = factories.branch(db, clock.now())
    b = factories.branch(db, clock.now(), key="b", invite="code-b", name="乙支部")
    return a, b


def test_the_scope_rule(db: Database, clock: FakeClock) -> None:
    a, b = _two(db, clock)
    member = factories.member(db, a.id, 1, "张三", clock.now())
    secretary = factories.member(db, a.id, 2, "李书记", clock.now(), Role.SECRETARY)
    admin = factories.member(db, a.id, 3, "党委", clock.now(), Role.ADMIN)
    other = factories.member(db, b.id, 4, "王五", clock.now())
    assert Scope.of(member).sees_member(member) and not Scope.of(member).sees_member(secretary)
    assert Scope.of(secretary).sees_member(member) and not Scope.of(secretary).sees_member(other)
    assert Scope.of(admin).sees_member(other) and Scope.of(admin).branch_ids is None
    listed = Scope.of(admin, is_admin=True, admin_branches=[b.id])
    assert listed.sees_member(other) and not listed.sees_member(member) and listed.acting_branch_id == b.id
    assert Scope.of(admin, is_admin=False).role == Role.MEMBER  # the config no longer lists them
    assert not Scope.of(None).sees_branch(a.id) and not Scope.nobody().manages
    with db.session() as s:
        assert {m.name for m in member_store.list_members(session=s, scope=Scope.of(secretary))} == {"张三", "李书记"}
        assert [m.name for m in member_store.list_members(session=s, scope=Scope.of(member))] == ["张三"]
        assert {m.name for m in member_store.list_members(session=s, scope=listed)} == {"王五"}
        assert member_store.list_members(session=s, scope=Scope.nobody()) == []


def test_joining_one_branch_withdraws_a_request_elsewhere(db: Database, clock: FakeClock) -> None:
    a, b = _two(db, clock)
    secretary_b = factories.member(db, b.id, 2, "乙书记", clock.now(), Role.SECRETARY)
    with db.session() as s:
        pending = registration.register(session=s, user=NewUser(7, "王五"), invite_code=None, now=clock.now(),
                                        branch_id=b.id)
    assert pending.outcome == Outcome.PENDING
    with db.session() as s:
        joined = registration.register(session=s, user=NewUser(7, "王五"), invite_code=factories.INVITE,
                                       now=clock.now())
    assert joined.outcome == Outcome.JOINED and joined.member.branch_id == a.id
    with db.session() as s, pytest.raises(InvalidState, match="already_decided"):
        roster.decide(session=s, actor=secretary_b, member_id=pending.member.id, approve=True, now=clock.now())
    with db.session() as s:
        rows = s.exec(select(Member).where(Member.tg_user_id == 7)).all()
    assert sorted(r.status for r in rows) == [MemberStatus.ACTIVE, MemberStatus.WITHDRAWN]


def test_the_store_refuses_two_active_memberships(db: Database, clock: FakeClock) -> None:
    a, b = _two(db, clock)
    factories.member(db, a.id, 7, "王五", clock.now())
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Member(branch_id=b.id, tg_user_id=7, name="王五", status=MemberStatus.ACTIVE,
                     created_at=clock.now(), updated_at=clock.now()))


def test_transfer_moves_a_member_and_is_audited(db: Database, clock: FakeClock) -> None:
    a, b = _two(db, clock)
    secretary = factories.member(db, a.id, 1, "李书记", clock.now(), Role.SECRETARY)
    member = factories.member(db, a.id, 2, "张三", clock.now())
    with db.session() as s:
        roster.set_standing(session=s, actor=secretary, member_id=member.id, standing=Standing.PROBATIONARY,
                            now=clock.now())
    with db.session() as s:
        old, new = roster.transfer(session=s, actor=secretary, member_id=member.id, branch_key="b", now=clock.now())
    assert old.status == MemberStatus.LEFT and old.removed_at is None
    assert new.branch_id == b.id and new.status == MemberStatus.ACTIVE and new.standing == Standing.PROBATIONARY
    with db.session() as s, pytest.raises(InvalidState, match="last_secretary"):
        roster.transfer(session=s, actor=secretary, member_id=secretary.id, branch_key="b", now=clock.now())
    with db.session() as s, pytest.raises(NotFound):  # gone from the secretary's branch
        roster.transfer(session=s, actor=secretary, member_id=new.id, branch_key="csfz", now=clock.now())
    with db.session() as s:
        actions = [e.action for e in s.exec(select(AuditEntry))]
    assert "transfer_out" in actions and "transfer_in" in actions


def test_setting_what_is_already_set_changes_nothing(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    secretary = factories.member(db, branch.id, 1, "李书记", clock.now(), Role.SECRETARY)
    member = factories.member(db, branch.id, 2, "张三", clock.now())
    with db.session() as s:
        _, changed = roster.set_role(session=s, actor=secretary, member_id=member.id, role=Role.MEMBER,
                                     now=clock.now())
    assert not changed
    with db.session() as s, pytest.raises(InvalidState, match="office_needs_full_standing"):
        roster.set_standing(session=s, actor=secretary, member_id=secretary.id, standing=Standing.PROBATIONARY,
                            now=clock.now())
    with db.session() as s, pytest.raises(PermissionDenied):  # admins come from the config
        roster.set_role(session=s, actor=secretary, member_id=member.id, role=Role.ADMIN, now=clock.now())
    with db.session() as s, pytest.raises(NotFound):
        roster.remove(session=s, actor=secretary, member_id=2**31, now=clock.now())


def _race(engines: list[Database], user: NewUser, now: datetime) -> list[object]:
    """Both engines run ``/start`` for ``user`` at once (one with the invite code, one without)."""
    barrier = threading.Barrier(len(engines))
    results: list[object] = []

    def start(database: Database, code: str | None) -> None:
        barrier.wait()
        try:
            results.append(registration.register_retrying(database, user=user, invite_code=code, now=now))
        except Exception as exc:  # recorded, so the assertion names it
            results.append(exc)

    threads = [threading.Thread(target=start, args=(engine, factories.INVITE if i else None))
               for i, engine in enumerate(engines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_start_for_one_user_never_fails(db_url: str, db: Database) -> None:
    """Two processes (two engines, two connections) handle the same user's /start at the same moment."""
    now = datetime(2026, 3, 20, tzinfo=UTC)
    factories.branch(db, now)
    engines = [Database(db_url), Database(db_url)]
    try:
        for round_ in range(8):
            user = NewUser(70_000 + round_, "王五")
            results = _race(engines, user, now)
            assert len(results) == 2 and all(not isinstance(r, Exception) for r in results), results
            with db.session() as s:
                rows = s.exec(select(Member).where(Member.tg_user_id == user.tg_user_id)).all()
            assert len(rows) == 1
    finally:
        for engine in engines:
            engine.dispose()


def test_clean_text_and_ids() -> None:
    assert clean_text("张\x00三\u202e\x07 \t  四\r\n五") == "张三 四 五"
    assert clean_text("a\r\nb\x0b\n\n c", multiline=True) == "a\nb\n\nc"
    assert clean_text("\ud800x") == "x" and clean_text("  ") == "" and clean_text("长" * 10, limit=3) == "长长长"
    assert clean_text("👨‍👩‍👧 家") == "👨‍👩‍👧 家"  # joiners in emoji stay
    assert has_control_characters("a\x00") and not has_control_characters("a\nb")
    assert valid_id(1) and valid_id(2**31 - 1) and not valid_id(2**31) and not valid_id(0)


def test_names_with_nul_are_stored_clean(db: Database, clock: FakeClock) -> None:
    factories.branch(db, clock.now())
    with db.session() as s:
        result = registration.register(session=s, user=NewUser(9, "张\x00三", username="a\x00b"),
                                       invite_code=factories.INVITE, now=clock.now())
    assert result.member.name == "张三" and result.member.username == "ab"


def test_role_and_status_come_back_as_enums(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    factories.member(db, branch.id, 1, "张三", clock.now(), Role.SECRETARY)
    with db.session() as s:
        found = member_store.find_member(session=s, tg_user_id=1)
    assert found is not None
    assert type(found.role) is Role and type(found.status) is MemberStatus and type(found.standing) is Standing


def test_a_member_is_named_by_a_unique_name_in_the_branch(db: Database) -> None:
    now = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
    branch = factories.branch(db, now)
    other = factories.branch(db, now, key="yi", invite="yi-join", name="乙支部")
    assert branch.id is not None and other.id is not None
    zhang = factories.member(db, branch.id, 2001, "张三", now)
    factories.member(db, branch.id, 2002, "王五", now)
    factories.member(db, branch.id, 2003, "王五", now)
    factories.member(db, other.id, 2004, "赵六", now)
    with db.session() as s:
        assert roster.member_named(session=s, branch_id=branch.id, name=" 张三 ") == zhang.id
        with pytest.raises(InvalidState) as shared:
            roster.member_named(session=s, branch_id=branch.id, name="王五")
        assert shared.value.code == "member_name_ambiguous"
        with pytest.raises(NotFound):  # another branch's member is not found by name either
            roster.member_named(session=s, branch_id=branch.id, name="赵六")
