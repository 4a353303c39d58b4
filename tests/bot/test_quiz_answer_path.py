"""The quiz answer path (``storage.quiz_answer``): questions kept in memory are never answered stale, and an
answer stays a handful of statements (what the benchmark's speed rests on)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.db import Database
from storage.models import Question, QuestionStatus, QuizAnswer
from tests.bot.study_helpers import (
    MEMBER,
    OTHER,
    answer,
    answer_until,
    current,
    db_of,
    feedback_of,
    join,
    right_indices,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)

_Q = Question.__table__  # type: ignore[attr-defined]


async def _first_answered(study: OfflineSession) -> Question:
    """The member answers question 1 (which reads question 2 into memory, to ask it); question 2 comes back."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)
    return current(study, MEMBER)[1]


def _recorded(study: OfflineSession) -> int:
    with db_of(study).session() as s:
        return len(s.exec(select(QuizAnswer.id)).all())


async def test_a_question_retired_by_another_process_is_not_answered_from_memory(study: OfflineSession,
                                                                                   db_url: str) -> None:
    second = await _first_answered(study)
    other = Database(db_url)  # another process: the bot's write generations do not see this write
    with other.session() as s:
        s.execute(update(_Q).where(_Q.c.id == second.id).values(status=QuestionStatus.RETIRED))
    other.dispose()
    replies = await answer(study, MEMBER, right=True)
    assert any("撤下" in m.plain for m in replies)
    assert _recorded(study) == 1  # only question 1's answer


async def test_a_question_edited_by_another_process_shows_its_new_wording(study: OfflineSession,
                                                                          db_url: str) -> None:
    second = await _first_answered(study)
    other = Database(db_url)
    with other.session() as s:
        row = s.get(Question, second.id)
        assert row is not None
        row.stem = row.stem + "（书记改过）"
        row.updated_at = row.updated_at + timedelta(seconds=1)
        s.add(row)
    other.dispose()
    replies = await answer(study, MEMBER, right=True)
    assert any("（书记改过）" in m.plain for m in replies), [m.plain for m in replies]
    assert _recorded(study) == 2


async def test_a_question_changed_by_this_process_is_read_again_even_with_the_same_timestamp(
        study: OfflineSession) -> None:
    second = await _first_answered(study)
    with db_of(study).session() as s:  # a Core write that leaves updated_at alone: the generation moves
        s.execute(update(_Q).where(_Q.c.id == second.id).values(stem=second.stem + "（同一进程）"))
    replies = await answer(study, MEMBER, right=True)
    assert any("（同一进程）" in m.plain for m in replies), [m.plain for m in replies]


async def test_a_tap_is_a_handful_of_statements_and_no_orm_flush(study: OfflineSession) -> None:
    """Once the caller and the questions are in memory, a tap's answer is: the session row, the question
    status with the card, the position UPDATE, the answer INSERT, the card write (a finished session adds
    the 错题本 count) — nothing the ORM's unit of work would add around them."""
    await join(study, OTHER, MEMBER)
    await study.send(OTHER, "/quiz")  # the same five questions, answered first: all of them are in memory
    for _ in range(5):
        await answer(study, OTHER, right=True)
    await study.send(MEMBER, "/quiz")
    await answer(study, MEMBER, right=True)  # and so is the member, as the caller
    q = await answer_until(study, MEMBER, "single", "truefalse")  # fails when the quiz ends without one
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    flushes: list[object] = []

    def flushed(session: Any, *_args: Any) -> None:
        flushes.append(session)

    engine = db_of(study).engine
    event.listen(engine, "before_cursor_execute", seen)
    event.listen(OrmSession, "before_flush", flushed)
    try:
        await study.press(MEMBER, right_indices(q)[0] + 1)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        event.remove(OrmSession, "before_flush", flushed)
    assert flushes == []  # Core statements only: no unit of work to compute
    assert not any("question.stem" in s for s in statements), statements  # the wording came from memory
    assert any(s.lstrip().upper().startswith("INSERT INTO QUIZANSWER") for s in statements), statements
    assert len(statements) <= 6, statements


def _calls_since(study: OfflineSession, start: int) -> list[str]:
    return [c.method for c in study.api.calls[start:]]


