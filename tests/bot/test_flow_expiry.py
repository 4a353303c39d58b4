"""Review R2.1–R2.3, R2.6: a guided flow restored after a restart expires as a live one does, a row that
cannot be read does not stop the bot, the flowstate table does not grow without bound, and a member who
left while the 请假 prompt waited is told so.  Each test restarts the Application on the same database
with a driven clock."""

from __future__ import annotations

import pickle
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from bot.flow_store import prune_flows
from bot.handlers.rsvp import LEAVE_KEY, PROMPT_TIMEOUT_S
from scheduler.clock import FakeClock
from storage.models import FlowState, Member, MemberStatus, Rsvp
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.study_helpers import db_of, start_secretary
from tests.bot.test_meetings import ZHANG
from tests.factories import INVITE, SECRETARY_ID


def _restarted(settings: object, clock: FakeClock) -> OfflineSession:
    api = FakeBotApi(clock=clock)
    api.add_user(ZHANG, "张三")
    api.add_user(SECRETARY_ID, "李 书记")
    return factories.offline_bot(settings, clock, api)  # type: ignore[arg-type]


async def _leave_pressed(settings: object, clock: FakeClock) -> None:
    """张三 joins, a meeting is announced, and he presses 请假: the bot waits for his reason."""
    async with factories.offline_bot(settings, clock) as s:  # type: ignore[arg-type]
        await start_secretary(s)
        s.api.add_user(ZHANG, "张三")
        await s.send(ZHANG, f"/start {INVITE}")
        await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-20 14:30 | 三楼会议室 | 动员部署会")
        await s.send(ZHANG, "/meeting 1")
        asked = await s.press(ZHANG, 2)  # 请假
        assert any("原因" in m.plain for m in asked), [m.plain for m in asked]


def _rows(s: OfflineSession) -> dict[tuple[str, str], object]:
    with db_of(s).session() as session:
        return {(r.scope, r.key): pickle.loads(r.value) for r in session.exec(select(FlowState)).all()}


def _leaves(s: OfflineSession) -> list[Rsvp]:
    with db_of(s).session() as session:
        return list(session.exec(select(Rsvp).where(Rsvp.response == "leave")).all())


def _settings(tmp_path: Path, db_url: str) -> object:
    return factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)


async def test_a_flow_restored_days_later_does_not_take_unrelated_text(tmp_path: Path, clock: FakeClock,
                                                                         db_url: str) -> None:
    settings = _settings(tmp_path, db_url)
    await _leave_pressed(settings, clock)
    clock.advance(timedelta(days=3))
    async with _restarted(settings, clock) as s:
        # timed out while the bot was down: gone from the store on load, the prompt's key too
        assert not [k for k in _rows(s) if k[0].startswith("conv:")], _rows(s)
        assert not any(isinstance(v, dict) and LEAVE_KEY in v for v in _rows(s).values()), _rows(s)
        told = await s.send(ZHANG, "好的谢谢")
        assert not any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert _leaves(s) == []


