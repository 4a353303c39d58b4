"""Trial T3: a restart in the middle of a guided flow lost it — 王五 pressed 请假, the bot restarted, and
his reason got "I work mostly through commands" with no leave filed; the secretary's guided /newmeeting
lost its kind the same way.  Conversations and their drafts now live in the store (``bot.flow_store``)
and the flow continues after a restart."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import FlowState, Rsvp
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.study_helpers import db_of, start_secretary
from tests.bot.test_meetings import ZHANG
from tests.factories import INVITE, SECRETARY_ID


def _restarted(settings: object, clock: FakeClock) -> OfflineSession:
    """The bot started again on the same database; Telegram still knows both people."""
    api = FakeBotApi(clock=clock)
    api.add_user(ZHANG, "张三")
    api.add_user(SECRETARY_ID, "李 书记")
    return factories.offline_bot(settings, clock, api)  # type: ignore[arg-type]


async def _join(s: OfflineSession) -> None:
    await start_secretary(s)
    s.api.add_user(ZHANG, "张三")
    await s.send(ZHANG, f"/start {INVITE}")


async def test_a_leave_reason_typed_after_a_restart_is_filed(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    async with factories.offline_bot(settings, clock) as s:
        await _join(s)
        await s.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-20 14:30 | 三楼会议室 | 动员部署会")
        await s.send(ZHANG, "/meeting 1")
        asked = await s.press(ZHANG, 2)  # 请假
        assert any("原因" in m.plain for m in asked), [m.plain for m in asked]
    async with _restarted(settings, clock) as s:
        told = await s.send(ZHANG, "家里有事")
        assert any("已提交请假申请" in m.plain for m in told), [m.plain for m in told]
        assert not any("命令" in m.plain and "/help" in m.plain for m in told)
        with db_of(s).session() as session:
            rsvp = session.exec(select(Rsvp).where(Rsvp.meeting_id == 1)).one()
            assert (rsvp.response, rsvp.reason) == ("leave", "家里有事")
        # the finished flow is gone from the store: the next text is ordinary text again
        with db_of(s).session() as session:
            assert not [r for r in session.exec(select(FlowState)).all() if r.scope.startswith("conv:")]


async def test_a_guided_newmeeting_continues_after_a_restart(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = factories.settings(tmp_path, database={"url": db_url}, study=QUIET_STUDY)
    async with factories.offline_bot(settings, clock) as s:
        await _join(s)
        kinds = await s.send(SECRETARY_ID, "/newmeeting")
        labels = [b.text for b in kinds[-1].button_list()]
        asked = await s.press(SECRETARY_ID, labels.index("党员大会") + 1)
        assert any("主题" in m.plain for m in asked), [m.plain for m in asked]
    async with _restarted(settings, clock) as s:
        told = await s.send(SECRETARY_ID, "周例会主题")
        assert any("时间" in m.plain for m in told), [m.plain for m in told]  # the next question: when
        told = await s.send(SECRETARY_ID, "2026-04-21 09:00")
        told = await s.send(SECRETARY_ID, "三楼会议室")
        last = told[-1]
        labels = [b.text for b in last.button_list()]
        await s.press(SECRETARY_ID, 1)  # 仅此一次
        meeting = (await s.send(SECRETARY_ID, "/meeting 1"))[0].plain
        assert "周例会主题" in meeting and "党员大会" in meeting, (labels, meeting)
