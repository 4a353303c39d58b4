"""A quiz poll sent through the outbox records its PollMap row, and an answer to that poll reaches the
handler of the feature that owns it — through the real Application, the tick and the offline Bot API.

The feature here is a small one made for the test (its own delivery kind and poll-answer handler), so the
test speaks only of the wiring: ``Feature.deliveries`` → sender → ``after_send`` → ``PollMap`` →
``bot.polls`` router → ``Feature.poll_answers``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlmodel import Session, select
from telegram import Message, PollAnswer
from telegram.ext import ContextTypes

from bot.app import FEATURES, build_application
from bot.context import SERVICES_KEY, Caller, Services
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from bot.feature import Feature
from bot.ticker import tick
from scheduler import outbox
from scheduler.clock import FakeClock
from scheduler.kinds import DeliveryKind, Outgoing, QuizPoll
from storage.models import Delivery, DeliveryState, Member, PollMap, Question
from tests import factories
from tests.factories import INVITE

MEMBER, STRANGER = 10001, 10009
ANSWERS: list[tuple[int, int, list[int]]] = []  # (member id, question id, options) the owner recorded


def _render(session: Session, row: Delivery) -> Outgoing | None:
    question = session.get(Question, row.payload["question_id"])
    if question is None:
        return None
    return Outgoing(poll=QuizPoll(question=question.stem, options=question.options, correct_option_ids=[0]))


def _after_send(session: Session, row: Delivery, message: Message) -> None:
    assert message.poll is not None and row.member_id is not None
    session.add(PollMap(branch_id=row.branch_id, poll_id=message.poll.id, feature="probe", member_id=row.member_id,
                        question_id=row.payload["question_id"], sent_at=message.date))


async def _on_answer(context: ContextTypes.DEFAULT_TYPE, caller: Caller, poll: PollMap, vote: PollAnswer) -> None:
    assert caller.member is not None and caller.member.id is not None
    ANSWERS.append((caller.member.id, poll.question_id, list(vote.option_ids)))


PROBE = Feature(name="probe", deliveries=lambda svc: [DeliveryKind("probe_poll", _render, after_send=_after_send)],
                poll_answers={"probe": _on_answer})


@pytest.fixture
async def session(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    ANSWERS.clear()
    settings = factories.settings(tmp_path, database={"url": db_url})
    build = partial(build_application, settings, features=(*FEATURES, PROBE))
    async with OfflineSession(build, api=FakeBotApi(clock=clock), clock=clock) as s:
        yield s


async def test_a_poll_sent_through_the_outbox_routes_its_answer_to_its_feature(session: OfflineSession) -> None:
    session.api.add_user(MEMBER, "张三")
    session.api.add_user(STRANGER, "路人")
    await session.send(MEMBER, f"/start {INVITE}")
    svc: Services = session.app.bot_data[SERVICES_KEY]
    now = svc.clock.now()
    with svc.db.session() as s:
        member = s.exec(select(Member).where(Member.tg_user_id == MEMBER)).one()
        question = s.exec(select(Question)).first()
        assert question is not None and question.id is not None and member.id is not None
        outbox.enqueue(session=s, branch_id=member.branch_id, kind="probe_poll", dedup_key="probe:1",
                       chat_id=MEMBER, due_at=now, now=now, member_id=member.id, payload={"question_id": question.id})
        member_id, question_id = member.id, question.id
    sent = await session.run(lambda: tick(session.app))
    polls = [m for m in sent if m.kind == "poll"]
    assert len(polls) == 1 and polls[0].chat_id == MEMBER
    with svc.db.session() as s:
        mapped = s.exec(select(PollMap)).one()
        row = s.exec(select(Delivery).where(Delivery.dedup_key == "probe:1")).one()
    assert mapped.poll_id == polls[0].poll_id and mapped.feature == "probe" and row.state == DeliveryState.SENT
    await session.answer_poll(MEMBER, [0])
    assert [(member_id, question_id, [0])] == ANSWERS
    # an answer from someone who is not a member, or to a poll zhibu never sent, reaches nobody
    await session.feed(session.api.poll_answer_update(STRANGER, mapped.poll_id, [1]))
    assert len(ANSWERS) == 1
