"""Meeting rules without Telegram: seeds, series, RSVP and 请假, the check-in code, the roster and quorum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.bootstrap import bootstrap
from storage import attendance, makeup, meeting_audience, meeting_series
from storage import meetings as meeting_store
from storage import rsvp as rsvp_store
from storage.attendance import CheckIn, Window, code_at
from storage.db import Database
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.meetings import MeetingSpec
from storage.models import AttendanceStatus, Audience, Meeting, MeetingSeries, MeetingStatus, Member, Role, Standing
from tests import factories

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
START = datetime(2026, 3, 25, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
WINDOW = Window(before=timedelta(minutes=30), after=timedelta(minutes=30), period_seconds=60)


def spec(kind: str = "党员大会", start: datetime = START, **extra: object) -> MeetingSpec:
    return MeetingSpec(kind=kind, topic="动员部署会", starts_at=start, duration_minutes=90, place="三楼会议室",
                       **extra)  # type: ignore[arg-type]


@pytest.fixture
def people(db: Database) -> tuple[Member, list[Member]]:
    branch = factories.branch(db, NOW)
    assert branch.id is not None
    secretary = factories.member(db, branch.id, factories.SECRETARY_ID, "李书记", NOW, role=Role.SECRETARY)
    members = [factories.member(db, branch.id, 1000 + i, f"党员{i}", NOW) for i in range(1, 6)]
    return secretary, members


def test_a_seed_is_inserted_once_and_never_overwrites_the_chat(db: Database, people: tuple[Member, list[Member]]
                                                              ) -> None:
    secretary, _ = people
    with db.session() as s:
        first = meeting_store.seed_meeting(session=s, branch_id=secretary.branch_id, key="k", spec=spec(), now=NOW)
        again = meeting_store.seed_meeting(session=s, branch_id=secretary.branch_id, key="k",
                                           spec=spec(start=START + timedelta(hours=1)), now=NOW)
        assert again.id == first.id and again.starts_at == START + timedelta(hours=1)  # untouched: config wins
        meeting_store.edit_meeting(session=s, actor=secretary, meeting_id=first.id or 0, field_name="place",
                                   value="二楼", now=NOW)
        kept = meeting_store.seed_meeting(session=s, branch_id=secretary.branch_id, key="k",
                                          spec=spec(start=START + timedelta(hours=3)), now=NOW)
        assert kept.place == "二楼" and kept.starts_at == START + timedelta(hours=1) and kept.revision == 1
        meeting_store.cancel_meeting(session=s, actor=secretary, meeting_id=first.id or 0, now=NOW)
        assert meeting_store.seed_meeting(session=s, branch_id=secretary.branch_id, key="k", spec=spec(),
                                          now=NOW).status == MeetingStatus.CANCELLED
        assert len(s.exec(select(Meeting)).all()) == 1


def test_a_monthly_series_skips_one_occurrence_and_keeps_the_rest(db: Database,
                                                                  people: tuple[Member, list[Member]]) -> None:
    secretary, _ = people
    first = datetime(2026, 4, 15, 6, 30, tzinfo=UTC)
    with db.session() as s:
        series, created = meeting_series.create_series(session=s, actor=secretary, spec=spec("主题党日", first),
                                                      tz=TZ, now=NOW)
        assert [m.starts_at for m in created] == [first]  # the next one is beyond the horizon yet
        meeting_store.cancel_meeting(session=s, actor=secretary, meeting_id=created[0].id or 0, now=NOW)
        later = NOW + timedelta(days=30)
        assert meeting_series.extend_series(session=s, tz=TZ, now=later) == 1
        again = meeting_series.extend_series(session=s, tz=TZ, now=later + timedelta(days=1))
        rows = s.exec(select(Meeting).where(Meeting.series_id == series.id)).all()
        assert again == 0
        assert sorted((m.starts_at.astimezone(TZ).strftime("%m-%d %H:%M"), m.status) for m in rows) == [
            ("04-15 14:30", MeetingStatus.CANCELLED), ("05-15 14:30", MeetingStatus.SCHEDULED)]
        with pytest.raises(InvalidState):
            day_30 = spec(start=datetime(2026, 5, 30, 6, tzinfo=UTC))
            meeting_series.create_series(session=s, actor=secretary, spec=day_30, tz=TZ, now=NOW)


def test_rsvp_leave_and_decision(db: Database, people: tuple[Member, list[Member]]) -> None:
    secretary, members = people
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(), now=NOW)
        assert meeting.id is not None
        rsvp_store.respond(session=s, member=members[0], meeting_id=meeting.id, attend=True, reason=None, now=NOW)
        row = rsvp_store.respond(session=s, member=members[0], meeting_id=meeting.id, attend=False, reason="出差",
                                 now=NOW)
        assert (row.response, row.reason, row.leave_status) == ("leave", "出差", "pending")
        with pytest.raises(PermissionDenied):
            rsvp_store.decide_leave(session=s, actor=members[1], rsvp_id=row.id or 0, approve=True, now=NOW)
        decided, member, _ = rsvp_store.decide_leave(session=s, actor=secretary, rsvp_id=row.id or 0, approve=True,
                                                     now=NOW)
        assert decided.leave_status == "approved" and member.id == members[0].id
        with pytest.raises(InvalidState):  # the same decision twice: a double tap
            rsvp_store.decide_leave(session=s, actor=secretary, rsvp_id=row.id or 0, approve=True, now=NOW)
        with pytest.raises(InvalidState):  # 不批准 after 批准 without the change step: a stray tap
            rsvp_store.decide_leave(session=s, actor=secretary, rsvp_id=row.id or 0, approve=False, now=NOW)
        changed, _, _ = rsvp_store.decide_leave(session=s, actor=secretary, rsvp_id=row.id or 0, approve=False,
                                                now=NOW, change=True)  # the secretary changes the decision
        assert changed.leave_status == "declined"
        with pytest.raises(InvalidState):  # answers close when the meeting starts
            rsvp_store.respond(session=s, member=members[1], meeting_id=meeting.id, attend=True, reason=None,
                               now=START)


def test_check_in_takes_only_the_current_code_inside_the_window(db: Database,
                                                                people: tuple[Member, list[Member]]) -> None:
    secretary, members = people
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(), now=NOW)
        secret = meeting.checkin_secret
    early = START - timedelta(minutes=31)
    with db.session() as s:
        assert attendance.check_in(session=s, member=members[0], code=code_at(secret, early, 60), now=early,
                                   window=WINDOW).outcome == CheckIn.NOT_OPEN
    at = START - timedelta(minutes=5, seconds=-30)  # 30 s into a period
    old = code_at(secret, at - timedelta(seconds=120), 60)
    wrong = next(c for c in ("0000", "1111", "2222") if c not in {code_at(secret, at - timedelta(seconds=60 * k), 60)
                                                                    for k in range(attendance.STALE_PERIODS + 1)})
    with db.session() as s:
        assert attendance.check_in(session=s, member=members[0], code=old, now=at, window=WINDOW).outcome == \
            CheckIn.STALE
        assert attendance.check_in(session=s, member=members[0], code=wrong, now=at, window=WINDOW).outcome == \
            CheckIn.WRONG
        assert attendance.check_in(session=s, member=members[0], code=code_at(secret, at, 60), now=at,
                                   window=WINDOW).outcome == CheckIn.PRESENT
        assert attendance.check_in(session=s, member=members[0], code=code_at(secret, at, 60), now=at,
                                   window=WINDOW).outcome == CheckIn.ALREADY
        late = START + timedelta(minutes=10)
        assert attendance.check_in(session=s, member=members[1], code=code_at(secret, late, 60), now=late,
                                   window=WINDOW).outcome == CheckIn.LATE
        closed = START + timedelta(minutes=30)
        assert attendance.check_in(session=s, member=members[2], code=code_at(secret, closed, 60), now=closed,
                                   window=WINDOW).outcome == CheckIn.CLOSED  # the one just closed (trial T9)
    with db.session() as s:  # five wrong codes, then even the right one is refused for a while
        for _ in range(attendance.MISS_LIMIT):
            attendance.check_in(session=s, member=members[3], code=wrong, now=at, window=WINDOW)
        assert attendance.check_in(session=s, member=members[3], code=code_at(secret, at, 60), now=at,
                                   window=WINDOW).outcome == CheckIn.LIMITED


def test_roster_and_quorum_match_the_rows(db: Database, people: tuple[Member, list[Member]]) -> None:
    secretary, members = people
    with db.session() as s:
        probationary = s.get(Member, members[4].id)
        assert probationary is not None
        probationary.standing = Standing.PROBATIONARY
        s.add(probationary)
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(), now=NOW)
        mid = meeting.id or 0
        secret = meeting.checkin_secret
        rsvp_store.respond(session=s, member=members[0], meeting_id=mid, attend=True, reason=None, now=NOW)
        rsvp_store.respond(session=s, member=members[1], meeting_id=mid, attend=True, reason=None, now=NOW)
        leave = rsvp_store.respond(session=s, member=members[2], meeting_id=mid, attend=False, reason="病假", now=NOW)
        rsvp_store.decide_leave(session=s, actor=secretary, rsvp_id=leave.id or 0, approve=True, now=NOW)
    at = START - timedelta(minutes=10)
    with db.session() as s:
        for who in (members[0], members[4]):
            attendance.check_in(session=s, member=who, code=code_at(secret, at, 60), now=at, window=WINDOW)
        so_far = attendance.roster(session=s, actor=secretary, meeting_id=mid, now=at, window=WINDOW)
        assert not so_far.final and so_far.quorum is not None
        assert {x.name for x in so_far.having(None)} == {"李书记", "党员2", "党员4"}
        attendance.mark(session=s, actor=secretary, meeting_id=mid, member_id=secretary.id or 0,
                        status=AttendanceStatus.PRESENT, note=None, now=at)
    after = START + timedelta(hours=2)
    with db.session() as s:
        final = attendance.roster(session=s, actor=secretary, meeting_id=mid, now=after, window=WINDOW)
        # what the rows say: 6 expected (the secretary + 5), 4 of them full members besides the probationary one
        full = [secretary, *members[:4]]
        present_full = {secretary.name, members[0].name}
        assert final.final and len(final.expected) == 6
        assert {x.name for x in final.present} == present_full | {members[4].name}
        assert [(x.name, x.reason) for x in final.having("excused")] == [(members[2].name, "病假")]
        assert {x.name for x in final.having("absent")} == {members[1].name, members[3].name}
        assert [x.name for x in final.said_yes_absent] == [members[1].name]
        assert {x.name for x in final.came_unannounced} == {secretary.name, members[4].name}
        assert final.quorum is not None
        assert (final.quorum.full_expected, final.quorum.full_present) == (len(full), len(present_full))
        assert final.quorum.met is (len(present_full) * 2 > len(full))  # 2 of 5: no quorum
        assert not final.quorum.met
        owed = attendance.assign_makeup(session=s, meeting=s.get(Meeting, mid), now=after,  # type: ignore[arg-type]
                                        window=WINDOW)
        assert sorted(owed) == sorted([members[1].id, members[2].id, members[3].id])
        # no materials: nothing to read, so no tap completes it (trial U12); the secretary records it, once
        with pytest.raises(InvalidState, match="makeup_nothing_to_read"):
            makeup.start_makeup(session=s, member=members[2], meeting_id=mid, now=after, size=5)
        makeup.mark_makeup(session=s, actor=secretary, meeting_id=mid, member_id=members[2].id or 0, now=after)
        assert makeup.start_makeup(session=s, member=members[2], meeting_id=mid, now=after, size=5).done_before
        done = attendance.roster(session=s, actor=secretary, meeting_id=mid, now=after, window=WINDOW)
        assert {x.name for x in done.owes_makeup} == {members[1].name, members[3].name}


def test_audiences(db: Database, people: tuple[Member, list[Member]]) -> None:
    secretary, members = people
    with db.session() as s:
        meeting_store.set_party_group(session=s, actor=secretary, name="一组", member_ids=[members[0].id or 0,
                                                                                            members[1].id or 0],
                                      now=NOW)
        committee = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(
            "支委会", audience=Audience.COMMITTEE), now=NOW)
        group = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(
            "党小组会", audience=Audience.GROUP, audience_group="一组"), now=NOW)
        assert [m.name for m in meeting_audience.attendees(session=s, meeting=committee)] == ["李书记"]
        assert [m.name for m in meeting_audience.attendees(session=s, meeting=group)] == ["党员1", "党员2"]
        with pytest.raises(NotFound):  # not addressed to them: like a meeting that does not exist (F45)
            rsvp_store.respond(session=s, member=members[3], meeting_id=group.id or 0, attend=True, reason=None,
                               now=NOW)
        with pytest.raises(InvalidState):  # a secretary the group's meeting does not address cannot answer it
            rsvp_store.respond(session=s, member=secretary, meeting_id=group.id or 0, attend=True, reason=None,
                               now=NOW)


def test_bootstrap_treats_configured_meetings_as_seeds(db_url: str, tmp_path: Path) -> None:
    """Issue 6 item 6: a later start never overwrites a meeting a secretary edited, moved or cancelled."""
    seed = {"branch": "csfz", "kind": "党员大会", "topic": "动员部署会", "starts_at": "2026-03-25 14:30",
            "place": "三楼会议室", "key": "csfz-dongyuan"}
    database = Database(db_url)
    bootstrap(factories.settings(tmp_path, meetings=[seed]), database, NOW)
    moved = {**seed, "place": "二楼会议室"}
    bootstrap(factories.settings(tmp_path, meetings=[moved]), database, NOW)  # untouched: the file still rules
    with database.session() as s:
        meeting = s.exec(select(Meeting)).one()
        assert meeting.place == "二楼会议室" and meeting.origin == "config"
        secretary = factories.member(database, meeting.branch_id, factories.SECRETARY_ID, "李书记", NOW,
                                     role=Role.SECRETARY)
    with database.session() as s:
        meeting_store.edit_meeting(session=s, actor=secretary, meeting_id=meeting.id or 0, field_name="starts_at",
                                   value=START + timedelta(days=1), now=NOW)
    bootstrap(factories.settings(tmp_path, meetings=[{**seed, "place": "礼堂"}]), database, NOW)
    with database.session() as s:
        kept = s.exec(select(Meeting)).one()
        assert (kept.place, kept.starts_at) == ("二楼会议室", START + timedelta(days=1))
    database.dispose()


def test_a_monthly_seed_is_a_series_whose_occurrences_the_chat_owns(db_url: str, tmp_path: Path) -> None:
    seed = {"branch": "csfz", "kind": "主题党日", "topic": "每月主题党日", "starts_at": "2026-04-15 14:30",
            "place": "三楼会议室", "key": "theme-day", "repeat": "monthly"}
    database = Database(db_url)
    bootstrap(factories.settings(tmp_path, meetings=[seed]), database, NOW)
    bootstrap(factories.settings(tmp_path, meetings=[{**seed, "place": "党员活动室"}]), database, NOW)
    with database.session() as s:
        series = s.exec(select(MeetingSeries)).one()
        first = s.exec(select(Meeting)).one()  # 04-15 only: May is beyond the horizon yet
        assert series.place == "党员活动室" and first.place == "三楼会议室"  # the occurrence made stays as it is
        assert first.starts_at == datetime(2026, 4, 15, 6, 30, tzinfo=UTC)
    later = NOW + timedelta(days=30)
    with database.session() as s:
        assert meeting_series.extend_series(session=s, tz=TZ, now=later) == 1
        may = s.exec(select(Meeting).where(Meeting.key != first.key)).one()
        assert may.place == "党员活动室"
    database.dispose()


def test_another_branch_s_meetings_do_not_exist_for_its_secretary(db: Database,
                                                                   people: tuple[Member, list[Member]]) -> None:
    secretary, members = people
    other = factories.branch(db, NOW, key="yi", invite="yi-2026", name="乙支部")
    assert other.id is not None
    stranger = factories.member(db, other.id, 90009, "乙书记", NOW, role=Role.SECRETARY)
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(), now=NOW)
        mid = meeting.id or 0
        for call in (lambda: meeting_store.get_meeting(session=s, actor=stranger, meeting_id=mid),
                     lambda: attendance.roster(session=s, actor=stranger, meeting_id=mid, now=NOW, window=WINDOW),
                     lambda: meeting_store.cancel_meeting(session=s, actor=stranger, meeting_id=mid, now=NOW)):
            with pytest.raises(NotFound):
                call()
        with pytest.raises(PermissionDenied):  # a member sees the meeting but not the roster
            attendance.roster(session=s, actor=members[0], meeting_id=mid, now=NOW, window=WINDOW)
        assert meeting_store.list_meetings(session=s, actor=stranger, now=NOW) == ([], [])


def test_a_withdrawn_leave_tells_the_secretary_it_was_withdrawn(db: Database, people: tuple[Member, list[Member]]
                                                                 ) -> None:
    """The trial: the member switched from 请假 to 参加, and the secretary's 批准 said "already decided"."""
    secretary, members = people
    with db.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=secretary, spec=spec(), now=NOW)
        mid = meeting.id or 0
        leave = rsvp_store.respond(session=s, member=members[0], meeting_id=mid, attend=False, reason="出差", now=NOW)
        rsvp_store.respond(session=s, member=members[0], meeting_id=mid, attend=True, reason=None, now=NOW)
        with pytest.raises(InvalidState) as withdrawn:
            rsvp_store.decide_leave(session=s, actor=secretary, rsvp_id=leave.id or 0, approve=True, now=NOW)
    assert withdrawn.value.code == "leave_withdrawn" and withdrawn.value.params["name"] == members[0].name
