"""Issue 10, done when: a scripted month of two branches through the offline Bot API, then the figures.

Everything happens as users do it, with the clock driven by the test: members join by the invite link,
receive the 08:00 snippet through the outbox tick and press 学完了 on some days, take /quiz (right and
wrong, all four types, a 多选 toggled and a 填空 typed); secretaries create meetings in one line, members
answer 参加 / 请假 with a reason, the secretary approves or declines, members check in with the code on
``/checkincode`` (one late), some stay away, one does the make-up study.  Then:

* ``/stats`` and ``/stats <member>`` equal what this file counts itself from the raw rows (its own ORM
  queries, never ``storage/stats.py``);
* ``/export`` is a workbook openpyxl opens, with the sheets and the 三会一课 ledger rows counted here;
* ``/chart`` is a PNG;
* a member, a stranger and the other branch's secretary get nothing they should not;
* the committee admin sees both branches (``/committee``) and gets the cross-branch workbook.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, func, select

from bot.context import SERVICES_KEY, Services
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import (
    Attendance,
    Branch,
    Makeup,
    Meeting,
    Member,
    MemberStatus,
    QuizAnswer,
    Role,
    Rsvp,
    Standing,
    StudyProgress,
)
from tests import factories
from tests.bot.study_helpers import answer, current, tick
from tests.bot.test_scope_and_privacy import ADMIN, CODE_A, CODE_B, SEC_A, SEC_B, two_branches

ZHANG, WANG, ZHAO, QIAN = 10001, 10003, 10004, 10005  # 甲支部 (钱七 is a probationary member)
LI, SUN = 10002, 10006  # 乙支部
STRANGER = 33333
PEOPLE = {SEC_A: "甲书记", SEC_B: "乙书记", ADMIN: "党委", ZHANG: "张三", WANG: "王五", ZHAO: "赵六", QIAN: "钱七",
          LI: "李四", SUN: "孙八", STRANGER: "路人"}
MONTH = datetime(2026, 3, 1, tzinfo=UTC) - timedelta(hours=8)  # 2026-03-01 00:00 in Shanghai


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    clock.set(local(1, 7))
    settings = two_branches(tmp_path, db_url, flood={"messages": 10_000, "per_seconds": 1})
    async with factories.offline_bot(settings, clock) as s:
        yield s


def svc(s: OfflineSession) -> Services:
    return s.app.bot_data[SERVICES_KEY]


def db(s: OfflineSession) -> Session:
    return svc(s).db.session()


def ids(s: OfflineSession) -> dict[int, int]:
    with db(s) as session:
        return {tg: mid for tg, mid in session.exec(select(Member.tg_user_id, Member.id)).all() if mid is not None}


async def press_on(s: OfflineSession, user: int, message: SentMessage, label: str) -> list[SentMessage]:
    """Press the button labelled ``label`` on that very message (later messages may carry keyboards too)."""
    button = next(b for b in message.button_list() if label in b.text)
    assert button.callback_data is not None
    return await s.feed(s.api.callback_update(user, message.message_id, button.callback_data))


async def join(s: OfflineSession) -> None:
    for user, name in PEOPLE.items():
        s.api.add_user(user, name)
    for user in (SEC_A, SEC_B, ADMIN):
        await s.send(user, "/start")
    for user in (ZHANG, WANG, ZHAO, QIAN):
        await s.send(user, f"/start {CODE_A}")  # what the invite link t.me/<bot>?start=<code> sends
    for user in (LI, SUN):
        await s.send(user, f"/start {CODE_B}")
    assert "预备" in (await s.send(SEC_A, f"/standing {ids(s)[QIAN]} 预备"))[0].plain
    assert any("设为预备党员" in m.plain for m in await s.press(SEC_A, 1))  # confirmed
    for secretary in (SEC_A, SEC_B):
        await s.send(secretary, "/publishall")
        await s.press(secretary, 1)


async def morning(s: OfflineSession, day: int, readers: Iterable[int]) -> list[SentMessage]:
    """08:00: the tick delivers the snippet (and whatever else is due); ``readers`` press 学完了 on it."""
    s.clock.set(local(day, 8))  # type: ignore[attr-defined]
    sent = await tick(s)
    snippets = {m.chat_id: m for m in sent if any("学完了" in b.text for b in m.button_list())}
    assert ZHANG in snippets and LI in snippets, day
    for user in readers:
        await press_on(s, user, snippets[user], "学完了")
    return sent


async def quiz(s: OfflineSession, user: int, rights: str) -> set[str]:
    """A /quiz session answered ``rights`` ("1" right, "0" wrong per question); returns the types seen."""
    await s.send(user, "/quiz")
    seen = set()
    for mark in rights:
        seen.add(current(s, user)[1].qtype)
        await answer(s, user, right=mark == "1")
    return seen


def meeting_id(s: OfflineSession, topic: str) -> int:
    with db(s) as session:
        found = session.exec(select(Meeting.id).where(Meeting.topic == topic)).one()
        assert found is not None
        return found


async def check_in(s: OfflineSession, secretary: int, mid: int, users: Iterable[int], *, late: bool = False) -> None:
    shown = (await s.send(secretary, f"/checkincode {mid}"))[0]
    code = re.search(r"签到码 (\d{4})", shown.plain)
    assert code, shown.plain
    for user in users:
        reply = (await s.send(user, f"/checkin {code.group(1)}"))[0].plain
        assert "签到成功" in reply and ("记为迟到" in reply) == late, reply


async def month(s: OfflineSession) -> set[str]:
    """The scripted month; returns the question types answered."""
    await join(s)
    types: set[str] = set()
    await s.send(SEC_A, "/newmeeting 党员大会 | 2026-03-10 14:30 | 三楼会议室 | 学习贯彻全会精神 | 主持 甲书记 "
                        "| 记录 张三")
    await s.send(SEC_A, "/newmeeting 党课 | 2026-03-20 19:00 | 线上 | 正确政绩观专题党课")
    await s.send(SEC_A, "/newmeeting 党小组会 | 2026-03-18 10:00 | 二楼 | 取消的小组会")
    await s.send(SEC_A, "/newmeeting 主题党日 | 2026-04-05 09:00 | 社区 | 下个月的主题党日")
    await s.send(SEC_B, "/newmeeting 主题党日 | 2026-03-12 09:00 | 纪念馆 | 参观党史纪念馆")
    general, lecture = meeting_id(s, "学习贯彻全会精神"), meeting_id(s, "正确政绩观专题党课")
    theme_day = meeting_id(s, "参观党史纪念馆")
    assert "确定取消" in (await s.send(SEC_A, f"/meeting {meeting_id(s, '取消的小组会')} 取消"))[0].plain
    assert "已取消" in (await s.press(SEC_A, 1))[-1].plain  # a cancellation is confirmed first

    for day in range(2, 9):  # the first week: 张三 reads every day, 赵六 every other day, 李四 twice
        sent = await morning(s, day, [ZHANG] + ([ZHAO] if day % 2 else []) + ([LI] if day in (3, 6) else []))
        if day == 2:  # the meetings' notices went out with the first tick
            told = {m.chat_id for m in sent if any("请假" in b.text for b in m.button_list())}
            # the secretaries created them: their confirmations carried the buttons, not a notice (trial V3)
            assert {ZHANG, WANG, ZHAO, QIAN, LI, SUN} <= told and not {SEC_A, SEC_B} & told
    s.clock.set(local(3, 12))  # type: ignore[attr-defined]
    types |= await quiz(s, ZHANG, "11011")
    types |= await quiz(s, ZHAO, "10100")
    types |= await quiz(s, LI, "11111")

    s.clock.set(local(8, 9))  # type: ignore[attr-defined]
    cards = {u: (await s.send(u, f"/meeting {general}"))[-1] for u in (ZHANG, WANG, QIAN)}
    await press_on(s, ZHANG, cards[ZHANG], "参加")
    await press_on(s, QIAN, cards[QIAN], "参加")
    await press_on(s, WANG, cards[WANG], "请假")
    await s.send(WANG, "去外地出差")  # the request and the decision go through the outbox: the next tick
    request = [m for m in await tick(s) if m.chat_id == SEC_A and "去外地出差" in m.plain]
    await press_on(s, SEC_A, request[0], "批准")
    assert any("已获批准" in m.plain for m in await tick(s) if m.chat_id == WANG)
    s.clock.set(local(10, 14, 20))  # type: ignore[attr-defined]
    await check_in(s, SEC_A, general, [ZHANG, QIAN, SEC_A])
    s.clock.set(local(10, 14, 40))  # type: ignore[attr-defined]
    await check_in(s, SEC_A, general, [ZHAO], late=True)  # inside the window, after the start

    s.clock.set(local(11, 9))  # type: ignore[attr-defined]
    sent = await tick(s)
    makeup = next(m for m in sent if m.chat_id == WANG and "补学" in m.plain)
    assert makeup.button_list() == []  # the meeting named no materials: nothing to read, nothing to tap
    await s.send(SEC_A, f"/attendance {general} 王五 补学")  # he learned its content from the secretary
    s.clock.set(local(12, 8, 40))  # type: ignore[attr-defined]
    await check_in(s, SEC_B, theme_day, [LI, SEC_B])  # 孙八 stays away

    for day in range(13, 20):  # the third week: 钱七 and 王五 read a little, 张三 keeps on
        await morning(s, day, [ZHANG] + ([QIAN] if day % 3 == 0 else []) + ([WANG] if day == 16 else []))
    s.clock.set(local(16, 21))  # type: ignore[attr-defined]
    types |= await quiz(s, QIAN, "01010")
    types |= await quiz(s, ZHANG, "11100")

    s.clock.set(local(19, 9))  # type: ignore[attr-defined]
    card = (await s.send(ZHANG, f"/meeting {lecture}"))[-1]
    await press_on(s, ZHANG, card, "请假")
    await s.send(ZHANG, "单位加班")
    request = [m for m in await tick(s) if m.chat_id == SEC_A and "单位加班" in m.plain]
    await press_on(s, SEC_A, request[0], "不批准")
    s.clock.set(local(20, 18, 45))  # type: ignore[attr-defined]
    await check_in(s, SEC_A, lecture, [SEC_A, QIAN])  # 张三 (declined leave), 王五 and 赵六 stay away
    s.clock.set(local(21, 9))  # type: ignore[attr-defined]
    assert {m.chat_id for m in await tick(s) if "补学" in m.plain} >= {ZHANG, WANG, ZHAO}  # owed, not done
    s.clock.set(local(28, 12))  # type: ignore[attr-defined]
    return types


# ------------------------------------------------------------------ the independent counts


def counted(session: Session, branch_id: int) -> list[Member]:
    return list(session.exec(select(Member).where(Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE,
                                                  Member.role != Role.ADMIN).order_by(col(Member.id))).all())


def expected_figures(s: OfflineSession, branch_key: str, now: datetime) -> dict[str, Any]:
    """What /stats month must say, counted here from the rows."""
    with db(s) as session:
        branch = session.exec(select(Branch).where(Branch.key == branch_key)).one()
        active = counted(session, branch.id)  # type: ignore[arg-type]
        # the committee admin's row sits in 甲支部 and receives the snippet too, but is not one of its members
        admins = set(session.exec(select(Member.id).where(Member.role == Role.ADMIN)).all())
        progress = [p for p in session.exec(select(StudyProgress).where(
            StudyProgress.branch_id == branch.id, StudyProgress.delivered_at >= MONTH,
            StudyProgress.delivered_at < now)).all() if p.member_id not in admins]
        answers = [a for a in session.exec(select(QuizAnswer).where(
            QuizAnswer.branch_id == branch.id, QuizAnswer.answered_at >= MONTH, QuizAnswer.answered_at < now)).all()
                   if a.member_id not in admins]
        held = session.exec(select(Meeting).where(Meeting.branch_id == branch.id, Meeting.status != "cancelled",
                                                  Meeting.starts_at >= MONTH, Meeting.starts_at < now)).all()
        held_ids = [m.id for m in held]
        came = session.exec(select(func.count()).select_from(Attendance).where(
            col(Attendance.meeting_id).in_(held_ids), col(Attendance.status).in_(["present", "late"]))).one()
        marked = {(a.meeting_id, a.member_id) for a in session.exec(select(Attendance).where(
            col(Attendance.meeting_id).in_(held_ids))).all()}
        leaves = sum(1 for r in session.exec(select(Rsvp).where(  # /attendance's 请假: approved, no check-in since
            col(Rsvp.meeting_id).in_(held_ids), Rsvp.response == "leave", Rsvp.leave_status == "approved")).all()
            if (r.meeting_id, r.member_id) not in marked)
        owed = session.exec(select(func.count()).select_from(Makeup).where(
            col(Makeup.meeting_id).in_(held_ids), col(Makeup.completed_at).is_(None))).one()
        read = [p for p in progress if p.read_at is not None]
        readers = {p.member_id for p in read}
        answerers = {a.member_id for a in answers}
        right = sum(a.correct for a in answers)
        return {
            "study": [len(read), len(progress), round(100 * len(read) / len(progress)), len(readers), len(active)],
            "quiz": [len(answerers), len(active), len(answers), round(100 * right / len(answers))],
            "meetings": [len(held), came, len(held) * len(active), round(100 * came / (len(held) * len(active))),
                         leaves, owed],
            "not_studied": [m.name for m in active if m.id not in readers],
            "not_answered": [m.name for m in active if m.id not in answerers],
        }


def numbers(text: str, label: str) -> list[int]:
    line = next(line for line in text.splitlines() if label in line)
    return [int(n) for n in re.findall(r"\d+", line.split(label, 1)[1])]


def names_after(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return line.split("：", 1)[1].split("、")


def ledger_rows(s: OfflineSession, branch_key: str, now: datetime) -> list[tuple[Any, ...]]:
    """The 三会一课 rows the workbook must hold, from the rows: (kind, topic, 应到, 实到, 正式, 预备, 出席人员, 迟到,
    请假, 缺席, 已补学, 未补学, quorum with its figure).  请假: marked excused, or an approved leave with no
    attendance row (/attendance's rule)."""
    with db(s) as session:
        branch = session.exec(select(Branch).where(Branch.key == branch_key)).one()
        people = {m.id: m for m in counted(session, branch.id)}  # type: ignore[arg-type]
        rows = []
        for meeting in session.exec(select(Meeting).where(
                Meeting.branch_id == branch.id, Meeting.status != "cancelled", Meeting.starts_at < now)
                .order_by(col(Meeting.starts_at))).all():
            marks = {a.member_id: a for a in session.exec(select(Attendance).where(
                Attendance.meeting_id == meeting.id)).all()}
            came = {i for i, a in marks.items() if a.status in ("present", "late")}
            late = [m.name for mid, m in people.items() if mid in marks and marks[mid].status == "late"]
            leaves = session.exec(select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.response == "leave")).all()
            reasons = {r.member_id: r.reason for r in leaves}
            reasons.update({i: a.note for i, a in marks.items() if a.note and i not in came})
            excused = {i for i, a in marks.items() if a.status == "excused"} | {
                r.member_id for r in leaves if r.leave_status == "approved" and r.member_id not in marks}
            makeups = session.exec(select(Makeup).where(Makeup.meeting_id == meeting.id)).all()
            done = {m.member_id for m in makeups if m.completed_at is not None}
            owed = {m.member_id for m in makeups if m.completed_at is None and m.member_id not in came}
            full = [m for m in people.values() if m.standing == Standing.FULL]
            full_came = sum(1 for m in full if m.id in came)
            away = [(mid, f"{m.name}（{reasons[m.id]}）" if reasons.get(m.id) else m.name)
                    for mid, m in people.items() if mid not in came]
            on_leave = [name for mid, name in away if mid in excused]
            absent = [name for mid, name in away if mid not in excused]
            quorum = (f"{'是' if full_came * 2 > len(full) else '否'}（{full_came}/{len(full)}）"
                      if meeting.kind == "党员大会" else None)
            rows.append((meeting.kind, meeting.topic, len(people), len(came), full_came, len(came) - full_came,
                         "、".join(m.name for mid, m in people.items() if mid in came) or None,
                         "、".join(late) or None, "、".join(on_leave) or None, "、".join(absent) or None,
                         "、".join(people[i].name for i in sorted(done)) or None,
                         "、".join(m.name for mid, m in people.items() if mid in owed) or None, quorum))
        return rows


