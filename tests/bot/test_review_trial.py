"""What a user trial of /review found, through the real application over the offline Bot API.

* an edited 单选/多选 stem must still fit its options and answer (H3): a blank kept, its clause the source's;
* an edited 判断 with a blank is refused for that, not as "verbatim" (L8);
* the queue says where the secretary is and when it starts again; a rejection can be undone (L9);
* paging through the queue at a person's pace is never flood-limited, and every press is answered (M6).
"""

from __future__ import annotations

from datetime import timedelta

from bot.callbacks import CallbackData
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from bot.review_card import card_args
from content.questions.text import BLANK, split_attribution
from storage.models import Question, QuestionStatus
from tests.bot.test_review import card_id, counts, join, questions
from tests.factories import SECRETARY_ID


async def edit(session: OfflineSession, question: Question, stem: str) -> SentMessage:
    """Open the edit prompt of ``question`` (as its card's 编辑 does) and send ``stem``; the bot's answer."""
    session.clock.advance(timedelta(seconds=11))  # a person types: the message budget is not the point here
    keyboard = session.api.last_keyboard(SECRETARY_ID)
    assert keyboard is not None
    data = CallbackData("rv", "e", card_args(question)).encode()
    await session.feed(session.api.callback_update(SECRETARY_ID, keyboard.message_id, data))
    answer = (await session.send(SECRETARY_ID, stem))[0]
    await session.send(SECRETARY_ID, "/cancel")  # a refused stem leaves the prompt open
    return answer


def draft(session: OfflineSession, qtype: str, *, blank: bool, answer: str | None = None) -> Question:
    return next(q for q in questions(session).values()
                if q.qtype == qtype and q.status == QuestionStatus.DRAFT and (BLANK in q.stem) == blank
                and (answer is None or q.answer[0] == answer))


async def test_an_edited_choice_stem_must_still_fit_its_options(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    multiple = draft(session, "multiple", blank=True)
    # the shipped bank may hold no 单选 with a blank (bank-final refused its one: 注重（宣传引导）): a 多选's blank
    # is checked the same way
    single = next((q for q in questions(session).values() if q.qtype == "single" and q.status == QuestionStatus.DRAFT
                   and BLANK in q.stem), multiple)

    # the trial's stem: a sentence with no blank, kept options A–D — refused, and the reason says why
    nonsense = "中央党的建设工作领导小组会议强调：省市县乡领导班子换届工作不受学习教育影响。"
    for question in (single, multiple):
        refused = await edit(session, question, nonsense)
        assert "未通过校验" in refused.plain and "保留一个空（　）" in refused.plain, refused.plain
    # a blank kept, but its clause is no longer the source's: the options no longer answer it
    lead, rest = split_attribution(single.stem)
    before, after = rest.split(BLANK)
    changed = lead + before[:-2] + "胡乱" + BLANK + after
    refused = await edit(session, single, changed)
    assert "空格前后的文字" in refused.plain, refused.plain
    # a 判断-like question asked without a blank stays a question
    asked = next((q for q in questions(session).values() if q.qtype == "single" and q.status == QuestionStatus.DRAFT
                  and BLANK not in q.stem and q.stem.endswith("？")), None)
    if asked is not None:
        refused = await edit(session, asked, asked.stem.removesuffix("？") + "。")
        assert "问句" in refused.plain, refused.plain
    stored = questions(session)
    assert all(stored[q.id].stem == q.stem and not stored[q.id].edited for q in (single, multiple))

    # a rewording that keeps what the options fill is still accepted
    saved = await edit(session, single, "学习材料指出：" + rest)
    assert "题干已更新" in saved.plain and questions(session)[single.id].stem == "学习材料指出：" + rest


async def test_a_false_statement_edited_with_a_blank_is_refused_for_the_blank(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    # the shipped bank may hold only true 判断 (round 13 balances polarity per list): any 判断 is checked alike
    statement = draft(session, "truefalse", blank=False)
    _, rest = split_attribution(statement.stem)
    cut = next(i for i, ch in enumerate(rest) if ch == "，") + 1  # the trial: a clause replaced by （　）
    with_blank = rest[:cut] + BLANK + rest[cut + 4:]
    refused = await edit(session, statement, with_blank)
    assert "不能有空（　）" in refused.plain and "一字不差" not in refused.plain, refused.plain
    assert questions(session)[statement.id].stem == statement.stem


async def test_the_queue_shows_its_place_says_when_it_wraps_and_a_rejection_can_be_undone(
        session: OfflineSession) -> None:
    await join(session)
    total = counts(session)["draft"]
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    assert f"第 1/{total} 道" in shown.plain
    seen = [card_id(shown)]
    for place in range(2, total + 1):
        session.clock.advance(timedelta(seconds=1))  # a secretary reads each card: the walk is not a flood
        card = (await session.press(SECRETARY_ID, 4))[0]
        assert f"第 {place}/{total} 道" in card.plain and "最后一道" not in card.plain
        seen.append(card_id(card))
    assert len(set(seen)) == total  # each draft once, in one walk
    back = (await session.press(SECRETARY_ID, 4))[0]
    assert "已看到最后一道" in back.plain and f"第 1/{total} 道" in back.plain and card_id(back) == seen[0]

    rejected, following = await session.press(SECRETARY_ID, 2)
    assert "已拒绝" in rejected.plain and [b.text for b in rejected.button_list()] == ["↩️ 撤销拒绝"]
    assert card_id(following) == seen[1]  # the walk goes on
    assert questions(session)[seen[0]].status == QuestionStatus.REJECTED
    undo = rejected.button_list()[0].callback_data
    assert undo is not None
    restored = await session.feed(session.api.callback_update(SECRETARY_ID, rejected.message_id, undo))
    assert restored[0].message_id == rejected.message_id and len(restored[0].button_list()) == 4
    assert questions(session)[seen[0]].status == QuestionStatus.DRAFT
    assert counts(session)["draft"] == total
    again = session.api.callback_update(SECRETARY_ID, rejected.message_id, undo)  # a stale second tap
    await session.feed(again)
    assert "无需撤销" in session.api.callback_answers[again["callback_query"]["id"]].get("text", "")
    assert not session.api.unanswered_callbacks()


async def test_paging_at_a_persons_pace_is_not_flood_limited_but_hammering_is(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    for _ in range(9):  # the trial: nine presses of 下一题 within ten seconds
        session.clock.advance(timedelta(seconds=1))
        assert (await session.press(SECRETARY_ID, 4))[0].kind == "edit"
    session.clock.advance(timedelta(seconds=11))
    toasts = []
    for _ in range(60):  # a script, all in the same instant: stopped, yet every press is answered
        update = session.api.callback_update(SECRETARY_ID, session.api.last_keyboard(SECRETARY_ID).message_id,
                                             CallbackData("rv", "n", (str(card_id(session.api.messages_to(
                                                 SECRETARY_ID)[-1])),)).encode())
        await session.feed(update)
        toasts.append(session.api.callback_answers[update["callback_query"]["id"]].get("text") or "")
    limited = [t for t in toasts if "太频繁" in t]
    assert 0 < len(limited) < 60 and all("太频繁" in t for t in toasts[-len(limited):])
    assert not session.api.unanswered_callbacks()
