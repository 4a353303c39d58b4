"""/groupquiz: a secretary posts a published question to the branch group as a native, non-anonymous quiz
poll through the outbox; members' votes feed their cards, non-members' votes are ignored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import build_application
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from content.grading import correct_indices
from scheduler.clock import FakeClock
from storage.models import PollMap, Question, QuizAnswer, ReviewItem
from tests import factories
from tests.bot.study_helpers import MEMBER, OTHER, db_of, join, member_of, tick
from tests.factories import INVITE, SECRETARY_ID

GROUP = -1001234567
STRANGER = 10009


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


async def test_a_group_quiz_end_to_end_through_the_poll_router(branch: OfflineSession) -> None:
    """Typed in the branch group, posted by the tick, answered in Telegram: every vote goes through the wiring's
    one poll router (PollMap → the quiz feature) and is recorded against its voter, once."""
    await join(branch, MEMBER, OTHER)
    branch.api.add_user(STRANGER, "路人")
    asked = await branch.send(SECRETARY_ID, "/groupquiz", chat_id=GROUP)
    assert [m.chat_id for m in asked] == [GROUP] and "马上发出" in asked[0].plain  # no preview of the question
    assert "仅供支部书记" in (await branch.send(MEMBER, "/groupquiz", chat_id=GROUP))[0].plain
    (poll,) = [m for m in await tick(branch) if m.kind == "poll"]
    assert poll.chat_id == GROUP and poll.poll_type == "quiz"
    sent = branch.api.world.polls[poll.poll_id].json  # type: ignore[index]
    assert sent["is_anonymous"] is False and sent["correct_option_ids"] == list(poll.correct_option_ids)
    with db_of(branch).session() as s:
        question = s.get(Question, s.exec(select(PollMap.question_id).where(PollMap.poll_id == poll.poll_id)).one())
    assert question is not None and list(poll.correct_option_ids) == correct_indices(question.options, question.answer)
    right = list(poll.correct_option_ids)
    wrong = [next(i for i in range(len(question.options)) if i not in right)]

    assert await branch.answer_poll(MEMBER, right, chat_id=GROUP) == []  # a vote gets no reply
    redelivered = branch.api.poll_answer_update(OTHER, poll.poll_id, wrong)  # type: ignore[arg-type]
    await branch.feed(redelivered)
    await branch.feed(redelivered)  # Telegram delivers the same update again: one answer
    await branch.answer_poll(STRANGER, right, chat_id=GROUP)  # not a member: ignored
    with db_of(branch).session() as s:
        answers = {a.member_id: a for a in s.exec(select(QuizAnswer))}
        cards = {c.member_id: c for c in s.exec(select(ReviewItem))}
    member, other = member_of(branch, MEMBER), member_of(branch, OTHER)
    assert set(answers) == {member.id, other.id}
    assert answers[member.id].correct and not answers[other.id].correct  # type: ignore[index]
    assert answers[member.id].attempt_key == f"poll:{poll.poll_id}"  # type: ignore[index]
    assert answers[other.id].chosen == [question.options[wrong[0]]]  # type: ignore[index]
    # the votes feed the voters' own review cards: the wrong one is in the 错题本 and comes back tomorrow
    assert set(cards) == {member.id, other.id}
    assert cards[other.id].in_wrongbook and not cards[member.id].in_wrongbook  # type: ignore[index]
    assert all(c.question_id == question.id for c in cards.values())
    wrongbook = await branch.send(OTHER, "/wrong")
    assert "错题本：1 道" in wrongbook[0].plain
