"""What a user trial found about guided flows, /cancel, typed button words and /help, through the real
application over the offline Bot API.

* /cancel with nothing open says so; a command typed inside a guided flow says the flow was left, and is
  still handled (M5);
* a member who types "学完了" is pointed to the button (M4);
* a member's /help lists only what a member may use, and refusals name what is refused (L1).
"""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from storage.models import Meeting, Rsvp
from tests.bot.test_meetings import ZHANG, join, rows
from tests.factories import SECRETARY_ID


async def test_cancel_with_nothing_open_says_there_is_nothing_to_cancel(session: OfflineSession) -> None:
    await join(session)
    for user in (SECRETARY_ID, ZHANG):
        answer = await session.send(user, "/cancel")
        assert len(answer) == 1 and "没有进行中的操作" in answer[0].plain and "没有这个命令" not in answer[0].plain


async def test_a_command_typed_in_a_guided_flow_leaves_it_with_a_word_and_still_runs(
        session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting")
    await session.press(SECRETARY_ID, 2)  # 支委会: the form asks for the topic
    left, listed = await session.send(SECRETARY_ID, "/meetings")
    assert "已退出新建会议，未保存" in left.plain and "近期会议" in listed.plain
    assert "没有进行中的操作" in (await session.send(SECRETARY_ID, "/cancel"))[0].plain  # really left
    assert rows(session, Meeting) == []

    session.clock.advance(timedelta(seconds=11))
    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-25 14:30 | 三楼会议室 | 动员部署会")
    meeting = rows(session, Meeting)[0]
    await session.send(ZHANG, f"/meeting {meeting.id}")
    asked = await session.press(ZHANG, 2)  # 请假: the reason is asked for
    assert any("请假原因" in m.plain for m in asked)
    left, mine = await session.send(ZHANG, "/me")
    assert "已退出请假，请假没有提交" in left.plain and "我的学习" in mine.plain
    assert rows(session, Rsvp) == []
    # /cancel inside a flow is still the flow's own answer, with no second word
    await session.press(ZHANG, 2)
    cancelled = await session.send(ZHANG, "/cancel")
    assert len(cancelled) == 1 and "已退出" not in cancelled[0].plain


async def test_typing_the_buttons_words_points_to_the_button(session: OfflineSession) -> None:
    await join(session)
    for typed in ("学完了", "学完了。", "✅ 学完了"):
        answer = (await session.send(ZHANG, typed))[0].plain
        assert "“✅ 学完了”按钮" in answer and "/today" in answer and "我主要通过命令工作" not in answer
    assert "我主要通过命令工作" in (await session.send(ZHANG, "今天天气不错"))[0].plain


async def test_help_lists_only_what_a_member_may_use_and_refusals_name_it(session: OfflineSession) -> None:
    await join(session)
    member_help = (await session.send(ZHANG, "/help"))[0].plain
    assert "/checkin " in member_help and "/checkincode" not in member_help and "/meeting " in member_help
    assert "/checkincode" in (await session.send(SECRETARY_ID, "/help"))[0].plain
    assert not any(c["command"] == "checkincode" for c in session.api.visible_commands(ZHANG))
    assert any(c["command"] == "checkincode" for c in session.api.visible_commands(SECRETARY_ID))

    await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-04-25 14:30 | 三楼会议室 | 动员部署会")
    meeting = rows(session, Meeting)[0]
    session.clock.advance(timedelta(seconds=11))
    code = (await session.send(ZHANG, f"/checkincode {meeting.id}"))[0].plain
    assert "/checkincode 仅供支部书记和该会议的主持人使用" in code
    cancel = (await session.send(ZHANG, f"/meeting {meeting.id} 取消"))[0].plain
    assert "修改或取消" in cancel and "/meeting 仅供" not in cancel
    assert rows(session, Meeting)[0].status != "cancelled"