async def test_a_restored_flow_times_out_while_the_bot_runs(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = _settings(tmp_path, db_url)
    await _leave_pressed(settings, clock)
    clock.advance(timedelta(minutes=5))
    async with _restarted(settings, clock) as s:
        assert [k for k in _rows(s) if k[0] == "conv:rsvp_leave"]  # still fresh: restored
        clock.advance(timedelta(seconds=PROMPT_TIMEOUT_S))  # past its timeout with no word from him
        told = await s.send(ZHANG, "好的谢谢")
        assert not any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert _leaves(s) == []
        assert not [k for k in _rows(s) if k[0].startswith("conv:")], _rows(s)
        assert not any(isinstance(v, dict) and LEAVE_KEY in v for v in _rows(s).values()), _rows(s)
    async with _restarted(settings, clock) as s:  # and it is not restored by a later start
        told = await s.send(ZHANG, "家里有事")
        assert _leaves(s) == []


async def test_a_live_flow_times_out_on_the_bots_clock(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    """No restart: the prompt's END and its key are written when the next update comes, not an hour later
    (so a restart in that hour cannot bring the timed-out flow back)."""
    settings = _settings(tmp_path, db_url)
    async with factories.offline_bot(settings, clock) as s:  # type: ignore[arg-type]
        await start_secretary(s)
        s.api.add_user(ZHANG, "张三")
        await s.send(ZHANG, f"/start {INVITE}")
        await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-20 14:30 | 三楼会议室 | 动员部署会")
        await s.send(ZHANG, "/meeting 1")
        await s.press(ZHANG, 2)  # 请假
        assert [k for k in _rows(s) if k[0] == "conv:rsvp_leave"]
        clock.advance(timedelta(seconds=PROMPT_TIMEOUT_S + 1))
        await s.send(SECRETARY_ID, "/me")  # anybody's update
        assert _rows(s) == {}, _rows(s)
        told = await s.send(ZHANG, "好的谢谢")
        assert not any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert _leaves(s) == []


async def test_a_fresh_restored_flow_still_works(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    """The expiry must not end a flow inside its timeout (the T3 behaviour stays)."""
    settings = _settings(tmp_path, db_url)
    await _leave_pressed(settings, clock)
    clock.advance(timedelta(seconds=PROMPT_TIMEOUT_S - 60))
    async with _restarted(settings, clock) as s:
        told = await s.send(ZHANG, "家里有事")
        assert any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert [r.reason for r in _leaves(s)] == ["家里有事"]


async def test_a_row_that_cannot_be_read_is_skipped(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = _settings(tmp_path, db_url)
    await _leave_pressed(settings, clock)
    async with _restarted(settings, clock) as s:
        with db_of(s).session() as session:
            now = clock.now()
            session.add(FlowState(scope="user", key="777", value=b"not a pickle", updated_at=now))
            session.add(FlowState(scope="conv:rsvp_leave", key="[777]", value=b"\x80garbage", updated_at=now))
            session.add(FlowState(scope="conv:rsvp_leave", key="not json", value=pickle.dumps(1), updated_at=now))
            session.add(FlowState(scope="conv:renamed_flow", key="[777]", value=pickle.dumps(1), updated_at=now))
            session.commit()
    async with _restarted(settings, clock) as s:  # starts; the bad and orphaned rows are gone
        keys = set(_rows(s))
        assert not keys & {("user", "777"), ("conv:rsvp_leave", "[777]"), ("conv:rsvp_leave", "not json"),
                           ("conv:renamed_flow", "[777]")}, keys
        told = await s.send(ZHANG, "家里有事")  # the good flow beside them continues
        assert any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]


async def test_rows_do_not_grow(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = _settings(tmp_path, db_url)
    await _leave_pressed(settings, clock)
    async with _restarted(settings, clock) as s:
        await s.send(ZHANG, "家里有事")
        await s.send(SECRETARY_ID, "/me")
        await s.send(ZHANG, "/me")
        assert _rows(s) == {}, _rows(s)  # no flow open: no row for anybody
        with db_of(s).session() as session:
            old, fresh = clock.now() - timedelta(days=31), clock.now()
            session.add(FlowState(scope="user", key="1", value=pickle.dumps({"x": 1}), updated_at=old))
            session.add(FlowState(scope="user", key="2", value=pickle.dumps({"x": 1}), updated_at=fresh))
            session.add(FlowState(scope="conv:rsvp_leave", key="[1]", value=pickle.dumps(1),
                                  updated_at=clock.now() - timedelta(days=2)))
            session.add(FlowState(scope="conv:rsvp_leave", key="[2]", value=pickle.dumps(1), updated_at=fresh))
            session.commit()
            prune_flows(session=session, now=clock.now())
            session.commit()
        assert set(_rows(s)) == {("user", "2"), ("conv:rsvp_leave", "[2]")}


async def test_a_strangers_language_row_goes_once_they_join(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = _settings(tmp_path, db_url)
    async with factories.offline_bot(settings, clock) as s:  # type: ignore[arg-type]
        await start_secretary(s)
        s.api.add_user(ZHANG, "张三")
        await s.send(ZHANG, "/lang en")
        assert ("user", str(ZHANG)) in _rows(s)  # a stranger's choice has nowhere else to live
        await s.send(ZHANG, f"/start {INVITE}")
        told = await s.send(ZHANG, "/me")
        assert ("user", str(ZHANG)) not in _rows(s), _rows(s)
        assert "My study" in told[-1].plain, [m.plain for m in told]  # the member row kept the language


async def test_a_member_who_left_is_told_the_leave_was_not_filed(tmp_path: Path, clock: FakeClock,
                                                                  db_url: str) -> None:
    settings = _settings(tmp_path, db_url)
    await _leave_pressed(settings, clock)
    async with _restarted(settings, clock) as s:
        with db_of(s).session() as session:
            member = session.exec(select(Member).where(Member.tg_user_id == ZHANG)).one()
            member.status = MemberStatus.LEFT
            session.add(member)
            session.commit()
    async with _restarted(settings, clock) as s:
        told = await s.send(ZHANG, "家里有事")
        assert any("已不是本支部" in m.plain for m in told), [m.plain for m in told]
        assert not any("没有编号" in m.plain for m in told)
        assert _leaves(s) == []
        assert not [k for k in _rows(s) if k[0].startswith("conv:")]
