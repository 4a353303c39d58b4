"""Secretaries' figures, chart and ledger, checked against what the raw rows say.

A month of activity is written as rows (study deliveries and reads, answers, meetings with attendance and
leave) for a branch whose members joined through the bot; ``/stats``, ``/stats <id>``, ``/chart``,
``/export`` and ``/committee`` then run through the real Application, and every figure is compared with a
count made here, independently, over the same rows.
"""

from __future__ import annotations

import io
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from bot import cli
from bot.context import SERVICES_KEY, Services
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from storage.models import (
    Attendance,
    AuditEntry,
    Meeting,
    Member,
    MemberStatus,
    Question,
    QuizAnswer,
    Rsvp,
    StudyProgress,
    StudyUnit,
)
from tests import factories
from tests.factories import INVITE, SECRETARY_ID

MEMBERS = {10001: "张三", 10002: "李四", 10003: "王五", 10004: "赵六"}
MONTH_START = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # 2026-03-01 00:00 in Shanghai


def _svc(session: OfflineSession) -> Services:
    return session.app.bot_data[SERVICES_KEY]


async def _branch_with_members(session: OfflineSession) -> dict[int, int]:
    session.api.add_user(SECRETARY_ID, "李", last_name="书记")
    await session.send(SECRETARY_ID, "/start")
    for tg_id, name in MEMBERS.items():
        session.api.add_user(tg_id, name)
        await session.send(tg_id, f"/start {INVITE}")
    with _svc(session).db.session() as s:
        rows = s.exec(select(Member.tg_user_id, Member.id)).all()
    ids = {tg: mid for tg, mid in rows if mid is not None}
    await session.send(SECRETARY_ID, f"/standing {ids[10004]} 预备")
    await session.press(SECRETARY_ID, 1)  # confirmed
    return ids


def _seed_month(session: OfflineSession, ids: dict[int, int]) -> None:
    """Deterministic but irregular activity: some read, some answer, two meetings, one leave."""
    rng = random.Random(7)
    svc = _svc(session)
    with svc.db.session() as s:
        branch_id = s.exec(select(Member.branch_id)).first()
        assert branch_id is not None
        for person in s.exec(select(Member)).all():  # they joined before the month whose rows are written here
            person.joined_at = MONTH_START - timedelta(days=10)
            s.add(person)
        # and 赵六 was 预备 by then: the ledger counts the standing of the meeting day (review R2.7)
        for entry in s.exec(select(AuditEntry).where(AuditEntry.action == "set_standing")).all():
            entry.at = MONTH_START - timedelta(days=9)
            s.add(entry)
        units = s.exec(select(StudyUnit).order_by(StudyUnit.position)).all()[:12]
        questions = s.exec(select(Question)).all()[:8]
        readers = [ids[10001], ids[10002], ids[10004]]
        for day, unit in enumerate(units):
            delivered = MONTH_START + timedelta(days=day, hours=1)
            for member_id in (ids[10001], ids[10002], ids[10003], ids[10004]):
                read = delivered + timedelta(hours=2) if member_id in readers and rng.random() < 0.7 else None
                s.add(StudyProgress(branch_id=branch_id, member_id=member_id, unit_id=unit.id,
                                    delivered_at=delivered, read_at=read))
        for n in range(40):
            member_id = rng.choice([ids[10001], ids[10002], ids[10004]])
            q = rng.choice(questions)
            s.add(QuizAnswer(branch_id=branch_id, member_id=member_id, question_id=q.id, attempt_key=f"t{n}",
                             chosen=["A"], correct=rng.random() < 0.6,
                             answered_at=MONTH_START + timedelta(days=rng.randrange(18), hours=3)))
        # one answer last month: outside "month", inside "all"
        s.add(QuizAnswer(branch_id=branch_id, member_id=ids[10001], question_id=questions[0].id, attempt_key="old",
                         chosen=["B"], correct=False, answered_at=MONTH_START - timedelta(days=3)))
        for member in s.exec(select(Member)).all():  # they belonged to the branch before the month began,
            member.joined_at = MONTH_START - timedelta(days=30)  # so the backdated meeting expected them all
            s.add(member)
        held = Meeting(branch_id=branch_id, key="m1", kind="党员大会", topic="学习贯彻会议精神",
                       starts_at=MONTH_START + timedelta(days=5, hours=7),
                       ends_at=MONTH_START + timedelta(days=5, hours=9),
                       place="三楼会议室", host="李书记", recorder="王五", created_at=MONTH_START)
        cancelled = Meeting(branch_id=branch_id, key="m2", kind="党课", topic="取消的党课", status="cancelled",
                            starts_at=MONTH_START + timedelta(days=8), ends_at=MONTH_START + timedelta(days=8, hours=1),
                            place="线上", created_at=MONTH_START)
        future = Meeting(branch_id=branch_id, key="m3", kind="主题党日", topic="下周的主题党日",
                         starts_at=MONTH_START + timedelta(days=25), ends_at=MONTH_START + timedelta(days=25, hours=2),
                         place="社区", created_at=MONTH_START)
        s.add_all([held, cancelled, future])
        s.flush()
        for member_id in (ids[10001], ids[10002], ids[10004]):
            s.add(Attendance(branch_id=branch_id, meeting_id=held.id, member_id=member_id,
                             checked_in_at=held.starts_at))
        s.add(Rsvp(branch_id=branch_id, meeting_id=held.id, member_id=ids[10003], response="leave", reason="出差",
                   leave_status="approved", responded_at=MONTH_START))  # a pending one is no 请假 (/attendance)


