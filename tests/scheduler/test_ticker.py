"""The bot's tick through the real Application: kinds come from the features, and a member who blocked the
bot is marked unreachable with the secretary told — the whole path a scheduled reminder takes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import FEATURES, build_application
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from bot.feature import Feature
from bot.ticker import tick
from scheduler import outbox
from scheduler.clock import FakeClock
from storage.models import Delivery, DeliveryState, Member
from tests import factories
from tests.scheduler.run_with_kind import DRILL, KIND

MEMBER = 30_001


@pytest.fixture
async def session(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    # the daily study push comes late in the day: only the drill's rows reach the blocked member here
    settings = factories.settings(tmp_path, database={"url": db_url},
                                  study={"push_time": "23:00", "nudge_time": "21:00"})
    drill = Feature(name="drill", deliveries=lambda _svc: [DRILL])
    api = FakeBotApi(clock=clock)
    async with OfflineSession(partial(build_application, settings, features=(*FEATURES, drill)), api=api,
                              clock=clock) as s:
        yield s


async def test_a_blocked_member_is_marked_unreachable_and_the_secretary_told(session: OfflineSession) -> None:
    session.api.add_user(factories.SECRETARY_ID, "李书记")
    await session.send(factories.SECRETARY_ID, "/start")
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {factories.INVITE}")
    svc = session.app.bot_data["zhibu.services"]
    with svc.db.session() as s:
        member = s.exec(select(Member).where(Member.tg_user_id == MEMBER)).one()
        for key in ("first", "second"):
            outbox.enqueue(session=s, branch_id=member.branch_id, kind=KIND, dedup_key=f"drill:{key}",
                           chat_id=MEMBER, member_id=member.id, due_at=session.clock.now(), now=session.clock.now())
    session.api.world.blocked.add(MEMBER)  # blocks the bot without the bot hearing of it
    before = len(session.api.messages_to(factories.SECRETARY_ID))
    report = await tick(session.app)
    assert report.sender and report.send.failed == 2
    with svc.db.session() as s:
        assert {r.state for r in s.exec(select(Delivery)).all()} == {DeliveryState.FAILED}
        assert not s.exec(select(Member).where(Member.tg_user_id == MEMBER)).one().reachable
    told = session.api.messages_to(factories.SECRETARY_ID)[before:]
    assert len(told) == 1 and "张三" in told[0].plain  # told once, not once per refused message
