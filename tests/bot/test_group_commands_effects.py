"""Private-only commands with side effects typed in the branch group take effect — once, for the sender, in
private — and the group hears nothing of them (review R10: the earlier test checked only where the replies
went)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting, MeetingStatus, Member, MemberStatus
from tests.bot.test_meetings import join, rows
from tests.bot.test_meetings_changes import GROUP, with_group
from tests.factories import SECRETARY_ID

NEWCOMER = 10055
TYPING = timedelta(seconds=2)


@pytest.fixture
async def grouped(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with with_group(tmp_path, clock, db_url) as s:
        yield s


def _member(s: OfflineSession, tg_user_id: int) -> Member:
    return next(m for m in rows(s, Member) if m.tg_user_id == tg_user_id)


async def _in_group(s: OfflineSession, clock: FakeClock, user: int, text: str) -> list[int]:
    clock.advance(TYPING)
    return [m.chat_id for m in await s.feed(s.api.group_message_update(user, GROUP, text))]


async def test_approve_typed_in_the_group_approves_once_in_private(grouped: OfflineSession, clock: FakeClock) -> None:
    s = grouped
    await join(s)
    s.api.add_user(NEWCOMER, "孙七")
    await s.send(NEWCOMER, "/start")  # no invite: a request for the secretary
    newcomer = _member(s, NEWCOMER)
    assert newcomer.status == MemberStatus.PENDING
    said = await _in_group(s, clock, SECRETARY_ID, f"/approve {newcomer.id} 正式")
    assert said and set(said) <= {SECRETARY_ID, NEWCOMER}, said
    assert _member(s, NEWCOMER).status == MemberStatus.ACTIVE
    again = await _in_group(s, clock, SECRETARY_ID, f"/approve {newcomer.id} 正式")  # already a member
    assert set(again) == {SECRETARY_ID} and _member(s, NEWCOMER).status == MemberStatus.ACTIVE
    assert s.api.messages_to(GROUP) == []


async def test_cancel_typed_in_the_group_is_confirmed_in_private(grouped: OfflineSession, clock: FakeClock) -> None:
    s = grouped
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 支委会 | 2026-04-15 14:30 | 书记办公室 | 研究发展党员")
    mid = rows(s, Meeting)[0].id
    assert await _in_group(s, clock, SECRETARY_ID, f"/meeting {mid} 取消") == [SECRETARY_ID]
    assert rows(s, Meeting)[0].status != MeetingStatus.CANCELLED  # asked first, in private
    await s.press(SECRETARY_ID, 1)  # 确定取消, in his private chat
    assert rows(s, Meeting)[0].status == MeetingStatus.CANCELLED
    assert s.api.messages_to(GROUP) == []


async def test_lang_typed_in_the_group_switches_the_sender_only(grouped: OfflineSession, clock: FakeClock) -> None:
    s = grouped
    await join(s)
    assert await _in_group(s, clock, SECRETARY_ID, "/lang en") == [SECRETARY_ID]
    assert _member(s, SECRETARY_ID).language == "en"
    assert all(m.language != "en" for m in rows(s, Member) if m.tg_user_id != SECRETARY_ID)
    assert s.api.messages_to(GROUP) == []