def _numbers(text: str, label: str) -> list[int]:
    line = next(line for line in text.splitlines() if label in line)
    return [int(n) for n in re.findall(r"\d+", line)]


async def test_stats_equal_the_rows(session: OfflineSession) -> None:
    ids = await _branch_with_members(session)
    _seed_month(session, ids)
    text = (await session.send(SECRETARY_ID, "/stats"))[0].plain
    svc = _svc(session)
    now = svc.clock.now()
    with svc.db.session() as s:
        progress = [p for p in s.exec(select(StudyProgress)).all() if MONTH_START <= p.delivered_at < now]
        answers = [a for a in s.exec(select(QuizAnswer)).all() if MONTH_START <= a.answered_at < now]
        active = s.exec(select(Member).where(Member.status == MemberStatus.ACTIVE)).all()
    read = [p for p in progress if p.read_at is not None]
    correct = sum(a.correct for a in answers)
    assert _numbers(text, "学习：") == [len(read), len(progress), round(100 * len(read) / len(progress)),
                                       len({p.member_id for p in read}), len(active)]
    assert _numbers(text, "答题：") == [len({a.member_id for a in answers}), len(active), len(answers),
                                       round(100 * correct / len(answers))]
    # one meeting held (the cancelled and the future one do not count), 3 of 5 active came, one leave, no
    # make-up assigned yet (the tick after the meeting does that)
    assert _numbers(text, "会议：") == [1, 3, len(active), round(100 * 3 / len(active)), 1, 0]
    assert "尚未学习" in text and "王五" in text.split("尚未学习")[1].split("\n")[0]
    assert "李 书记" in text.split("尚未答题")[1].split("\n")[0]
    assert "错得最多的题目" in text
    # nobody has gone three months without a meeting yet: they joined today
    assert "没有党员连续 3 个月以上未参加组织生活" in text
    one = (await session.send(SECRETARY_ID, f"/stats {ids[10001]}"))[0].plain
    mine = [a for a in answers if a.member_id == ids[10001]]
    assert _numbers(one, "答题")[:1] == [len(mine)]
    assert "参加 1 次" in one
    # secretaries type names: the same screen by name; an unknown name says to use the number
    assert (await session.send(SECRETARY_ID, "/stats 张三"))[0].plain == one
    unknown = (await session.send(SECRETARY_ID, "/stats 张三丰 month"))[0].plain
    assert "没有叫「张三丰」的党员" in unknown and "/members" in unknown
    everything = (await session.send(SECRETARY_ID, "/stats all"))[0].plain
    assert _numbers(everything, "答题：")[2] == len(answers) + 1


