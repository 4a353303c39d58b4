"""Quizzes through the real application over the offline Bot API, on SQLite and PostgreSQL.

A member answers every type the way a phone lets them (one tap, toggles and 提交, typed text with stray
punctuation), sees the source sentence after each answer, and nothing they tap twice, late, or on someone
else's message records a second answer.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import (
    Member,
    MemberStatus,
    Question,
    QuestionStatus,
    QuizAnswer,
    QuizSession,
    QuizSessionState,
    ReviewItem,
)
from tests.bot.study_helpers import (
    MEMBER,
    OTHER,
    answer,
    answer_until,
    current,
    db_of,
    feedback_of,
    finish_quiz,
    join,
    member_of,
    right_indices,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)
from tests.factories import SECRETARY_ID


def answers(session: OfflineSession) -> list[QuizAnswer]:
    with db_of(session).session() as s:
        return list(s.exec(select(QuizAnswer).order_by(QuizAnswer.id)))  # type: ignore[arg-type]


def cards(session: OfflineSession) -> dict[int, ReviewItem]:
    with db_of(session).session() as s:
        return {c.question_id: c for c in s.exec(select(ReviewItem))}


async def test_a_quiz_mixes_all_four_types_and_explains_each_answer_from_its_source(
        study: OfflineSession, clock: FakeClock) -> None:
    await join(study)
    await study.send(MEMBER, "/today")
    started = await study.send(MEMBER, "/quiz")
    assert "共 5 题" in started[0].plain and "第 1/5 题" in started[-1].plain
    seen: list[Question] = []
    for n in range(5):
        _, q = current(study, MEMBER)
        seen.append(q)
        replies = await answer(study, MEMBER, right=n % 2 == 0)
        feedback = feedback_of(replies, q)
        assert ("回答正确" if n % 2 == 0 else "回答错误") in feedback.plain
        assert "正确答案：" in feedback.plain
    assert {q.qtype for q in seen} == {"single", "multiple", "truefalse", "fill"}
    assert "5 题答对 3 题" in replies[-1].plain and "/wrong" in replies[-1].plain
    rows = answers(study)
    assert [a.correct for a in rows] == [True, False, True, False, True]
    assert [a.question_id for a in rows] == [q.id for q in seen]
    by_question = cards(study)
    now = clock.now()
    for q, row in zip(seen, rows, strict=True):
        card = by_question[q.id]  # type: ignore[index]
        assert card.in_wrongbook is (not row.correct) and card.reps == 1 and card.stability is not None
        assert card.due_at == now + timedelta(days=1) if not row.correct else card.due_at >= now + timedelta(days=2)


async def test_typed_answers_are_normalised_and_other_text_passes_on(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    q = await answer_until(study, MEMBER, "fill")
    typed = "　" + q.answer[0].replace("", " ").strip() + "！"  # spaces between characters, full-width bang
    replies = await study.send(MEMBER, typed)
    assert "回答正确" in replies[0].plain
    # outside a 填空, text is not an answer: a choice question asks for a tap, no session means the usual reply
    before = len(answers(study))
    if current(study, MEMBER)[1].qtype != "fill":
        assert "按钮" in (await study.send(MEMBER, "A"))[-1].plain
    assert len(answers(study)) == before
    await finish_quiz(study, MEMBER)
    assert "发送 /help" in (await study.send(MEMBER, "你好"))[-1].plain  # no quiz: the usual answer to text


def toast(session: OfflineSession, update: dict[str, object]) -> str | None:
    query = update["callback_query"]
    assert isinstance(query, dict)
    answered = session.api.callback_answers.get(query["id"])
    assert answered is not None, "the callback query was not answered"
    return answered["text"]


async def test_double_taps_retries_and_redelivered_text_record_one_answer(study: OfflineSession) -> None:
    await join(study, MEMBER, OTHER)
    await study.send(MEMBER, "/quiz")
    await answer_until(study, MEMBER, "single", "truefalse")
    recorded = len(answers(study))
    _, q = current(study, MEMBER)
    keyboard = study.api.last_keyboard(MEMBER)
    assert keyboard is not None
    data = keyboard.buttons()[right_indices(q)[0]].callback_data
    assert data is not None
    # someone else's button (a forwarded or forged quiz message): a polite answer, nothing recorded
    forged = study.api.callback_update(OTHER, keyboard.message_id, data, chat_id=MEMBER)
    assert not [m for m in await study.feed(forged) if m.kind == "message"]
    assert "不是您的答题" in (toast(study, forged) or "")
    assert len(answers(study)) == recorded
    first = await study.press(MEMBER, right_indices(q)[0] + 1)
    assert any("回答正确" in m.plain for m in first)
    # the same button again (a double tap, or Telegram retrying the callback): one answer, one feedback
    retried = study.api.callback_update(MEMBER, keyboard.message_id, data)
    again = await study.feed(retried)
    assert not [m for m in again if m.kind == "message"]
    assert "已经答过" in (toast(study, retried) or "")
    assert len(answers(study)) == recorded + 1
    # a typed 填空 answer redelivered by Telegram after the quiz moved on does not answer the next question
    fill = await answer_until(study, MEMBER, "fill")
    update = study.api.message_update(MEMBER, fill.answer[0])
    await study.feed(update)
    count = len(answers(study))
    redelivered = await study.feed(update)
    assert not redelivered and len(answers(study)) == count


async def test_an_idle_session_expires_and_a_restart_resumes_an_active_one(study: OfflineSession,
                                                                          clock: FakeClock) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)
    quiz, q = current(study, MEMBER)
    resumed = await study.send(MEMBER, "/quiz")
    assert "继续上次的答题：第 2/5 题" in resumed[0].plain and "第 2/5 题" in resumed[-1].plain
    assert current(study, MEMBER)[0].id == quiz.id
    stale = study.api.last_keyboard(MEMBER)
    clock.advance(timedelta(minutes=31))
    if stale is not None and stale.buttons():  # a tap after the idle time: the session has ended
        data = stale.buttons()[0].callback_data
        assert data is not None
        late = study.api.callback_update(MEMBER, stale.message_id, data)
        assert not [m for m in await study.feed(late) if m.kind == "message"]
        assert "已经结束" in (toast(study, late) or "")
    else:  # a 填空 typed after the idle time is not taken as an answer
        assert "回答" not in (await study.send(MEMBER, q.answer[0]))[-1].plain
    with db_of(study).session() as s:
        ended = s.get(QuizSession, quiz.id)
        assert ended is not None and ended.state == QuizSessionState.EXPIRED
    fresh = await study.send(MEMBER, "/quiz")
    assert "开始答题" in fresh[0].plain
    assert current(study, MEMBER)[0].id != quiz.id
    assert len(answers(study)) == 1


async def test_quiz_after_the_idle_time_says_the_old_quiz_ended_before_starting_a_new_one(
        study: OfflineSession, clock: FakeClock) -> None:
    """U19: a quiz stopped days ago is not silently replaced — /quiz says where it stopped and why it is new."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)
    old, _ = current(study, MEMBER)
    clock.advance(timedelta(days=11))  # untouched since: no stale tap ended it
    fresh = await study.send(MEMBER, "/quiz")
    texts = [m.plain for m in fresh]
    assert "上次的答题停在第 2/5 题" in texts[0] and "30 分钟" in texts[0], texts
    assert "开始答题" in texts[1] and current(study, MEMBER)[0].id != old.id
    with db_of(study).session() as s:
        ended = s.get(QuizSession, old.id)
        assert ended is not None and ended.state == QuizSessionState.EXPIRED
    assert len(answers(study)) == 1
    again = await study.send(MEMBER, "/quiz")  # the new one is resumed, with no word about the old
    assert "继续上次的答题：第 1/5 题" in again[0].plain and not any("停在" in m.plain for m in again)


