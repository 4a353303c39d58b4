"""What a review of meetings found (issue #9), end to end through the offline Bot API with the driven clock:
a second 参加 tap is answered without re-editing, cancelled meetings are listed with the past ones, and
the other findings below, each with the reply a member or secretary actually sees."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import ZHANG, deliver, join, rows
from tests.factories import SECRETARY_ID

GENERAL = "党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会"


async def _meeting(s: OfflineSession, clock: FakeClock, line: str = GENERAL) -> int:
    await join(s)
    await s.send(SECRETARY_ID, f"/newmeeting {line}")
    await deliver(s)
    clock.advance(timedelta(seconds=20))
    return int(rows(s, Meeting)[-1].id)


async def test_a_second_attend_tap_is_answered_without_editing_the_message_again(
        session: OfflineSession, clock: FakeClock) -> None:
    await _meeting(session, clock)
    await session.press(ZHANG, 1)  # 参加 under his notice: the button now says so
    edits = len(session.api.calls_of("editMessageReplyMarkup"))
    assert edits == 1
    clock.advance(timedelta(seconds=5))
    await session.press(ZHANG, 1)  # the same answer again
    assert len(session.api.calls_of("editMessageReplyMarkup")) == edits  # no "message is not modified" churn
    toast = list(session.api.callback_answers.values())[-1]
    assert toast.get("text") == "已登记：参加"


async def test_a_cancelled_meeting_is_listed_with_past_ones_not_as_upcoming(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-28 09:00 | 五楼 | 专题党课")
    await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await session.press(SECRETARY_ID, 1)
    listing = (await session.send(ZHANG, "/meetings"))[-1].plain
    upcoming, _, recent = listing.partition("最近的会议")
    assert "专题党课" in upcoming and "动员部署会" not in upcoming
    assert "动员部署会（已取消）" in recent


async def test_a_meeting_not_addressed_to_a_member_reads_like_an_unknown_one_on_every_path(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock, "支委会 | 2026-03-25 14:30 | 书记办公室 | 人事安排 | 支委")
    unknown = mid + 100

    def same(reply: str, other: str) -> None:
        assert reply.replace(str(mid), "#") == other.replace(str(unknown), "#")

    seen = (await session.send(ZHANG, f"/meeting {mid}"))[-1].plain
    same(seen, (await session.send(ZHANG, f"/meeting {unknown}"))[-1].plain)
    assert "人事安排" not in seen and "没有编号为" in seen
    under = session.api.messages_to(ZHANG)[-1].message_id
    for action in ("y", "n", "i"):  # 参加, 请假, 日历 pressed with a forged (or stale) button
        toasts = []
        for target in (mid, unknown):
            await session.feed(session.api.callback_update(ZHANG, under, f"v1:mt:{action}:{target}"))
            toasts.append(str(list(session.api.callback_answers.values())[-1].get("text", "")))
        same(*toasts)
        assert "人事安排" not in toasts[0]
    assert not [m for m in session.api.messages_to(ZHANG) if m.kind == "document"]
    clock.set(clock.now().replace(month=3, day=25, hour=6, minute=20))  # 14:20 local: its check-in is open
    for target in (mid, unknown):
        answer = (await session.send(ZHANG, f"/start ci_{target}_0000"))[-1].plain
        assert "人事安排" not in answer and "签到码不对" not in answer
    card = (await session.send(SECRETARY_ID, f"/meeting {mid}"))[-1].plain
    assert "人事安排" in card  # the committee itself reaches it


async def test_the_roster_of_a_future_a_cancelled_and_an_empty_meeting_says_what_it_is(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)  # a 党员大会 five days ahead
    future = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[-1].plain
    assert "会议尚未开始" in future and "签到尚未结束" not in future and "最终结果" not in future
    assert "目前正式党员到会 0 / 3" in future  # a quorum before the start is "so far", never final
    await session.send(SECRETARY_ID, "/newmeeting 党小组会 | 2026-03-26 09:00 | 二楼 | 小组学习 | 小组 三组")
    empty = int(rows(session, Meeting)[-1].id)  # nobody is in 三组
    nobody = (await session.send(SECRETARY_ID, f"/attendance {empty}"))[-1].plain
    assert "应到 0 人" in nobody and "实到" not in nobody and "半数" not in nobody
    await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await session.press(SECRETARY_ID, 1)
    clock.set(clock.now() + timedelta(days=10))  # long after it would have been held
    cancelled = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[-1].plain
    assert "会议已取消" in cancelled and "缺席" not in cancelled and "半数" not in cancelled
