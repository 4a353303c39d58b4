"""Deliveries are rendered at send time by their kind: current data, the recipient's current language.

Each test drives the real sender against the offline Bot API on an SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from telegram import Bot, Message

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.request import OfflineRequest
from scheduler import outbox
from scheduler.clock import FakeClock
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing, QuizPoll
from scheduler.ratelimit import SendRateLimiter
from scheduler.sender import send_due
from scheduler.tick import run_tick
from storage import meetings
from storage.db import Database
from storage.models import Delivery, DeliveryState, Meeting, Member, PollMap, Question
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEXTS = {"zh": "提醒：{topic} 于 {time} 开始", "en": "Reminder: {topic} starts at {time}"}


def render_reminder(session: Session, row: Delivery) -> Outgoing | None:
    """A reminder-like kind: the meeting and the member are read now, not when the row was queued."""
    meeting = session.get(Meeting, row.subject_id)
    member = session.get(Member, row.member_id)
    if meeting is None or member is None or meeting.status == "cancelled":
        return None
    when = meeting.starts_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    return Outgoing(text=TEXTS[member.language].format(topic=meeting.topic, time=when))


REMINDER = DeliveryKind("reminder", render=render_reminder, policy=KindPolicy(resend_uncertain=True))


class _Instant:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds


def _limiter() -> SendRateLimiter:
    fake = _Instant()
    return SendRateLimiter(per_second=20, monotonic=fake.monotonic, sleep=fake.sleep)


async def _bot(api: FakeBotApi) -> Bot:
    bot = Bot(api.token, request=OfflineRequest(api), get_updates_request=OfflineRequest(api))
    await bot.initialize()
    return bot


def _meeting(db: Database, clock: FakeClock, branch_id: int) -> Meeting:
    with db.session() as s:
        spec = meetings.MeetingSpec(kind="党员大会", topic="学习党章", starts_at=clock.now() + timedelta(days=1),
                                    duration_minutes=120, place="三楼会议室")
        return meetings.seed_meeting(session=s, branch_id=branch_id, key="m1", spec=spec, now=clock.now())


def _enqueue(db: Database, clock: FakeClock, row: dict[str, object]) -> None:
    with db.session() as s:
        assert outbox.enqueue(session=s, due_at=clock.now(), now=clock.now(), **row)  # type: ignore[arg-type]


def _row(db: Database, key: str) -> Delivery:
    with db.session() as s:
        return s.exec(select(Delivery).where(Delivery.dedup_key == key)).one()


async def test_a_queued_reminder_shows_the_new_time_in_the_new_language(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    member = factories.member(db, branch.id, 7, "张三", clock.now())
    meeting = _meeting(db, clock, branch.id)
    _enqueue(db, clock, {"branch_id": branch.id, "kind": "reminder", "dedup_key": "r:m1:1d:7", "chat_id": 7,
                         "member_id": member.id, "subject_id": meeting.id, "payload": {"offset": "1d"}})
    with db.session() as s:  # after the row was queued: the meeting moves, the member switches to English
        row = s.get(Meeting, meeting.id)
        assert row is not None
        row.starts_at = row.starts_at + timedelta(hours=3)
        s.add(row)
        person = s.get(Member, member.id)
        assert person is not None
        person.language = "en"
        s.add(person)
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    bot = await _bot(api)
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds={"reminder": REMINDER})
    await bot.shutdown()
    assert report.sent == 1
    # 01:00 UTC + 1 day + 3 h = 04:00 UTC = 12:00 in Shanghai
    assert [m.plain for m in api.messages_to(7)] == ["Reminder: 学习党章 starts at 03-21 12:00"]
    assert "text" not in _row(db, "r:m1:1d:7").payload  # the row never held the text


async def test_a_deleted_or_cancelled_subject_expires_its_rows(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    member = factories.member(db, branch.id, 7, "张三", clock.now())
    meeting = _meeting(db, clock, branch.id)
    for key, subject in (("gone", 999_999), ("cancelled", meeting.id)):
        _enqueue(db, clock, {"branch_id": branch.id, "kind": "reminder", "dedup_key": key, "chat_id": 7,
                             "member_id": member.id, "subject_id": subject})
    with db.session() as s:
        row = s.get(Meeting, meeting.id)
        assert row is not None
        row.status = "cancelled"
        s.add(row)
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    bot = await _bot(api)
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds={"reminder": REMINDER})
    await bot.shutdown()
    assert report.expired == 2 and report.sent == 0 and api.calls_of("sendMessage") == []
    assert {_row(db, k).state for k in ("gone", "cancelled")} == {DeliveryState.EXPIRED}


def _question(db: Database, branch_id: int, clock: FakeClock) -> Question:
    with db.session() as s:
        question = Question(branch_id=branch_id, qkey="q-1", qtype="single", stem="党的最高理想是？",
                            options=["实现共产主义", "发展经济"], answer=["A"], doc_key="d", document="党章",
                            sentence="……", updated_at=clock.now())
        s.add(question)
        s.flush()
        s.refresh(question)
        return question


def _quiz_kind(fail_after_writing: bool = False) -> DeliveryKind:
    def render(session: Session, row: Delivery) -> Outgoing | None:
        question = session.get(Question, row.payload["question_id"])
        if question is None:
            return None
        return Outgoing(poll=QuizPoll(question=question.stem, options=question.options, correct_option_ids=[0]))

    def after_send(session: Session, row: Delivery, message: Message) -> None:
        assert message.poll is not None and row.member_id is not None
        session.add(PollMap(branch_id=row.branch_id, poll_id=message.poll.id, feature="quiz", member_id=row.member_id,
                            question_id=row.payload["question_id"], sent_at=message.date))
        session.flush()
        if fail_after_writing:
            raise RuntimeError("hook failed after writing")

    return DeliveryKind("quiz", render=render, after_send=after_send)


@pytest.mark.parametrize("hook_fails", [False, True])
async def test_a_quiz_poll_records_its_poll_map_with_the_sent_state(
    db: Database, clock: FakeClock, hook_fails: bool, caplog: pytest.LogCaptureFixture
) -> None:
    branch = factories.branch(db, clock.now())
    member = factories.member(db, branch.id, 7, "张三", clock.now())
    question = _question(db, branch.id, clock)
    _enqueue(db, clock, {"branch_id": branch.id, "kind": "quiz", "dedup_key": "quiz:1:7", "chat_id": 7,
                         "member_id": member.id, "payload": {"question_id": question.id}})
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    bot = await _bot(api)
    with caplog.at_level(logging.ERROR, logger="scheduler.sender"):
        await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w",
                       kinds={"quiz": _quiz_kind(fail_after_writing=hook_fails)})
    await bot.shutdown()
    poll = api.last_poll(7)
    assert poll is not None and poll.kind == "poll"
    row = _row(db, "quiz:1:7")
    assert row.state == DeliveryState.SENT and row.telegram_message_id == poll.message_id
    with db.session() as s:
        maps = s.exec(select(PollMap)).all()
    if hook_fails:  # the hook's write went with its transaction; the send itself is still recorded
        assert maps == [] and "after-send hook" in caplog.text
    else:
        assert [(m.feature, m.member_id, m.question_id) for m in maps] == [("quiz", member.id, question.id)]
        assert api.calls_of("sendPoll")[0].params["correct_option_ids"] == [0]


async def test_a_row_of_an_unknown_kind_fails_with_a_clear_error(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    _enqueue(db, clock, {"branch_id": branch.id, "kind": "retired-kind", "dedup_key": "x", "chat_id": 7})
    api = FakeBotApi(clock=clock)
    bot = await _bot(api)
    report = await send_due(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", kinds={"reminder": REMINDER})
    await bot.shutdown()
    row = _row(db, "x")
    assert report.failed == 1 and row.state == DeliveryState.FAILED
    assert row.last_error is not None and "unknown delivery kind 'retired-kind'" in row.last_error
    assert api.calls_of("sendMessage") == []


async def test_a_reminder_missed_while_down_is_sent_if_useful_else_expired_and_logged(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    branch = factories.branch(db, clock.now())
    member = factories.member(db, branch.id, 7, "张三", clock.now())
    meeting = _meeting(db, clock, branch.id)
    base = {"branch_id": branch.id, "kind": "reminder", "chat_id": 7, "member_id": member.id,
            "subject_id": meeting.id}
    with db.session() as s:  # queued before the bot went down: one still useful, one no longer
        outbox.enqueue(session=s, dedup_key="still-useful", due_at=clock.now(), now=clock.now(),
                       expires_at=clock.now() + timedelta(days=1), **base)  # type: ignore[arg-type]
        outbox.enqueue(session=s, dedup_key="too-late", due_at=clock.now(), now=clock.now(),
                       expires_at=clock.now() + timedelta(hours=2), **base)  # type: ignore[arg-type]
    clock.advance(timedelta(hours=5))  # the bot was down for five hours
    api = FakeBotApi(clock=clock)
    api.add_user(7, "张三")
    bot = await _bot(api)
    with caplog.at_level(logging.WARNING, logger="scheduler.outbox"):
        report = await run_tick(bot=bot, db=db, clock=clock, limiter=_limiter(), worker="w", producers=[],
                                kinds={"reminder": REMINDER})
    await bot.shutdown()
    assert report.expired == 1 and report.send.sent == 1
    assert _row(db, "still-useful").state == DeliveryState.SENT and _row(db, "too-late").state == DeliveryState.EXPIRED
    assert "too-late" in caplog.text and len(api.messages_to(7)) == 1
