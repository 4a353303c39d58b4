"""Trial T14: a meeting moved to another day asks those who had answered for the old time to confirm — the
change notice says what they answered and offers 参加 again — and a reminder that the change notice just
stood for is not sent on its heels.  Trial T21: a monthly series' next notice waits until the current
occurrence has ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting, Rsvp
from tests.bot.test_figures_trial import _leave
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID

LINE = "/newmeeting 党员大会 | 2026-03-27 14:30 | 三楼会议室 | 动员部署会"  # Friday; the clock starts 03-20 09:00


def _labels(message: SentMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def _answered(session: OfflineSession, clock: FakeClock) -> int:
    """张三 said 参加, 王五's 请假 was approved; every notice is out."""
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    await deliver(session)
    mid = int(rows(session, Meeting)[0].id)
    await session.send(ZHANG, f"/meeting {mid}")
    await session.press(ZHANG, 1)  # 参加
    await _leave(session, clock, WANG, mid)
    await deliver(session)
    return mid


async def test_a_move_asks_who_answered_for_the_old_time_to_confirm(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    mid = await _answered(session, clock)
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-30 15:00")
    sent = await deliver(session)
    (zhang,) = [m for m in sent if m.chat_id == ZHANG]
    assert "原来的时间回复了参加" in zhang.plain and "请确认" in zhang.plain, zhang.plain
    assert _labels(zhang)[0] == "✅ 参加"  # not "✔️ 已回复参加": the answer is asked for again
    (wang,) = [m for m in sent if m.chat_id == WANG]
    assert "请的假已获批准，仍然有效" in wang.plain and "✅ 参加" in wang.plain, wang.plain

    # 张三 confirms on the change notice: the card now says he attends, under the new time
    confirmed = await session.press(ZHANG, 1)
    edited = [m for m in confirmed if m.chat_id == ZHANG and m.plain]
    assert edited and "您已回复：参加。" in edited[-1].plain and "请确认" not in edited[-1].plain, \
        [m.plain for m in confirmed]
    # 王五 can come after all: 参加 withdraws the leave
    await session.press(WANG, 1)
    assert all(r.response == "attend" for r in rows(session, Rsvp))


async def test_a_place_change_or_a_longer_meeting_asks_nobody_again(session: OfflineSession, clock: FakeClock
                                                                   ) -> None:
    mid = await _answered(session, clock)
    await session.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")
    (zhang,) = [m for m in await deliver(session) if m.chat_id == ZHANG]
    assert "您已回复：参加。" in zhang.plain and "请确认" not in zhang.plain
    assert _labels(zhang)[0] == "✔️ 已回复参加"


async def test_a_reminder_the_change_notice_just_stood_for_is_not_sent(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    mid = await _answered(session, clock)
    clock.set(datetime(2026, 3, 24, 6, 35, tzinfo=UTC))  # 03-24 14:35 local: the 3-day reminder is out
    assert any(m.chat_id == ZHANG and "会议提醒" in m.plain for m in await deliver(session))
    clock.advance(timedelta(hours=2))  # moved a day on: the new 3-day reminder falls due 03-25 15:00
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-28 15:00")
    assert [m for m in await deliver(session) if m.chat_id == ZHANG]  # the change notice
    clock.set(datetime(2026, 3, 25, 7, 1, tzinfo=UTC))  # 15:01, 3 days before the new time
    assert [m.plain for m in await deliver(session) if m.chat_id == ZHANG] == []  # told 22 h ago: enough
    clock.set(datetime(2026, 3, 27, 7, 1, tzinfo=UTC))  # 1 day before: this one still comes
    assert any(m.chat_id == ZHANG and "会议提醒" in m.plain for m in await deliver(session))


async def test_moved_close_the_due_reminder_does_not_follow_the_change_notice(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _answered(session, clock)
    clock.set(datetime(2026, 3, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 local
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-24 09:00")  # tomorrow morning
    to_zhang = [m for m in await deliver(session) if m.chat_id == ZHANG]  # one message says the move, and asks
    assert len(to_zhang) == 1 and "→ 2026年3月24日" in to_zhang[0].plain, [m.plain for m in to_zhang]
    assert "请确认" in to_zhang[0].plain and _labels(to_zhang[0])[0] == "✅ 参加"
    clock.advance(timedelta(minutes=1))
    assert [m for m in await deliver(session) if m.chat_id == ZHANG] == []
    clock.set(datetime(2026, 3, 23, 23, 1, tzinfo=UTC))  # 07:01, 2 h before: the last reminder comes
    assert any(m.chat_id == ZHANG and "会议提醒" in m.plain for m in await deliver(session))


async def test_next_months_notice_waits_until_this_months_meeting_ends(session: OfflineSession,
                                                                       clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-03-25 14:30 | 三楼会议室 | 重温入党誓词 | 每月")
    await deliver(session)
    clock.set(datetime(2026, 3, 25, 6, 40, tzinfo=UTC))  # 14:40 local, the March one is on (until 16:00)
    during = [m for m in await deliver(session) if m.chat_id == ZHANG]
    assert not any("会议通知" in m.plain for m in during), [m.plain for m in during]
    clock.set(datetime(2026, 3, 25, 8, 1, tzinfo=UTC))  # 16:01: over, April's is announced
    after = [m for m in await deliver(session) if m.chat_id == ZHANG]
    assert any("会议通知" in m.plain and "4月25日" in m.plain for m in after), [m.plain for m in after]
