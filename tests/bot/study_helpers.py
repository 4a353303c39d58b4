"""Shared steps of the study and quiz tests: a bot with flood limits out of the way, a member who joined
and a published bank, and answering the question a member's quiz waits for (rightly or wrongly), up to a
question of a given type, or to the quiz's end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.db import Database
from storage.models import Member, Question, QuizSession, QuizSessionState
from tests import factories
from tests.factories import INVITE, SECRETARY_ID

MEMBER = 10001
OTHER = 10002


def study_settings(tmp_path: Path, db_url: str, **study: Any) -> Any:
    # a member answering a quiz taps faster than the flood guard's default allows within one driven second
    return factories.settings(
        tmp_path, database={"url": db_url}, flood={"messages": 10_000, "per_seconds": 1}, study=study
    )


@pytest.fixture(name="study")
async def study_fixture(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with factories.offline_bot(study_settings(tmp_path, db_url), clock) as s:
        yield s


def db_of(session: OfflineSession) -> Database:
    return session.app.bot_data["zhibu.services"].db


def member_of(session: OfflineSession, tg_user_id: int) -> Member:
    with db_of(session).session() as s:
        member = s.exec(select(Member).where(Member.tg_user_id == tg_user_id)).one()
        return member


async def start_secretary(session: OfflineSession) -> None:
    """The branch's secretary opens the bot (the config names them: no invite code needed)."""
    session.api.add_user(SECRETARY_ID, "李", last_name="书记")
    await session.send(SECRETARY_ID, "/start")


async def join(session: OfflineSession, *members: int, publish: bool = True) -> None:
    """The secretary and ``members`` join; the secretary publishes every verified draft."""
    await start_secretary(session)
    for n, tg in enumerate(members or (MEMBER,)):
        session.api.add_user(tg, ["张三", "王五", "赵六"][n % 3])
        await session.send(tg, f"/start {INVITE}")
    if publish:
        await session.send(SECRETARY_ID, "/publishall")
        await session.press(SECRETARY_ID, 1)


def current(session: OfflineSession, tg_user_id: int) -> tuple[QuizSession, Question]:
    """The member's session in progress and the question it waits for."""
    member = member_of(session, tg_user_id)
    with db_of(session).session() as s:
        quiz = s.exec(
            select(QuizSession)
            .where(QuizSession.member_id == member.id, QuizSession.state == QuizSessionState.ACTIVE)
            .order_by(col(QuizSession.id).desc())
        ).first()
        assert quiz is not None, "no quiz in progress"
        question = s.get(Question, quiz.question_ids[quiz.position])
        assert question is not None
        return quiz, question


def waiting(session: OfflineSession, tg_user_id: int) -> bool:
    """Whether a question of the member's quiz waits for an answer."""
    try:
        current(session, tg_user_id)
    except AssertionError:
        return False
    return True


def right_indices(q: Question) -> list[int]:
    return [i for i, o in enumerate(q.options) if o in q.answer]


async def answer(session: OfflineSession, tg_user_id: int, *, right: bool) -> list[SentMessage]:
    """Answer the waiting question as a member would: tap, toggle and submit, or type (with phone noise)."""
    _, q = current(session, tg_user_id)
    good = right_indices(q)
    bad = [i for i in range(len(q.options)) if i not in good]
    if q.qtype in ("single", "truefalse"):
        return await session.press(tg_user_id, (good[0] if right else bad[0]) + 1)
    if q.qtype == "multiple":
        for i in good if right else bad[:1]:
            await session.press(tg_user_id, i + 1)
        return await session.press(tg_user_id, len(q.options) + 1)
    typed = f" “{q.answer[0]}”。" if right else "不知道"
    return await session.send(tg_user_id, typed)


async def answer_until(session: OfflineSession, tg_user_id: int, *qtypes: str) -> Question:
    """Answer rightly until the waiting question is one of ``qtypes``; fails if the quiz ends first."""
    while (q := current(session, tg_user_id)[1]).qtype not in qtypes:
        await answer(session, tg_user_id, right=True)
    return q


async def finish_quiz(session: OfflineSession, tg_user_id: int) -> None:
    """Answer rightly whatever the member's quiz still asks, to its end."""
    while waiting(session, tg_user_id):
        await answer(session, tg_user_id, right=True)


async def tick(session: OfflineSession) -> list[SentMessage]:
    """One scheduler tick at the session clock's time: producers, then the outbox rendered and sent."""
    from bot.ticker import tick as run

    return await session.run(lambda: run(session.app))


_QUOTES = str.maketrans("", "", "“”‘’\"'")


def feedback_of(replies: list[SentMessage], q: Question) -> SentMessage:
    """The feedback among ``replies``: it names where the sentence comes from and quotes it, and the quote is
    the question's own source sentence (or the part of it that was asked)."""
    for message in replies:
        lines = message.plain.splitlines()
        source = next((line for line in lines if line.startswith(("出自：", "出处："))), None)
        quoted = next((line.split("：", 1)[1] for line in lines if line.startswith(("原文：", "原句："))), None)
        if source and quoted:
            # a quote may leave out clauses ("……") that would tell another question's answer: each part it
            # keeps must be the sentence's own words
            parts = [part.strip("。；，") for part in quoted.translate(_QUOTES).split("……")]
            parts = [part for part in parts if part]
            sentence = q.sentence.translate(_QUOTES).replace("\n", "")
            assert sum(map(len, parts)) >= 8 and all(part in sentence for part in parts), (quoted, q.sentence)
            return message
    raise AssertionError(f"no feedback naming a source and quoting it in {[m.plain for m in replies]}")
