"""Trial T14: /cancel with a quiz question on screen answered "现在没有进行中的操作，不需要取消。" — the member
who wanted out was not told how.  /cancel now ends the quiz; the answers given so far stay recorded."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.models import QuizAnswer, QuizSession, QuizSessionState
from tests.bot.study_helpers import MEMBER, answer, current, db_of, join, study_fixture  # noqa: F401


@pytest.mark.parametrize(("lang", "ended", "nothing"), [
    ("zh", "已结束本次答题（答了 1/5 题", "现在没有进行中的操作"),
    ("en", "Quiz ended (1 of 5 answered", "nothing to cancel"),
])
async def test_cancel_ends_a_quiz_in_progress(study: OfflineSession, lang: str, ended: str, nothing: str) -> None:
    await join(study)
    if lang == "en":
        await study.send(MEMBER, "/lang en")
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)
    quiz, _ = current(study, MEMBER)
    told = (await study.send(MEMBER, "/cancel"))[0].plain
    assert ended in told and "/quiz" in told, told
    with db_of(study).session() as session:

        assert session.get(QuizSession, quiz.id).state == QuizSessionState.EXPIRED  # type: ignore[union-attr]
        assert len(session.exec(select(QuizAnswer)).all()) == 1  # the answer given stays
    # the quiz is over: a second /cancel has nothing left to cancel, and /quiz starts afresh
    again = (await study.send(MEMBER, "/cancel"))[0].plain
    assert nothing.lower() in again.lower(), again