def cells(book: Any) -> str:
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def people_in(book: Any) -> set[str]:
    """The names in the workbook's name columns (roster, study log, answers) and its meetings' absentees."""
    found = {r[1] for r in book["党员名册"].iter_rows(min_row=2, values_only=True)}
    for sheet in ("学习记录", "答题记录"):
        found |= {r[0] for r in book[sheet].iter_rows(min_row=2, values_only=True)}
    for row in book["三会一课台账"].iter_rows(min_row=2, values_only=True):
        found |= {name.split("（")[0] for column in (14, 15, 16) for name in (row[column] or "").split("、") if name}
    return found


# ------------------------------------------------------------------ the test


async def test_a_month_of_two_branches_and_the_figures(bot: OfflineSession) -> None:
    types = await month(bot)
    assert types == {"single", "multiple", "truefalse", "fill"}
    now = bot.clock.now()
    member = ids(bot)

    text = (await bot.send(SEC_A, "/stats month"))[0].plain
    want = expected_figures(bot, "jia", now)
    assert numbers(text, "学习：") == want["study"]
    assert numbers(text, "答题：") == want["quiz"]
    assert numbers(text, "会议：") == want["meetings"]
    assert want["meetings"][:2] == [2, 6]  # the cancelled and next month's meetings are not counted
    assert names_after(text, "尚未学习") == want["not_studied"]
    # the committee admin (named 党委 here) is nobody's member: in no list of people (a question may say 党委)
    assert not [line for line in text.splitlines() if line.startswith(("尚未", "预警")) and PEOPLE[ADMIN] in line]
    assert names_after(text, "尚未答题") == want["not_answered"]
    assert "乙支部" not in text and "李四" not in text
    assert numbers((await bot.send(SEC_B, "/stats"))[0].plain, "会议：") == expected_figures(bot, "yi", now)[
        "meetings"]

    one = (await bot.send(SEC_A, f"/stats {member[ZHANG]}"))[0].plain
    with db(bot) as session:
        mine = session.exec(select(QuizAnswer).where(QuizAnswer.member_id == member[ZHANG])).all()
        reads = session.exec(select(StudyProgress).where(StudyProgress.member_id == member[ZHANG])).all()
    days = {p.read_at.astimezone(svc(bot).settings.tz).date() for p in reads if p.read_at}
    assert numbers(one, "学习：") == [sum(p.read_at is not None for p in reads), len(reads), len(days)]
    assert numbers(one, "答题")[:2] == [len(mine), round(100 * sum(a.correct for a in mine) / len(mine))]
    # came to one; stayed away from the other although his leave was declined: an absence, not a leave
    assert numbers(one, "会议：")[:4] == [2, 1, 0, 1] and "2026-03-10" in one

    sent = (await bot.send(SEC_A, "/export"))[0]
    assert sent.kind == "document" and (sent.file_name or "").endswith(".xlsx")
    book = load_workbook(io.BytesIO(sent.file_bytes or b""))
    assert book.sheetnames == ["党员名册", "三会一课台账", "学习记录", "答题记录", "题目正确率"]
    got = [(r[2], r[3], *r[9:]) for r in book["三会一课台账"].iter_rows(min_row=2, values_only=True)]
    assert got == ledger_rows(bot, "jia", now)
    # his approved leave is 请假 (trial T4: not filed under 缺席), and he did the 补学 all the same
    assert got[0][-1].startswith("是（") and "王五（去外地出差）" in got[0][8]
    assert not got[0][9] and got[0][10] == "王五"
    assert len(list(book["答题记录"].iter_rows(min_row=2))) == want["quiz"][2]
    assert people_in(book) == {"甲书记", "张三", "王五", "赵六", "钱七"}  # not 乙支部's, not the committee admin

    chart = (await bot.send(SEC_A, "/chart"))[0]
    assert chart.kind == "photo" and (chart.file_bytes or b"").startswith(b"\x89PNG")

    # nobody else sees any of it
    for user in (ZHANG, STRANGER):
        for command in ("/stats", "/stats month", f"/stats {member[WANG]}", "/chart", "/export", "/committee"):
            replies = await bot.send(user, command)
            assert all(r.kind == "message" for r in replies), (user, command)
            assert not any(n in r.plain for r in replies for n in ("王五", "甲支部", "学习：")), (user, command)
    other = (await bot.send(SEC_B, f"/stats {member[ZHANG]}"))[0].plain
    assert "张三" not in other and "学习" not in other
    theirs = load_workbook(io.BytesIO((await bot.send(SEC_B, "/export"))[0].file_bytes or b""))
    assert people_in(theirs) == {"乙书记", "李四", "孙八"} and "学习贯彻全会精神" not in cells(theirs)
    assert "抱歉" in (await bot.send(SEC_B, "/committee"))[0].plain

    # the committee sees both branches, side by side and in one workbook
    table = (await bot.send(ADMIN, "/committee"))[0].plain
    for key, name in (("jia", "甲支部"), ("yi", "乙支部")):
        figures = expected_figures(bot, key, now)
        # members, study completion %, accuracy %, meetings held, attendance %, warnings
        assert numbers(table, f"{name}：") == [figures["study"][4], figures["study"][2], figures["quiz"][3],
                                               figures["meetings"][0], figures["meetings"][3], 0]
    one_branch = load_workbook(io.BytesIO((await bot.send(ADMIN, "/export yi"))[0].file_bytes or b""))
    assert people_in(one_branch) == {"乙书记", "李四", "孙八"}
    workbook = (await bot.send(ADMIN, "/export"))[0]
    assert workbook.kind == "document"
    committee = load_workbook(io.BytesIO(workbook.file_bytes or b""))
    assert committee.sheetnames[0] == "各支部对比" and "预警名单" in committee.sheetnames
    side = {r[0]: r for r in committee["各支部对比"].iter_rows(min_row=2, values_only=True)}
    assert set(side) == {"甲支部", "乙支部"}
    for key, name in (("jia", "甲支部"), ("yi", "乙支部")):
        figures = expected_figures(bot, key, now)
        assert side[name][1] == figures["study"][4]  # members
        assert side[name][4] == figures["meetings"][0]  # meetings held
        sheet = committee[f"台账-{name}"]
        assert [(r[2], r[3], *r[9:]) for r in sheet.iter_rows(min_row=2, values_only=True)] == ledger_rows(
            bot, key, now)
    standing = {r[0]: r[1:3] for r in committee["党员人数"].iter_rows(min_row=2, values_only=True)}
    assert standing == {"甲支部": (4, 1), "乙支部": (3, 0)}

    # three months on, nobody has been to a meeting since March: the committee's early-warning list
    bot.clock.set(datetime(2026, 6, 25, 2, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    since = bot.clock.now() - timedelta(days=90)
    warned = load_workbook(io.BytesIO((await bot.send(ADMIN, "/export all"))[0].file_bytes or b""))["预警名单"]
    got_warned = {(r[0], r[1], r[3].date() if r[3] else None) for r in warned.iter_rows(min_row=2, values_only=True)}
    with db(bot) as session:
        branch_names = {b.id: b.name for b in session.exec(select(Branch)).all()}
        want_warned = set()
        for person in session.exec(select(Member).where(Member.status == MemberStatus.ACTIVE,
                                                        Member.role != Role.ADMIN)).all():
            last = session.exec(select(func.max(Meeting.starts_at)).join(
                Attendance, col(Attendance.meeting_id) == Meeting.id).where(
                Attendance.member_id == person.id, col(Attendance.status).in_(["present", "late"]))).one()
            last = last.replace(tzinfo=UTC) if last is not None and last.tzinfo is None else last
            if (last or person.joined_at) < since:
                shown = last.astimezone(svc(bot).settings.tz).date() if last else None
                want_warned.add((branch_names[person.branch_id], person.name, shown))
    assert got_warned == want_warned and ("甲支部", "王五", None) in got_warned
