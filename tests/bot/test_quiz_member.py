"""Member-facing quiz defects found in the trials (issue 8), each through the real Application."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from bot.quiz_view import feedback_text
from bot.texts import Catalog
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
    assert f"You have answered every published question ({total})" in (await study.send(MEMBER, "/quiz"))[0].plain


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


def _question(**fields: object) -> Question:
    base: dict[str, object] = {"branch_id": 1, "qkey": "q-t", "qtype": "single", "stem": "（　）的总要求",
                               "options": ["甲", "乙"], "answer": ["甲"], "explanation": "", "document": "某文件",
                               "doc_key": "d", "sentence": "", "status": QuestionStatus.PUBLISHED}
    return Question(**{**base, **fields})


def test_the_quoted_source_keeps_its_own_double_quotes() -> None:
    """T3: the source's “立党为公…” showed as ‘立党为公…’ under 原文 (stored one level down, shown without the
    outer marks that level is for)."""
    q = _question(explanation="出自中央党的建设工作领导小组会议。原文：“要全面落实‘立党为公、为民造福’的总要求，"
                              "引用‘“好”’。”",
                  sentence="要全面落实“立党为公、为民造福”的总要求。")
    for lang in ("zh", "en"):
        shown = feedback_text(Catalog.load(), lang, q, True, ("甲",))
        assert "要全面落实“立党为公、为民造福”的总要求，引用“‘好’”。" in shown, shown


async def test_english_titles_are_quoted_once(study: OfflineSession) -> None:
    """T6: an English /plan showed ““五重五轻”，习近平曾这样给错误政绩观“画像””."""
    await join(study)
    await study.send(MEMBER, "/lang en")
    plan = (await study.send(MEMBER, "/plan"))[0].plain
    line = next(line for line in plan.splitlines() if "五重五轻" in line)
    assert "“‘五重五轻’，习近平曾这样给错误政绩观‘画像’”" in line, line
    await study.send(MEMBER, "/lang zh")
    assert "《“五重五轻”，习近平曾这样给错误政绩观“画像”》" in (await study.send(MEMBER, "/plan"))[0].plain
