"""The guided /newmeeting as the last user trial found it: a stray tap on the kind keyboard in the middle of
the form keeps what was typed (a toast says so) instead of silently starting over, and the kind buttons
read in the user's language."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import join, rows
from tests.factories import SECRETARY_ID


async def test_a_stray_kind_tap_mid_form_keeps_the_answers(session: OfflineSession, clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/lang en")
    clock.advance(timedelta(minutes=1))
    asked = (await session.send(SECRETARY_ID, "/newmeeting"))[-1]
    assert [b.text for b in asked.button_list()][:3] == ["branch general meeting", "branch committee meeting",
                                                         "party group meeting"]
    topic = (await session.press(SECRETARY_ID, 1))[-1].plain
    assert "branch general meeting" in topic and "党员大会" not in topic and not topic[0].islower()
    await session.send(SECRETARY_ID, "Spring mobilisation")
    await session.send(SECRETARY_ID, "2026-04-15 14:30")
    stray = await session.press(SECRETARY_ID, 3)  # the old kind keyboard, tapped by mistake
    assert stray == []  # nothing restarted ...
    toast = str(list(session.api.callback_answers.values())[-1].get("text", ""))
    assert "/cancel" in toast  # ... and the toast says how to start over on purpose
    repeat = (await session.send(SECRETARY_ID, "Room 3"))[-1].plain  # the form goes on where it was
    assert "every month" in repeat
    await session.press(SECRETARY_ID, 1)
    meeting = rows(session, Meeting)[0]
    assert (meeting.kind, meeting.topic, meeting.place) == ("党员大会", "Spring mobilisation", "Room 3")


async def test_the_guided_form_says_how_to_add_host_recorder_and_duration(session: OfflineSession,
                                                                         clock: FakeClock) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting")
    await session.press(SECRETARY_ID, 1)  # 党员大会
    for answer in ("动员部署会", "2026-03-25 14:30", "三楼会议室"):
        await session.send(SECRETARY_ID, answer)
    created = (await session.press(SECRETARY_ID, 1))[-1].plain
    mid = rows(session, Meeting)[0].id
    assert f"/meeting {mid} 主持 姓名" in created and f"/meeting {mid} 记录 姓名" in created
    assert f"/meeting {mid} 时长 60" in created and "现为 90 分钟" in created
    clock.advance(timedelta(minutes=1))
    await session.send(SECRETARY_ID, f"/meeting {mid} 主持 李书记")  # the command as the hint gives it works
    assert rows(session, Meeting)[0].host == "李书记"
    one_line = (await session.send(SECRETARY_ID, "/newmeeting 党课 | 2026-03-27 14:30 | 三楼 | 党课 | 主持 李书记"))
    assert "主持 姓名" not in one_line[-1].plain  # the one-line form names them itself