async def test_early_warning_names_members_absent_for_months(session: OfflineSession) -> None:
    ids = await _branch_with_members(session)
    _seed_month(session, ids)
    svc = _svc(session)
    svc.clock.advance(timedelta(days=120))  # type: ignore[attr-defined]
    text = (await session.send(SECRETARY_ID, "/stats"))[0].plain
    warned = text.split("个月以上未参加组织生活")[1]
    assert "王五" in warned and "张三" in warned and "2026-03-06" in warned  # last attended the 党员大会


async def test_chart_and_export(session: OfflineSession) -> None:
    ids = await _branch_with_members(session)
    _seed_month(session, ids)
    chart = (await session.send(SECRETARY_ID, "/chart"))
    assert chart[0].kind == "photo" and chart[0].file_bytes and chart[0].file_bytes.startswith(b"\x89PNG")
    upload = session.api.calls_of("sendPhoto")[-1].files["photo"]  # T12: not "application.octet-stream"
    assert upload.filename.startswith("图表-") and upload.filename.endswith(".png"), upload
    sent = await session.send(SECRETARY_ID, "/export")
    assert sent[0].kind == "document" and sent[0].file_name and sent[0].file_name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(sent[0].file_bytes or b""))
    assert book.sheetnames == ["党员名册", "三会一课台账", "学习记录", "答题记录", "题目正确率"]
    ledger = book["三会一课台账"]
    assert ledger.freeze_panes == "A2"
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1  # the cancelled meeting and the future one are not in the ledger
    when, _end, kind, topic, _place, host, _rec, _agenda, _materials, expected, present, full, probationary, \
        _attended, _late, leave, absent, makeup, _owed, quorum = rows[0]
    assert (kind, topic, host) == ("党员大会", "学习贯彻会议精神", "李书记")
    # 23:00 UTC the day before, written as Shanghai wall time (Excel cells carry no time zone)
    assert when == datetime(2026, 3, 6, 7, 0, tzinfo=UTC).replace(tzinfo=None)
    assert (expected, present, full, probationary) == (5, 3, 2, 1)
    # the approved leave is 请假, apart from 缺席 (trial T4), as /attendance lists it
    assert leave == "王五（出差）" and "李 书记" in absent and "王五" not in absent and makeup is None
    assert quorum == "否（2/4）"  # 2 of 4 full members is not more than half
    answers = list(book["答题记录"].iter_rows(min_row=2, values_only=True))
    assert len(answers) == 40 and all(isinstance(r[1], datetime) for r in answers)
    accuracy = list(book["题目正确率"].iter_rows(min_row=2, values_only=True))
    assert sum(r[3] for r in accuracy) == 40 and all(isinstance(r[5], float) for r in accuracy)


async def test_bad_periods_get_usage_and_members_are_refused(session: OfflineSession) -> None:
    ids = await _branch_with_members(session)
    for bad in ("/stats 2026-13", "/chart a b", "/export 1999-01"):
        assert "用法" in (await session.send(SECRETARY_ID, bad))[0].plain
    # a Latin word may be a member's name (trial T15): looked up, then answered as neither name nor period
    assert "本周、本月" in (await session.send(SECRETARY_ID, "/stats yesterday"))[0].plain
    for command in ("/stats", "/chart", "/export", f"/stats {ids[10002]}"):
        reply = (await session.send(10001, command))[0]
        assert "仅供支部书记使用" in reply.plain and reply.kind == "message"
    assert "抱歉" in (await session.send(SECRETARY_ID, "/committee"))[0].plain  # committee admins only