async def test_the_english_wrong_book_says_how_a_question_leaves_it(study: OfflineSession) -> None:
    """U9: "(right twice in a row and it leaves)" read as if the member left."""
    await join(study)
    await study.send(MEMBER, "/lang en")
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=False)
    header = (await study.send(MEMBER, "/wrong"))[0].plain
    assert "a question leaves the book once you answer it right twice in a row" in header, header


async def test_a_withdrawn_question_is_skipped_and_records_nothing(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    _, q = current(study, MEMBER)
    with db_of(study).session() as s:
        row = s.get(Question, q.id)
        assert row is not None
        row.status = QuestionStatus.RETIRED
        s.add(row)
    replies = await answer(study, MEMBER, right=True)
    assert any("撤下" in m.plain for m in replies) and "第 2/5 题" in replies[-1].plain
    assert answers(study) == []
    assert member_of(study, MEMBER).id is not None
    assert current(study, MEMBER)[0].state == QuizSessionState.ACTIVE


async def test_the_wrong_book_lists_mistakes_and_a_retry_takes_one_out_after_two_right_answers(
        study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    _, missed = current(study, MEMBER)
    await answer(study, MEMBER, right=False)
    tomorrow = (study.clock.now() + timedelta(days=1)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d")
    assert f"（{tomorrow} 复习）" in (await study.send(MEMBER, "/wrong"))[0].plain  # Again: back tomorrow
    study.clock.advance(timedelta(days=2))
    assert "（已到复习时间）" in (await study.send(MEMBER, "/wrong"))[0].plain  # a past day reads as due now
    for attempt in (1, 2):
        listing = (await study.send(MEMBER, "/wrong"))[0]
        assert "错题本：1 道" in listing.plain and listing.button_list()[0].text == "重做 1"
        asked = await study.press(MEMBER, 1)
        assert "第 1/1 题" in asked[-1].plain and current(study, MEMBER)[1].id == missed.id
        replies = await answer(study, MEMBER, right=True)
        assert any("回答正确" in m.plain for m in replies) and "1 题全部答对" in replies[-1].plain
        assert cards(study)[missed.id].streak == attempt  # type: ignore[index]
    assert "错题本是空的" in (await study.send(MEMBER, "/wrong"))[0].plain
    assert [a.correct for a in answers(study) if a.question_id == missed.id] == [False, True, True]


async def test_a_typed_answer_with_control_characters_is_graded_and_stored_cleanly(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    q = await answer_until(study, MEMBER, "fill")
    replies = await study.send(MEMBER, f"\x00{q.answer[0]}\u202e\ud800")
    assert any("回答正确" in m.plain for m in replies)
    assert answers(study)[-1].chosen == [q.answer[0]]


async def test_a_member_removed_mid_quiz_cannot_answer_the_next_question(study: OfflineSession) -> None:
    """Who is speaking is kept between taps (a quiz costs no lookup per tap), but never past a change of
    their membership: the tap after a removal is refused and records nothing."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)
    await answer(study, MEMBER, right=True)  # the member was looked up for these taps and kept
    assert len(answers(study)) == 2
    member = member_of(study, MEMBER)
    await study.send(SECRETARY_ID, f"/remove {member.id}")
    await study.press(SECRETARY_ID, 1)
    assert member_of(study, MEMBER).status == "left"
    keyboard = study.api.last_keyboard(MEMBER)
    if keyboard is not None and keyboard.buttons():
        data = keyboard.buttons()[0].callback_data
        assert data is not None
        tap = study.api.callback_update(MEMBER, keyboard.message_id, data)
        assert not [m for m in await study.feed(tap) if m.kind == "message"]
        assert "您还没有加入支部" in (toast(study, tap) or "")
    else:  # a 填空 waits: typed text is no longer an answer
        await study.send(MEMBER, current(study, MEMBER)[1].answer[0])
    assert len(answers(study)) == 2
    # a change written by any code of the process counts, not only the roster's: the member restored by
    # hand (straight into the store), now speaking English, is seen so on the next update
    with db_of(study).session() as s:
        row = s.get(Member, member.id)
        assert row is not None
        row.status, row.language = MemberStatus.ACTIVE, "en"
        s.add(row)
    assert "Resuming your quiz" in (await study.send(MEMBER, "/quiz"))[0].plain


async def test_true_false_buttons_speak_the_members_language(study: OfflineSession) -> None:
    """The trial found an English member's 判断 buttons still reading 正确 / 错误."""
    await join(study)
    await study.send(MEMBER, "/lang en")
    shown = await study.send(MEMBER, "/quiz")
    while current(study, MEMBER)[1].qtype != "truefalse":
        shown = await answer(study, MEMBER, right=True)
    labels = [b.text for b in shown[-1].button_list()]
    assert labels == ["✔️ True", "✖️ False"], labels
    _, q = current(study, MEMBER)
    feedback = next(m for m in await study.press(MEMBER, 1) if "Correct answer:" in m.plain).plain
    # F3: the feedback speaks English too: the tap and the right answer read True / False, not 正确 / 错误
    assert "Your answer: True" in feedback, feedback
    assert f"Correct answer: {'True' if q.answer[0] == '正确' else 'False'}" in feedback, feedback
    said = [line for line in feedback.splitlines() if line.startswith(("Your answer", "Correct answer", "✅", "❌"))]
    assert len(said) == 3 and not any("正确" in line or "错误" in line for line in said), said
