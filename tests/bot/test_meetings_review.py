"""What a review of meetings found (issue #9), end to end through the offline Bot API with the driven clock:
a second 参加 tap is answered without re-editing, cancelled meetings are listed with the past ones, and
the other findings below, each with the reply a member or secretary actually sees."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting, Member
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows
from tests.bot.test_meetings_changes import GROUP, _produce, with_group
from tests.factories import SECRETARY_ID


@pytest.fixture
async def grouped(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with with_group(tmp_path, clock, db_url) as s:
        yield s


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
    wang = next(m.id for m in rows(session, Member) if m.tg_user_id == WANG)
    await session.send(SECRETARY_ID, f"/partygroup 三组 {wang}")  # a group must exist to meet (trial U23) …
    await session.send(SECRETARY_ID, "/newmeeting 党小组会 | 2026-03-26 09:00 | 二楼 | 小组学习 | 小组 三组")
    await session.send(SECRETARY_ID, f"/partygroup 四组 {wang}")  # … and its one member moves away
    empty = int(rows(session, Meeting)[-1].id)  # nobody is in 三组
    nobody = (await session.send(SECRETARY_ID, f"/attendance {empty}"))[-1].plain
    assert "应到 0 人" in nobody and "实到" not in nobody and "半数" not in nobody
    await session.send(SECRETARY_ID, f"/meeting {mid} 取消")
    await session.press(SECRETARY_ID, 1)
    clock.set(clock.now() + timedelta(days=10))  # long after it would have been held
    cancelled = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[-1].plain
    assert "会议已取消" in cancelled and "缺席" not in cancelled and "半数" not in cancelled


async def test_a_change_notice_compares_with_what_the_reader_may_last_have_seen(
        grouped: OfflineSession, clock: FakeClock) -> None:
    """Reminders render at send time and record what they showed: one that went out with the new place has
    told the member (no change notice repeats it); and when a reader may last have seen either of two
    versions (the group's change notice timed out: it may have arrived), the next change notice says plainly
    that these are the current details instead of an old → new that may be wrong."""
    s = grouped
    mid = await _meeting(s, clock, "党课 | 2026-03-25 14:30 | 三楼会议室 | 专题党课 | 60分钟")
    clock.set(datetime(2026, 3, 22, 6, 30, tzinfo=UTC))  # three days before: the reminders are queued ...
    await _produce(s, clock)
    await s.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")  # ... and the place changes
    sent = await deliver(s, produce=False)  # the reminders go out first, with the new place and saying so
    to_wang = [m.plain for m in sent if m.chat_id == WANG and "专题党课" in m.plain]
    assert len(to_wang) == 1 and "会议有变动" in to_wang[0] and "· 地点：三楼会议室 → 五楼报告厅" in to_wang[0]
    s.api.time_out_next("sendMessage", delivered=True, chat_id=GROUP)  # the group's change: fate unknown
    clock.advance(timedelta(minutes=1))
    sent = await deliver(s)
    assert [m.chat_id for m in sent if "会议有变动" in m.plain] == [GROUP]  # members were told by their reminder
    clock.advance(timedelta(minutes=1))
    await s.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-25 15:00")
    sent = await deliver(s)
    in_group = [m.plain for m in sent if m.chat_id == GROUP and "专题党课" in m.plain]
    assert len(in_group) == 1 and "以此为准（您此前收到的消息可能显示过不同的内容）" in in_group[0]
    assert "→" not in in_group[0] and "地点：五楼报告厅" in in_group[0]  # the group saw 三楼 or 五楼: no diff
    # 张三's reminder surely arrived: a plain diff from it
    to_zhang = [m.plain for m in sent if m.chat_id == ZHANG and "专题党课" in m.plain]
    assert len(to_zhang) == 1 and "· 时间：2026年3月25日（周三）14:30–15:30 → 2026年3月25日（周三）15:00–16:00" in \
        to_zhang[0] and "地点：" not in to_zhang[0].split("\n\n")[0]


async def test_an_old_cancel_confirmation_does_not_cancel_the_meeting_as_edited_since(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    asked = await session.send(SECRETARY_ID, f"/meeting {mid} 取消")  # asked about the 25th ...
    question = asked[-1]
    await session.send(SECRETARY_ID, f"/meeting {mid} 时间 2026-03-27 09:00")  # ... moved before confirming
    clock.advance(timedelta(seconds=20))
    confirm = question.button_list()[0].callback_data
    assert confirm is not None
    await session.feed(session.api.callback_update(SECRETARY_ID, question.message_id, confirm))
    assert rows(session, Meeting)[0].status == "scheduled"
    shown = [m for m in session.api.messages_to(SECRETARY_ID) if m.message_id == question.message_id][-1]
    assert "在您确认前已被修改，未取消" in shown.plain and shown.button_list() == []
    toast = list(session.api.callback_answers.values())[-1]
    assert toast.get("text") is None  # the question now says it; no toast repeats it (trial T19)
    again = await session.send(SECRETARY_ID, f"/meeting {mid} 取消")  # asked about what it is now: it holds
    assert "2026年3月27日" in again[-1].plain
    await session.press(SECRETARY_ID, 1)
    assert rows(session, Meeting)[0].status == "cancelled"


async def test_an_agenda_change_shows_the_window_around_it_not_the_whole_agenda(
        session: OfflineSession, clock: FakeClock) -> None:
    mid = await _meeting(session, clock)
    first = "一、传达学习上级会议精神，通报支部近期工作情况；"
    last = "三、开展批评和自我批评，每位党员逐一发言并提出整改措施，会后形成整改清单报上级党组织备案。"
    await session.send(SECRETARY_ID, f"/meeting {mid} 议程 {first}二、讨论发展党员事项；{last}")
    await deliver(session)
    clock.advance(timedelta(seconds=20))
    await session.send(SECRETARY_ID, f"/meeting {mid} 议程 {first}二、讨论预备党员转正事项；{last}")
    changes = [m.plain for m in await deliver(session) if m.chat_id == ZHANG and "会议有变动" in m.plain]
    assert len(changes) == 1
    line = next(x for x in changes[0].split("\n") if x.startswith("· 议程："))
    old, _, new = line.removeprefix("· 议程：").partition(" → ")
    assert "发展党员" in old and "预备党员转正" in new  # what changed, in both
    assert old.startswith("…") and new.endswith("…")  # and only the stretch around it
    assert first[:6] not in line and "备案" not in line and len(line) < 2 * 60


async def test_the_roster_counts_each_members_standing_as_of_the_meeting_not_today(
        session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    zhang = next(m for m in rows(session, Member) if m.tg_user_id == ZHANG)
    await session.send(SECRETARY_ID, f"/standing {zhang.id} 预备")  # 预备党员 on the day of the meeting ...
    await session.press(SECRETARY_ID, 1)  # ... once confirmed
    clock.advance(timedelta(seconds=20))
    mid = await _meeting(session, clock)
    await session.send(SECRETARY_ID, f"/attendance {mid} 张三 出席")
    clock.set(datetime(2026, 3, 26, 2, 0, tzinfo=UTC))  # the day after
    before = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[-1].plain
    assert "正式党员 0，预备党员 1" in before and "正式党员到会 0 / 2" in before
    await session.send(SECRETARY_ID, f"/standing {zhang.id} 正式")  # 转正 after the meeting
    clock.advance(timedelta(minutes=5))
    after = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[-1].plain
    assert after == before  # the record of that day does not change
