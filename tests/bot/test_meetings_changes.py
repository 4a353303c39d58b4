"""A moved, edited or cancelled meeting, as the members already notified read it: what changed, old → new.

Each member's change notice compares the meeting with what *that member* may last have seen (their notice, a
reminder or an earlier change notice: ``scheduler/seen.py``), rendered when it is sent in their language
and the branch timezone: several edits
before the sender runs read as the first value → the latest, and an edit undone before then sends nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from bot.app import build_application
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Delivery, DeliveryState, Meeting
from tests import factories
from tests.bot.test_meetings import GROUP, WANG, ZHANG, deliver, join, rows, svc_of
from tests.factories import INVITE, SECRETARY_ID

EVERYONE = {SECRETARY_ID, ZHANG, WANG}
TOLD = EVERYONE - {SECRETARY_ID}  # he creates and edits the meeting: his confirmations told him (trial V3/V15)


@asynccontextmanager
async def with_group(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    """A branch with its group chat, where the notice and each change are posted once."""
    settings = factories.settings(tmp_path, database={"url": db_url}, branches=[{
        "key": "csfz", "name": "直属城市发展研究中心党支部", "invite_code": INVITE, "secretaries": [SECRETARY_ID],
        "group_chat_id": GROUP}])
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "支部群")
    async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as s:
        yield s


@pytest.fixture
async def grouped(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with with_group(tmp_path, clock, db_url) as s:
        yield s


async def _meeting(s: OfflineSession, clock: FakeClock) -> int:
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-25 14:30 | 三楼会议室 | 正确政绩观专题党课 | 60分钟")
    mid = rows(s, Meeting)[0].id
    notices = await deliver(s)
    noticed = {m.chat_id for m in notices if "会议通知" in m.plain}
    assert noticed >= TOLD and SECRETARY_ID not in noticed
    return int(mid)


async def _secretary(s: OfflineSession, clock: FakeClock, text: str) -> list[SentMessage]:
    clock.advance(timedelta(seconds=20))  # typed at a person's pace, not a flood
    return await s.send(SECRETARY_ID, text)


async def _produce(s: OfflineSession, clock: FakeClock) -> None:
    """The producers alone: rows are queued, nothing is sent yet (a tick cut short, a long fan-out)."""
    svc = svc_of(s)
    for producer in svc.producers:
        await svc.db.run(producer, now=clock.now())


def _changes(sent: list[SentMessage]) -> dict[int, str]:
    found = [m for m in sent if "会议有变动" in m.plain or "has changed" in m.plain]
    assert len({m.chat_id for m in found}) == len(found), "one change notice per member"
    return {m.chat_id: m.plain for m in found}


async def test_a_move_and_a_new_place_are_announced_old_to_new_in_each_readers_language(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    await session.send(WANG, "/lang en")
    moved = await _secretary(session, clock, f"/meeting {mid} 时间 2026-03-26 15:00")
    assert "已修改" in moved[0].plain
    await _secretary(session, clock, f"/meeting {mid} 地点 五楼报告厅")
    changes = _changes(await deliver(session))
    assert set(changes) == TOLD
    for who in (ZHANG,):
        assert "· 时间：2026年3月25日（周三）14:30–15:30 → 2026年3月26日（周四）15:00–16:00" in changes[who]
        assert "· 地点：三楼会议室 → 五楼报告厅" in changes[who]
        assert "主题：" not in changes[who].split("\n\n")[0]  # only what changed is listed before the card
    assert "· Time: Wed 25/3/2026 14:30–15:30 → Thu 26/3/2026 15:00–16:00" in changes[WANG]
    assert "· Place: 三楼会议室 → 五楼报告厅" in changes[WANG]
    assert await deliver(session) == []  # each change is told once

    # a later edit is measured from the change notice they got, not from the first notice
    await _secretary(session, clock, f"/meeting {mid} 主持 王明洲")
    later = _changes(await deliver(session))
    assert set(later) == TOLD
    assert "· 主持：— → 王明洲" in later[ZHANG] and "时间：" not in later[ZHANG].split("\n\n")[0]

    # the cancellation names the meeting as they knew it
    asked = await _secretary(session, clock, f"/meeting {mid} 取消")
    assert "确定取消会议" in asked[-1].plain
    await session.press(SECRETARY_ID, 1)
    told = {m.chat_id: m.plain for m in await deliver(session) if "会议取消" in m.plain or "Cancelled" in m.plain}
    assert set(told) == EVERYONE - {SECRETARY_ID} and "原定 2026年3月26日（周四）15:00" in told[ZHANG]


async def test_several_edits_before_the_notice_goes_out_read_first_to_latest(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    await _secretary(session, clock, f"/meeting {mid} 时间 2026-03-26 09:00")
    await _produce(session, clock)  # the first change's rows are queued, not yet sent ...
    queued = [r for r in rows(session, Delivery) if r.kind == "mtg.change" and r.state == DeliveryState.PENDING]
    assert len(queued) == len(TOLD)
    await _secretary(session, clock, f"/meeting {mid} 时间 2026-03-27 10:00")  # ... and it moves again
    changes = _changes(await deliver(session))
    assert set(changes) == TOLD
    assert "· 时间：2026年3月25日（周三）14:30–15:30 → 2026年3月27日（周五）10:00–11:00" in changes[ZHANG]
    assert "3月26日" not in changes[ZHANG]  # the value in between was never anyone's to know
    assert await deliver(session) == []
    # the second revision's rows had nothing left to say
    states = sorted(r.state for r in rows(session, Delivery) if r.kind == "mtg.change")
    assert states == ["expired"] * len(TOLD) + ["sent"] * len(TOLD)


async def test_an_edit_undone_before_the_sender_runs_sends_nothing(session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    await _secretary(session, clock, f"/meeting {mid} 地点 五楼报告厅")
    await _secretary(session, clock, f"/meeting {mid} 地点 三楼会议室")  # a slip, put right at once
    assert _changes(await deliver(session)) == {}
    assert {r.state for r in rows(session, Delivery) if r.kind == "mtg.change"} == {"expired"}
    # a real change afterwards is still told, from what they know
    await _secretary(session, clock, f"/meeting {mid} 时长 90")
    changes = _changes(await deliver(session))
    assert set(changes) == TOLD
    assert "· 时间：2026年3月25日（周三）14:30–15:30 → 2026年3月25日（周三）14:30–16:00" in changes[WANG]


async def test_a_pending_reminder_shows_the_new_details_and_says_what_moved(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    clock.set(datetime(2026, 3, 22, 6, 30, tzinfo=UTC))  # three days before: the reminder is queued ...
    await _produce(session, clock)
    await _secretary(session, clock, f"/meeting {mid} 地点 五楼报告厅")  # ... then the place changes
    sent = await deliver(session)
    reminders = {m.chat_id: m.plain for m in sent if "会议提醒" in m.plain}
    assert set(reminders) == EVERYONE and all("地点：五楼报告厅" in text for text in reminders.values())
    # the reminder went out after the edit: it says what moved, and no change notice repeats it
    changes = _changes(sent + await deliver(session))
    assert set(changes) == TOLD and "· 地点：三楼会议室 → 五楼报告厅" in changes[ZHANG]
    assert all("会议提醒" in text for text in changes.values())


async def test_the_branch_groups_change_notice_says_what_changed(grouped: OfflineSession, clock: FakeClock
                                                                 ) -> None:
    s = grouped
    mid = await _meeting(s, clock)
    await _secretary(s, clock, f"/meeting {mid} 主题 树立和践行正确政绩观")
    in_group = [m.plain for m in await deliver(s) if m.chat_id == GROUP]
    assert len(in_group) == 1 and "会议有变动" in in_group[0]
    assert "· 主题：正确政绩观专题党课 → 树立和践行正确政绩观" in in_group[0]
    await _secretary(s, clock, f"/meeting {mid} 主题 正确政绩观专题党课")
    await _secretary(s, clock, f"/meeting {mid} 主题 树立和践行正确政绩观")  # back and forth: same as told
    assert [m for m in await deliver(s) if m.chat_id == GROUP] == []


async def test_a_meeting_moved_then_cancelled_before_the_change_went_out_is_named_as_they_knew_it(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    await _secretary(session, clock, f"/meeting {mid} 时间 2026-03-26 09:00")
    await _produce(session, clock)  # the change is queued ...
    await _secretary(session, clock, f"/meeting {mid} 取消")
    await session.press(SECRETARY_ID, 1)  # ... and the meeting cancelled before it went out
    sent = await deliver(session)
    assert _changes(sent) == {}  # no news of a time that no longer matters
    told = {m.chat_id: m.plain for m in sent if "会议取消" in m.plain}
    assert set(told) == EVERYONE - {SECRETARY_ID} and "原定 2026年3月25日（周三）14:30" in told[ZHANG]
