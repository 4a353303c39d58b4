"""Member-facing quiz defects found in the trials (issue 8), each through the real Application."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from bot.quiz_view import feedback_text
from bot.texts import Catalog
from content.grading import normalise
from storage.models import Question, QuestionStatus, ReviewItem
from tests.bot.study_helpers import (
    MEMBER,
    answer,
    answer_until,
    current,
    db_of,
    finish_quiz,
    join,
    member_of,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
    waiting,
)
from tests.factories import SECRETARY_ID

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
        await finish_quiz(study, MEMBER)
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
    await finish_quiz(study, MEMBER)
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


async def test_multiple_choice_feedback_lists_each_option_once_marked(study: OfflineSession) -> None:
    """T4: a 多选's feedback repeated the options (asked, then the right ones again on separate lines)."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    q = await answer_until(study, MEMBER, "multiple")
    good = [i for i, o in enumerate(q.options) if o in q.answer]
    bad = next(i for i in range(len(q.options)) if i not in good)
    await study.press(MEMBER, bad + 1)
    await study.press(MEMBER, good[0] + 1)
    replies = await study.press(MEMBER, len(q.options) + 1)
    shown = next(m.plain for m in replies if "正确答案：" in m.plain)
    letters = "ABCDEFGHI"
    assert f"正确答案：{''.join(letters[i] for i in good)}\n" in shown, shown
    for i, option in enumerate(q.options):
        assert shown.count(f"{letters[i]}. {option}") == 1, (option, shown)
        mark = "✅" if i == good[0] else "⭕" if i in good else "❌" if i == bad else "▫️"
        assert f"{mark} {letters[i]}. {option}" in shown, (mark, option, shown)
    assert "✅ 选对" in shown and f"您的答案：{''.join(sorted(letters[bad] + letters[good[0]]))}" in shown


async def test_me_counts_study_days_as_plan_and_stats_do(study: OfflineSession) -> None:
    """T2: a member who only answered questions read 学习天数 1 beside 已学完 0/58 (and /plan 0 read)."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)
    me = (await study.send(MEMBER, "/me"))[0].plain
    assert "学习天数：0 天" in me and "答题天数：1 天 · 连续学习或答题 1 天" in me and "已学完：0/" in me, me
    assert "学完 0 段" in (await study.send(MEMBER, "/plan"))[0].plain
    await study.send(MEMBER, "/today")
    await study.press(MEMBER, 1)  # 学完了
    me = (await study.send(MEMBER, "/me"))[0].plain
    assert "学习天数：1 天" in me and "已学完：1/" in me and "连续学习或答题 1 天" in me, me


async def test_plan_says_where_the_member_is_what_is_next_and_how_many_are_left(study: OfflineSession) -> None:
    """F60: /plan said "全部学完" once everything had merely been sent, and its per-document figure mixed
    sent and done."""
    await join(study)
    await study.send(MEMBER, "/today")
    await study.press(MEMBER, 1)  # 学完了
    await study.send(MEMBER, "/study")
    plan = (await study.send(MEMBER, "/plan"))[0].plain
    total = int(plan.split("共 ")[1].split(" 段")[0])
    assert f"共 {total} 段，已推送 2 段，其中学完 1 段；还有 {total - 2} 段未推送" in plan, plan
    assert "已推送 2/" in plan.splitlines()[1] and plan.splitlines()[1].endswith("学完 1"), plan
    assert f"下一段：第 3/{total} 段" in plan
    for _ in range(total - 2):
        await study.send(MEMBER, "/study")
    plan = (await study.send(MEMBER, "/plan"))[0].plain
    assert f"计划中的 {total} 段已全部推送，还有 {total - 1} 段没有点“学完了”" in plan and "学完。" not in plan, plan
    text = ("关于加强支部学习的补充材料\n来源：支部\n2026年3月22日\n"
            + "支部全体党员要坚持每天学习一段材料，做到学思用贯通、知信行统一。" * 8).encode()
    await study.upload(SECRETARY_ID, "补充材料.txt", text)
    plan = (await study.send(MEMBER, "/plan"))[0].plain
    added = int(plan.split("共 ")[1].split(" 段")[0]) - total
    assert added > 0 and f"已推送 {total} 段，其中学完 1 段；还有 {added} 段未推送" in plan, plan
    assert "下一段：第" in plan and "补充材料" in plan.split("下一段：")[1], plan
    await study.send(MEMBER, "/lang en")
    assert f"{added} still to come" in (await study.send(MEMBER, "/plan"))[0].plain


def _source_lines(feedback: str) -> str:
    """The part of a feedback message that quotes the source: what a member reads after answering."""
    keep = ("原文：", "原句：", "出自：", "出处：", "解析：")
    return normalise("".join(line for line in feedback.splitlines() if line.startswith(keep)))


async def test_no_feedback_gives_away_a_later_answer_of_the_same_session(study: OfflineSession) -> None:
    """F1: the source quoted after one question held the answer of a question asked later in the session."""
    await join(study)
    total = _published(study)
    sessions = 0
    while sessions <= total:
        if "开始答题" not in (await study.send(MEMBER, "/quiz"))[0].plain:
            break
        sessions += 1
        read = ""  # every source the member has read so far in this session
        while waiting(study, MEMBER):
            _, q = current(study, MEMBER)
            if q.qtype != "truefalse":
                for secret in (normalise(a) for a in q.answer):
                    assert len(secret) < 2 or secret not in read, (q.stem, secret)
            replies = await answer(study, MEMBER, right=False)
            read += _source_lines(next(m.plain for m in replies if "正确答案：" in m.plain))
    with db_of(study).session() as s:
        assert len(s.exec(select(ReviewItem)).all()) == total  # every question was still asked, in some session
