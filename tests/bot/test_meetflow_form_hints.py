"""Trial T5: the meeting UIs' example times derive from today (a week ahead), so typing the example works;
the one-line /newmeeting names the part it could not read.  Trial T4: ``/meeting 2 地点`` without a value
says what to write after the field, with that field's example."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import deliver, join, rows
from tests.factories import SECRETARY_ID

WEEK_AHEAD = "2026-03-27 14:30"  # the clock starts 2026-03-20 09:00 local


async def test_examples_are_dated_from_today_and_the_example_is_accepted(session: OfflineSession,
                                                                        clock: FakeClock) -> None:
    await join(session)
    kinds = (await session.send(SECRETARY_ID, "/newmeeting"))[-1].plain
    assert WEEK_AHEAD in kinds and "2026-04-15" not in kinds
    await session.press(SECRETARY_ID, 1)  # 党员大会
    asked = (await session.send(SECRETARY_ID, "动员部署会"))[-1].plain
    assert WEEK_AHEAD in asked, asked
    bad = (await session.send(SECRETARY_ID, "下周四下午"))[-1].plain
    assert "看不懂时间「下周四下午」" in bad and WEEK_AHEAD in bad
    assert "地点" in (await session.send(SECRETARY_ID, WEEK_AHEAD))[-1].plain  # the example itself is taken
    await session.send(SECRETARY_ID, "/cancel")
    await session.send(SECRETARY_ID, "/lang en")
    assert WEEK_AHEAD in (await session.send(SECRETARY_ID, "/newmeeting"))[-1].plain


async def test_the_one_line_form_names_the_time_it_could_not_read(session: OfflineSession) -> None:
    await join(session)
    said = (await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 明天 | 三楼会议室"))[-1].plain
    assert "看不懂时间「明天」" in said and WEEK_AHEAD in said, said
    said = (await session.send(SECRETARY_ID, "/newmeeting 茶话会 | 明天"))[-1].plain
    assert "不认识会议类型「茶话会」" in said, said
    said = (await session.send(SECRETARY_ID, f"/newmeeting 主题党日 | {WEEK_AHEAD}"))[-1].plain
    assert said.startswith("格式：") and WEEK_AHEAD in said  # readable so far, parts missing: the format


async def test_a_field_without_a_value_gets_its_own_hint(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, f"/newmeeting 党员大会 | {WEEK_AHEAD} | 三楼会议室 | 动员部署会")
    await deliver(session)
    mid = int(rows(session, Meeting)[0].id)
    said = (await session.send(SECRETARY_ID, f"/meeting {mid} 地点"))[-1].plain
    assert said == f"请在「地点」后写上新的地点，例如 /meeting {mid} 地点 三楼会议室。", said
    said = (await session.send(SECRETARY_ID, f"/meeting {mid} 时间"))[-1].plain
    assert f"/meeting {mid} 时间 {WEEK_AHEAD}" in said, said
    card = (await session.send(SECRETARY_ID, f"/meeting {mid}"))[-1].plain
    assert f"/meeting {mid} 时间 {WEEK_AHEAD}" in card and "2026-04-15" not in card
    await session.send(SECRETARY_ID, "/lang en")
    said = (await session.send(SECRETARY_ID, f"/meeting {mid} place"))[-1].plain
    assert said == f"Write the new place after “place”, e.g. /meeting {mid} place Room 301.", said
