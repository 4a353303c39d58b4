"""Member-facing quiz defects found in the trials (issue 8), each through the real Application."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.models import Question, QuestionStatus, ReviewItem
from tests.bot.study_helpers import (
    MEMBER,
    answer,
    current,
    db_of,
    join,
    member_of,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _waiting(session: OfflineSession) -> bool:
    try:
        current(session, MEMBER)
    except AssertionError:
        return False
    return True


def _published(session: OfflineSession) -> int:
    with db_of(session).session() as s:
        return len(s.exec(select(Question).where(Question.status == QuestionStatus.PUBLISHED)).all())


async def test_quiz_says_whether_the_bank_is_empty_or_everything_is_answered(
        study: OfflineSession) -> None:
    """F14: both cases used to read "no questions yet"; the second names the day reviews come back."""
    await join(study, publish=False)
    empty = (await study.send(MEMBER, "/quiz"))[0].plain
    assert "题库里还没有已发布的题目" in empty and "书记" in empty
    await join(study)  # the secretary publishes the bank
    total = _published(study)
    assert total > 0
    done = ""
    for _ in range(total):  # a session each round, answered to the end, until nothing is left to ask
        done = (await study.send(MEMBER, "/quiz"))[0].plain
        if "题库" in done or "都答过了" in done:
            break
        while _waiting(study):
            await answer(study, MEMBER, right=True)
    with db_of(study).session() as s:
        cards = s.exec(select(ReviewItem).where(ReviewItem.member_id == member_of(study, MEMBER).id)).all()
    assert len(cards) == total
    day = min(c.due_at for c in cards).astimezone(SHANGHAI).strftime("%Y-%m-%d")
    assert f"已发布的 {total} 道题您都答过了" in done and day in done, done
    assert "题库里还没有" not in done
    await study.send(MEMBER, "/lang en")
    assert "You have answered all" in (await study.send(MEMBER, "/quiz"))[0].plain


async def test_a_retry_waits_until_the_quiz_in_progress_is_finished(study: OfflineSession) -> None:
    """F24/T13: 重做 under /wrong used to end the quiz in progress without a word."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    _, missed = current(study, MEMBER)
    await answer(study, MEMBER, right=False)
    before, waiting = current(study, MEMBER)
    await study.send(MEMBER, "/wrong")
    refused = await study.press(MEMBER, 1)
    assert any("还有一组题没做完（第 2/5 题）" in m.plain for m in refused), [m.plain for m in refused]
    assert not study.api.unanswered_callbacks()
    after, still = current(study, MEMBER)
    assert (after.id, after.position, still.id) == (before.id, before.position, waiting.id)
    assert "继续上次的答题：第 2/5 题" in (await study.send(MEMBER, "/quiz"))[0].plain  # as the reply says
    while _waiting(study):
        await answer(study, MEMBER, right=True)
    await study.send(MEMBER, "/wrong")
    asked = await study.press(MEMBER, 1)
    assert "第 1/1 题" in asked[-1].plain and current(study, MEMBER)[1].id == missed.id
