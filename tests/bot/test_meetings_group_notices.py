"""Meeting notices in the branch group (trial G4, G6).

G4: once a meeting is cancelled, its notice and change notices in the group say so and lose their
参加 / 请假 / 日历 (an edit through the outbox, after the cancellation is posted); a button pressed before
that edit arrives is refused with one wording per state — the same for 参加 and 请假.
G6: a monthly meeting's occurrences exist 40 days ahead, but only the series' next one is announced, in the
group and in private alike; the following one is announced once the one before it has begun.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import GROUP, WANG, ZHANG, deliver, join, rows, svc_of
from tests.bot.test_meetings_changes import grouped  # noqa: F401  (the fixture)
from tests.factories import SECRETARY_ID


def _buttons(api: FakeBotApi, chat_id: int, message_id: int) -> Any:
    return api.world.messages[(chat_id, message_id)].json.get("reply_markup")


async def _press(s: OfflineSession, user_id: int, message_id: int, data: str) -> str:
    """Press a button of the group post ``message_id`` (as a client that has not redrawn it yet); the toast."""
    update = s.api.callback_update(user_id, message_id, data, GROUP)
    await s.feed(update)
    return str(s.api.callback_answers[update["callback_query"]["id"]].get("text"))


async def _secretary(s: OfflineSession, clock: FakeClock, text: str) -> None:
    clock.advance(timedelta(seconds=20))  # typed at a person's pace
    await s.send(SECRETARY_ID, text)


async def test_a_cancelled_meetings_group_posts_say_so_and_lose_their_buttons(
        grouped: OfflineSession, clock: FakeClock) -> None:  # noqa: F811
    s = grouped
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | 参观红色基地")
    mid = rows(s, Meeting)[0].id
    notice = [m for m in await deliver(s) if m.chat_id == GROUP]
    await _secretary(s, clock, f"/meeting {mid} 地点 五楼报告厅")
    change = [m for m in await deliver(s) if m.chat_id == GROUP]
    assert len(notice) == len(change) == 1
    posts = [notice[0].message_id, change[0].message_id]
    assert all(_buttons(s.api, GROUP, p) for p in posts)
    await _secretary(s, clock, f"/meeting {mid} 取消")
    await s.press(SECRETARY_ID, 1)  # 确定取消
    sent = [m for m in await deliver(s) if m.chat_id == GROUP]
    assert "会议取消" in sent[0].plain  # the cancellation first, then the posts above it are redrawn
    assert sorted(m.message_id for m in sent[1:]) == sorted(posts)
    for post in posts:
        assert not _buttons(s.api, GROUP, post)
        shown = s.api.world.messages[(GROUP, post)].json["text"]
        assert "已取消" in shown and "五楼报告厅" in shown and "点击下方按钮" not in shown
    assert s.api.last_keyboard(GROUP) is None
    assert await deliver(s) == []  # each post is redrawn once


async def test_参加_and_请假_are_refused_alike_for_a_cancelled_and_for_a_started_meeting(
        grouped: OfflineSession, clock: FakeClock) -> None:  # noqa: F811
    s = grouped
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | 参观红色基地")
    await s.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-20 14:30 | 三楼会议室 | 专题党课")
    await deliver(s)
    cancelled, started = sorted(rows(s, Meeting), key=lambda m: m.starts_at, reverse=True)
    keyboards: dict[int, tuple[int, list[str]]] = {}
    for meeting in (cancelled, started):
        notice = next(m for m in s.api.messages_to(GROUP) if f"#{meeting.id}" in m.plain)
        keyboards[meeting.id] = (notice.message_id, [str(b.callback_data) for b in notice.button_list()])
    await _secretary(s, clock, f"/meeting {cancelled.id} 取消")
    await s.press(SECRETARY_ID, 1)
    clock.advance(started.starts_at - clock.now() + timedelta(minutes=1))
    texts = svc_of(s).texts
    for meeting, key in ((cancelled, "error.meeting_cancelled"), (started, "error.meeting_started")):
        post, (attend, leave, _ics) = keyboards[meeting.id]
        said = {await _press(s, who, post, data) for who in (ZHANG, WANG) for data in (attend, leave)}
        assert said == {texts.plain(key, "zh", id=meeting.id)}, said
    assert "已开始或已取消" not in str(said)
    # the secretary too is told what is refused, not that "answers are closed"
    refused = await s.send(SECRETARY_ID, f"/meeting {started.id} 取消")
    assert refused[-1].plain == texts.plain("error.cancel_started", "zh", id=started.id)


async def test_a_monthly_meeting_announces_its_next_occurrence_then_the_following_one(
        grouped: OfflineSession, clock: FakeClock) -> None:  # noqa: F811
    s = grouped
    await join(s)
    await s.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-03-28 14:30 | 三楼会议室 | 月度主题党日 | 每月")
    first, second = sorted(rows(s, Meeting), key=lambda m: m.starts_at)  # created 40 days ahead: two of them
    sent = [m for m in await deliver(s) if "会议通知" in m.plain]
    assert {m.chat_id for m in sent} == {GROUP, ZHANG, WANG} and len(sent) == 3
    assert all(f"#{first.id}" in m.plain for m in sent)
    clock.advance(first.starts_at - clock.now() - timedelta(minutes=1))
    assert not [m for m in await deliver(s) if f"#{second.id}" in m.plain]  # the first is still to come
    clock.advance(timedelta(minutes=2))  # it has begun: the next one waits while it goes on (trial T21)
    assert not [m for m in await deliver(s) if f"#{second.id}" in m.plain]
    clock.advance(first.ends_at - clock.now() + timedelta(minutes=1))  # it has ended: the next is announced
    later = [m for m in await deliver(s) if "会议通知" in m.plain]
    # the secretary's confirmation showed only the first occurrence: the next reaches him like everyone (R1)
    assert {m.chat_id for m in later} == {GROUP, ZHANG, WANG, SECRETARY_ID} and len(later) == 4
    assert all(f"#{second.id}" in m.plain and "4月28日" in m.plain for m in later)
    clock.advance(second.starts_at - clock.now() - timedelta(days=3))  # its reminders come as before
    reminded = await deliver(s)
    assert {m.chat_id for m in reminded if f"#{second.id}" in m.plain} >= {ZHANG, WANG}
