"""/groupquiz: a secretary posts a published question to the branch group as a native, non-anonymous quiz
poll through the outbox; members' votes feed their cards, non-members' votes are ignored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlmodel import select
from telegram import PollAnswer, User
from telegram.ext import CallbackContext

from bot.app import build_application
from bot.context import Caller
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from bot.handlers import quiz as quiz_feature
from content.grading import correct_indices
from scheduler.clock import FakeClock
from storage.models import PollMap, Question, QuizAnswer, ReviewItem
from tests import factories
from tests.bot.study_helpers import MEMBER, OTHER, db_of, join, member_of, tick
from tests.factories import INVITE, SECRETARY_ID

GROUP = -1001234567


@pytest.fixture
async def branch(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(
        tmp_path, database={"url": db_url}, flood={"messages": 10_000, "per_seconds": 1},
        branches=[{"key": "csfz", "name": "城发中心党支部", "invite_code": INVITE, "secretaries": [SECRETARY_ID],
                   "group_chat_id": GROUP}])
    api = FakeBotApi(clock=clock)
    api.add_group(GROUP, "城发中心党支部")
    async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as s:
        yield s


async def test_a_group_quiz_poll_goes_out_through_the_outbox_and_members_votes_count(branch: OfflineSession) -> None:
    await join(branch, MEMBER)
    assert "仅供支部书记" in (await branch.send(MEMBER, "/groupquiz"))[0].plain
    queued = await branch.send(SECRETARY_ID, "/groupquiz")
    assert "发到支部群" in queued[0].plain
    assert [m for m in branch.api.messages_to(GROUP) if m.kind == "poll"] == []  # not sent by the handler itself
    (poll,) = [m for m in await tick(branch) if m.kind == "poll"]
    assert poll.chat_id == GROUP and poll.poll_type == "quiz" and poll.poll_id is not None
    with db_of(branch).session() as s:
        mapped = s.exec(select(PollMap).where(PollMap.poll_id == poll.poll_id)).one()
        question = s.get(Question, mapped.question_id)
        assert question is not None and question.qtype in ("single", "multiple", "truefalse")
    assert list(poll.correct_option_ids) == correct_indices(question.options, question.answer)
    assert poll.text == question.stem[:300]
    assert branch.api.world.polls[poll.poll_id].json["is_anonymous"] is False
    assert "没有可以发到群里" in (await branch.send(SECRETARY_ID, "/groupquiz 99999999999999999999"))[0].plain
    second = await branch.send(SECRETARY_ID, "/groupquiz")  # the next one is another question
    assert f"#{question.id} " not in second[0].plain

    # a vote reaches the feature's poll-answer handler (as the wiring's router calls it)
    context = CallbackContext(branch.app)
    right = correct_indices(question.options, question.answer)
    for tg, name in ((MEMBER, "张三"), (OTHER, "外人")):
        member = member_of(branch, tg) if tg == MEMBER else None
        caller = Caller(user_id=tg, chat_id=tg, name=name, member=member, lang="zh")
        vote = PollAnswer(poll_id=mapped.poll_id, option_ids=tuple(right), user=User(tg, name, False),
                          option_persistent_ids=tuple(str(i) for i in right))
        await quiz_feature.poll_answer(context, caller, mapped, vote)
        await quiz_feature.poll_answer(context, caller, mapped, vote)  # redelivered: counted once
    with db_of(branch).session() as s:
        (answer,) = s.exec(select(QuizAnswer)).all()
        assert answer.member_id == member_of(branch, MEMBER).id and answer.correct
        assert s.exec(select(ReviewItem)).one().question_id == question.id
