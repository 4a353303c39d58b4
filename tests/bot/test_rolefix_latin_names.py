"""Trial T15 / T3: a member whose name is in Latin letters ("Alice") could not be named in any secretary
command — ``member_arg`` took every ASCII word for a mistyped argument and answered with the usage line.
Names are now looked up (case-insensitively) in every command that takes a member, and a name nobody has is
answered as such ("没有叫「Bob」的党员"), as is a wrong mark in /attendance."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Attendance, AttendanceStatus, Member, PartyGroup, Standing
from tests.bot.study_helpers import db_of, start_secretary
from tests.factories import INVITE, SECRETARY_ID

ALICE, ZHANG = 10101, 10102


async def _branch(session: OfflineSession) -> int:
    """The secretary, 张三 and Alice joined; a 党员大会 created; its number returned."""
    await start_secretary(session)
    session.api.add_user(ZHANG, "张三")
    await session.send(ZHANG, f"/start {INVITE}")
    session.api.add_user(ALICE, "Alice")
    await session.send(ALICE, f"/start {INVITE}")
    told = (await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-03-25 14:30 | 三楼会议室 | 动员部署会"))
    number = told[0].plain.split("#")[1].split()[0].rstrip("）)")
    return int("".join(c for c in number if c.isdigit()))


def _alice(session: OfflineSession) -> Member:
    with db_of(session).session() as s:
        return s.exec(select(Member).where(Member.tg_user_id == ALICE)).one()


async def test_a_latin_name_works_in_any_case_in_every_command(session: OfflineSession) -> None:
    meeting = await _branch(session)
    for typed in ("/stats Alice", "/stats alice", "/stats ALICE 全部"):
        text = (await session.send(SECRETARY_ID, typed))[0].plain
        assert "格式不对" not in text and "Alice" in text, (typed, text)
    marked = (await session.send(SECRETARY_ID, f"/attendance {meeting} alice 请假 出差"))[0].plain
    assert "已登记" in marked and "Alice" in marked, marked
    with db_of(session).session() as s:
        status = s.exec(select(Attendance.status).where(Attendance.member_id == _alice(session).id)).one()
    assert status == AttendanceStatus.EXCUSED
    grouped = (await session.send(SECRETARY_ID, "/partygroup 第一小组 alice 张三"))[0].plain
    assert "第一小组" in grouped and "格式不对" not in grouped, grouped
    with db_of(session).session() as s:
        assert s.exec(select(PartyGroup.name).where(PartyGroup.member_id == _alice(session).id)).one() == "第一小组"
    asked = (await session.send(SECRETARY_ID, "/standing Alice 预备"))[0]
    assert "Alice" in asked.plain and asked.buttons, asked.plain
    await session.press(SECRETARY_ID, 1)
    assert _alice(session).standing == Standing.PROBATIONARY


async def test_an_unknown_name_or_mark_is_named_not_the_format(session: OfflineSession, clock: FakeClock) -> None:
    meeting = await _branch(session)
    for typed in (f"/attendance {meeting} Bob 出席", "/standing Bob 正式", "/remove Bob", "/reject Bob",
                  "/partygroup 第一小组 Bob"):
        text = (await session.send(SECRETARY_ID, typed))[0].plain
        assert "没有叫「Bob」的党员" in text and "格式不对" not in text, (typed, text)
        clock.advance(timedelta(minutes=1))  # a secretary's pace, under the per-user flood limit
    wrong = (await session.send(SECRETARY_ID, f"/attendance {meeting} 张三 到了"))[0].plain
    assert "「到了」" in wrong and "出席、迟到、请假、缺席" in wrong and "格式不对" not in wrong, wrong
    neither = (await session.send(SECRETARY_ID, "/stats yesterday"))[0].plain  # not a name, not a period
    assert "yesterday" in neither and "本周" in neither, neither
    await session.send(SECRETARY_ID, "/lang en")
    english = (await session.send(SECRETARY_ID, f"/attendance {meeting} Bob present"))[0].plain
    assert "No member of this branch is called “Bob”" in english, english
