"""Review R2.4: the 请假 reason and the end of the flow that asked for it commit together.

The flow's state (``bot.flow_store``) used to be written after the handler's own transaction, so a crash
between the two left the reason recorded and the flow still waiting: after the restart the member's next
text was filed again as a reason (a second request to the secretaries, the first reason overwritten).
Both directions of the crash are simulated here: the process dying right after the handler's commit
(nothing PTB writes afterwards reaches the store), and dying inside the transaction (nothing at all)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot import flow_store
from bot.fakeapi.session import OfflineSession
from bot.flow_store import FlowStore
from scheduler.clock import FakeClock
from storage.models import FlowState, Rsvp
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.study_helpers import db_of
from tests.bot.test_flow_restart import _join, _restarted
from tests.bot.test_meetings import ZHANG
from tests.factories import SECRETARY_ID


async def _nothing(*_args: object, **_kwargs: object) -> None:
    return None


async def _ask_leave(s: OfflineSession) -> None:
    await _join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-20 14:30 | 三楼会议室 | 动员部署会")
    await s.send(ZHANG, "/meeting 1")
    asked = await s.press(ZHANG, 2)  # 请假
    assert any("原因" in m.plain for m in asked), [m.plain for m in asked]


def _leave_rows(s: OfflineSession) -> list[tuple[str, str | None]]:
    with db_of(s).session() as session:
        return [(r.response, r.reason) for r in session.exec(select(Rsvp).where(Rsvp.meeting_id == 1)).all()]


async def test_a_crash_after_the_reason_is_recorded_does_not_file_the_next_text(
        tmp_path: Path, clock: FakeClock, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    async with factories.offline_bot(settings, clock) as s:
        await _ask_leave(s)
        with monkeypatch.context() as crash:
            # the process dies once the handler's transaction has committed: no later persistence write lands
            for method in ("update_conversation", "update_user_data", "flush"):
                crash.setattr(FlowStore, method, _nothing)
            told = await s.send(ZHANG, "家里有事")
            assert any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
            await s.__aexit__(None, None, None)  # "crashed": shut down while nothing may be written
            s.__aexit__ = _nothing  # type: ignore[method-assign]
    async with _restarted(settings, clock) as s:
        told = await s.send(ZHANG, "好的，谢谢")
        assert not any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert _leave_rows(s) == [("leave", "家里有事")]  # the reason typed, not the thanks after it
        with db_of(s).session() as session:
            assert not [r for r in session.exec(select(FlowState)).all() if r.scope.startswith("conv:")]


async def test_a_crash_inside_the_transaction_leaves_the_flow_waiting_and_nothing_filed(
        tmp_path: Path, clock: FakeClock, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    async with factories.offline_bot(settings, clock) as s:
        await _ask_leave(s)
        with monkeypatch.context() as crash:
            def dies(*_args: object, **_kwargs: object) -> list[str]:
                raise RuntimeError("the process died here")

            crash.setattr(flow_store, "_end_rows", dies)  # after the leave is written, before the commit
            for method in ("update_conversation", "update_user_data", "flush"):
                crash.setattr(FlowStore, method, _nothing)
            await s.send(ZHANG, "家里有事")
            assert _leave_rows(s) == []  # rolled back with the flow's end
            await s.__aexit__(None, None, None)
            s.__aexit__ = _nothing  # type: ignore[method-assign]
    async with _restarted(settings, clock) as s:
        told = await s.send(ZHANG, "家里有事")  # typed again: the flow still asks for it
        assert any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert _leave_rows(s) == [("leave", "家里有事")]


async def test_a_crash_after_the_guided_form_creates_its_meeting_leaves_no_form_open(
        tmp_path: Path, clock: FakeClock, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guided /newmeeting's last tap creates the meeting; its flow and draft end in that transaction."""
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    async with factories.offline_bot(settings, clock) as s:
        await _join(s)
        kinds = await s.send(SECRETARY_ID, "/newmeeting")
        await s.press(SECRETARY_ID, [b.text for b in kinds[-1].button_list()].index("党员大会") + 1)
        for answer in ("周例会主题", "2026-04-21 09:00", "三楼会议室"):
            await s.send(SECRETARY_ID, answer)
        with monkeypatch.context() as crash:
            for method in ("update_conversation", "update_user_data", "flush"):
                crash.setattr(FlowStore, method, _nothing)
            await s.press(SECRETARY_ID, 1)  # 仅此一次: the meeting is made
            await s.__aexit__(None, None, None)
            s.__aexit__ = _nothing  # type: ignore[method-assign]
    async with _restarted(settings, clock) as s:
        with db_of(s).session() as session:
            rows = session.exec(select(FlowState)).all()
            assert not [r.scope for r in rows if r.scope.startswith("conv:")]
            assert not any(b"mt.draft" in r.value for r in rows)  # the draft went with the flow
        meeting = (await s.send(SECRETARY_ID, "/meeting 1"))[0].plain
        assert "周例会主题" in meeting, meeting