def test_command_line_export_and_chart(tmp_path: Path) -> None:
    """``zhibu export`` / ``zhibu chart`` write the same files a secretary gets in chat."""
    config = factories.write_config(tmp_path, factories.config_dict(
        tmp_path, branches=[{"key": "jia", "name": "甲支部", "invite_code": "code-a", "secretaries": [1]},
                            {"key": "yi", "name": "乙支部", "invite_code": "code-b", "secretaries": [2]}]))
    out = tmp_path / "out"
    assert cli.main(["--config", str(config), "export", "--out", str(out / "a.xlsx"), "--branch", "jia"]) == 0
    assert load_workbook(out / "a.xlsx").sheetnames[1] == "三会一课台账"
    assert cli.main(["--config", str(config), "export", "--all", "--out", str(out / "all.xlsx"),
                     "--period", "all"]) == 0
    committee = load_workbook(out / "all.xlsx")["各支部对比"]
    assert [row[0] for row in committee.iter_rows(min_row=2, values_only=True)] == ["甲支部", "乙支部"]
    assert cli.main(["--config", str(config), "chart", "--out", str(out / "a.png"), "--branch", "jia"]) == 0
    assert (out / "a.png").read_bytes().startswith(b"\x89PNG")
    assert cli.main(["--config", str(config), "chart", "--out", str(out / "x.png")]) == 2  # two branches: name one
    assert cli.main(["--config", str(config), "export", "--out", str(out / "x.xlsx"), "--branch", "jia",
                     "--period", "someday"]) == 2


def _not_meetings(sent: list[SentMessage]) -> list[SentMessage]:
    """The seeded meetings' own notices and reminders (buttons ``v1:mt:…``) go out on the same ticks, and so
    does the 补学 of a seeded meeting held in the last 30 days (``meeting_options.makeup_days``), which a
    meeting without materials sends without buttons."""
    return [m for m in sent if not any((b.callback_data or "").startswith("v1:mt:") for b in m.button_list())
            and "补学" not in (m.text or "")]


async def test_weekly_digest_and_nudges_go_through_the_outbox(session: OfflineSession) -> None:
    """Monday 09:00 local: the secretary gets last week's figures with a nudge button; pressing it nudges each
    member behind once, in their own language; pressing again nudges nobody twice."""
    from bot.ticker import tick

    ids = await _branch_with_members(session)
    _seed_month(session, ids)
    await session.send(10003, "/lang en")
    svc = _svc(session)
    svc.clock.set(datetime(2026, 3, 23, 0, 55, tzinfo=UTC))  # type: ignore[attr-defined]
    assert not [m for m in _not_meetings(await session.run(lambda: tick(session.app))) if m.chat_id == SECRETARY_ID]
    svc.clock.set(datetime(2026, 3, 23, 1, 5, tzinfo=UTC))  # type: ignore[attr-defined]
    sent = _not_meetings(await session.run(lambda: tick(session.app)))
    digest = [m for m in sent if m.chat_id == SECRETARY_ID]
    assert len(digest) == 1 and "上周支部情况" in digest[0].plain and "2026-03-16 至 2026-03-22" in digest[0].plain
    assert digest[0].buttons and "提醒" in digest[0].button_list()[0].text
    again = _not_meetings(await session.run(lambda: tick(session.app)))
    assert not [m for m in again if m.chat_id == SECRETARY_ID]  # once a week
    await session.press(SECRETARY_ID, 1)
    nudged = _not_meetings(await session.run(lambda: tick(session.app)))
    behind = {m.chat_id for m in nudged}
    # no snippet was pushed that week (trial 3): only the quiz is nudged about, to each member who answered
    # none that week (王五 never answers; who else depends on the seeded draw over the shipped bank's size)
    week = (datetime(2026, 3, 15, 16, tzinfo=UTC), datetime(2026, 3, 22, 16, tzinfo=UTC))  # Mon–Sun local
    with svc.db.session() as s:
        answered = {m for m, at in s.exec(select(QuizAnswer.member_id, QuizAnswer.answered_at)).all()
                    if week[0] <= at.replace(tzinfo=UTC) < week[1]}
    expected = {tg for tg, mid in ids.items() if tg != SECRETARY_ID and mid not in answered}
    assert 10003 in expected and behind == expected  # the secretary is behind too, but does not nudge himself
    to_wang = next(m.plain for m in nudged if m.chat_id == 10003)
    assert to_wang.startswith("Hello 王五") and "last week" in to_wang  # their language; the week meant
    assert "You studied" not in to_wang  # nothing was pushed to study: the nudge does not claim they did
    await session.press(SECRETARY_ID, 1)
    answers = list(session.api.callback_answers.values())
    assert "都已提醒过" in (answers[-1].get("text") or "")
    assert not [m for m in _not_meetings(await session.run(lambda: tick(session.app))) if m.chat_id != SECRETARY_ID]