async def test_a_tap_is_one_edit_showing_the_feedback_and_then_the_next_question(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    q = await answer_until(study, MEMBER, "single", "truefalse")
    place = current(study, MEMBER)[0].position + 1
    keyboard = study.api.last_keyboard(MEMBER)
    assert keyboard is not None
    start = len(study.api.calls)
    replies = await study.press(MEMBER, right_indices(q)[0] + 1)
    assert sorted(_calls_since(study, start)) == ["answerCallbackQuery", "editMessageText"]
    [edited] = [m for m in replies if m.message_id == keyboard.message_id]
    text = edited.plain
    # the answered question with its feedback and source first, the next question below it, with its buttons
    assert text.index(f"第 {place}/5 题") < text.index("回答正确") < text.index(f"第 {place + 1}/5 题")
    feedback_of([edited], q)
    after = study.api.last_keyboard(MEMBER)
    nxt = current(study, MEMBER)[1]
    if nxt.qtype != "fill":
        assert after is not None and after.message_id == keyboard.message_id and after.buttons()


async def test_a_double_tap_on_the_rolled_message_leaves_the_next_questions_buttons(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    q = await answer_until(study, MEMBER, "single", "truefalse")
    keyboard = study.api.last_keyboard(MEMBER)
    assert keyboard is not None
    data = keyboard.buttons()[right_indices(q)[0]].callback_data
    assert data is not None
    await study.press(MEMBER, right_indices(q)[0] + 1)
    rolled = study.api.last_keyboard(MEMBER)
    await study.feed(study.api.callback_update(MEMBER, keyboard.message_id, data))  # the same button again
    assert study.api.last_keyboard(MEMBER) == rolled
    with db_of(study).session() as s:
        assert len(s.exec(select(QuizAnswer.id)).all()) == current(study, MEMBER)[0].position


async def test_a_typed_answer_is_one_reply_with_the_feedback_and_the_next_step(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer_until(study, MEMBER, "fill")
    quiz, q = current(study, MEMBER)
    start = len(study.api.calls)
    replies = await study.send(MEMBER, q.answer[0])
    assert _calls_since(study, start) == ["sendMessage"]
    text = replies[0].plain
    following = f"第 {quiz.position + 2}/5 题" if quiz.position + 1 < 5 else "5 题答对"
    assert text.index("回答正确") < text.index(following)
    feedback_of(replies, q)


async def test_feedback_and_next_question_too_long_for_one_message_go_apart(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    q = await answer_until(study, MEMBER, "single", "truefalse")
    quiz = current(study, MEMBER)[0]
    assert quiz.position + 1 < 5, "a tap question with one after it"
    with db_of(study).session() as s:  # the next question's stem is very long (the bank allows it)
        s.execute(update(_Q).where(_Q.c.id == quiz.question_ids[quiz.position + 1]).values(stem="很长的题干" * 760))
    start = len(study.api.calls)
    replies = await study.press(MEMBER, right_indices(q)[0] + 1)
    assert sorted(_calls_since(study, start)) == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "回答正确" in replies[0].plain and "很长的题干" not in replies[0].plain
    assert all(len(m.plain) <= 4096 for m in replies)
    assert f"第 {quiz.position + 2}/5 题" in replies[-1].plain


async def test_an_answer_records_the_revision_it_was_given_to_even_when_the_wording_was_in_memory(
        study: OfflineSession, db_url: str) -> None:
    second = await _first_answered(study)
    other = Database(db_url)  # a revision made elsewhere, its timestamp untouched
    with other.session() as s:
        s.execute(update(_Q).where(_Q.c.id == second.id).values(revision=2, stem=second.stem + "（第二版）"))
    other.dispose()
    if second.qtype != "fill":
        # its buttons were drawn under revision 1 and the store now knows only revision 2 as the one shown (the
        # timestamp untouched): a tap is refused as stale (review R3); had memory served revision 1, it counted
        before = _recorded(study)
        await study.press(MEMBER, 1)
        assert _recorded(study) == before
        await study.send(MEMBER, "/quiz")  # shown again: revision 2's buttons
    replies = await answer(study, MEMBER, right=True)
    assert any("（第二版）" in m.plain for m in replies)
    with db_of(study).session() as s:
        row = s.exec(select(QuizAnswer).where(QuizAnswer.question_id == second.id)).one()
        assert row.revision == 2
