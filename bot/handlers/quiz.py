"""Quizzes in private chat, the 错题本 and the daily nudge (quiz polls in the group: ``group_quiz``).

::

    /quiz ──▶ resume the session in progress, or start one (due reviews first) ──▶ question 1
      单选 / 判断: one tap ─┐
      多选: ✓ toggles, 提交 ─┼─▶ storage.quiz_answer ──▶ feedback (answer, explanation, source sentence)
      填空: typed text ─────┘                         ──▶ next question … ──▶ summary
    /wrong ──▶ the 错题本, a 重做 button per question (a one-question session)
    tick ──produce_quiz_nudges──▶ "quiz_nudge" row ──▶ 开始答题 button (at most one a day, not in quiet hours)

Typed answers are read by a handler in the conversation group (it sees text before the features'
catch-all): it consumes the text only when the member's session waits for a 填空, and otherwise lets it
pass.  Every outcome that records nothing (someone else's button, an ended session, a question withdrawn
meanwhile, a repeated tap) gets a polite answer.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from functools import partial

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.callbacks import CallbackData, decode, pattern
from bot.commands import Command, guarded_callback, said_by_edit
from bot.context import MESSAGE_LIMIT, Caller, Services, load_caller, reply, services
from bot.feature import Feature
from bot.quiz_view import (
    QUIZ,
    answered_text,
    nothing_text,
    nudge_markup,
    question_markup,
    question_text,
    summary_text,
    wrongbook_markup,
    wrongbook_text,
)
from bot.texts import Safe
from scheduler import study_push
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing
from storage import quiz as quiz_store
from storage import quiz_answer, quiz_state
from storage import study as study_store
from storage.models import Delivery, Member, MemberStatus, Question, QuestionStatus, QuizSession, Role

MAX_POSITION = 100  # callback data bounds: a question's place in a session (0-based) ...
MAX_OPTIONS = 9  # ... and an option's index


def _end_of_day(svc: Services, now: datetime) -> datetime:
    """Where the member's local day ends: a card due today is due all day."""
    return study_store.day_bounds(study_store.local_day(now, svc.settings.tz), svc.settings.tz)[1]


def _idle(svc: Services) -> timedelta:
    return timedelta(minutes=svc.settings.study.idle_minutes)


async def _ask(update: Update, svc: Services, caller: Caller, quiz: QuizSession) -> None:
    """Send the question the session waits for, or the summary when it is over (reads the store)."""
    question = await svc.db.run(quiz_store.current_question, quiz=quiz)
    wrong = 0
    if question is None:
        assert caller.member is not None and caller.member.id is not None
        wrong = await svc.db.run(quiz_store.wrongbook_size, member_id=caller.member.id)
    await _send_next(update, svc, caller, quiz, question, wrong)


async def _send_next(update: Update, svc: Services, caller: Caller, quiz: QuizSession, question: Question | None,
                     wrong_total: int) -> None:
    if question is None:
        await reply(update, summary_text(svc.texts, caller.lang, quiz, wrong_total))
        return
    await reply(update, question_text(svc.texts, caller.lang, quiz, question),
                reply_markup=question_markup(svc.texts, caller.lang, quiz, question))


async def _start(update: Update, svc: Services, caller: Caller, *, resume: bool = True) -> None:
    assert caller.member is not None and caller.member.id is not None
    now = svc.clock.now()
    current, lapsed = await svc.db.run(quiz_store.resumable_session, member_id=caller.member.id, now=now,
                                       idle=_idle(svc))
    if current is not None and resume and current.id is not None:
        # shown again now: idle expiry and grading count from this showing, stale 多选 ticks are dropped
        shown = await svc.db.run(quiz_store.show_again, quiz_id=current.id, now=now)
        if shown is not None:
            await reply(update, svc.texts.t("quiz.resumed", caller.lang, number=shown.position + 1,
                                            total=len(shown.question_ids)))
            await _ask(update, svc, caller, shown)
            return
    if lapsed is not None:  # left too long: a new quiz follows, and the member is told why it is not the old one
        await reply(update, svc.texts.t("quiz.lapsed", caller.lang, number=lapsed.position + 1,
                                        total=len(lapsed.question_ids), minutes=svc.settings.study.idle_minutes))
    quiz = await svc.db.run(quiz_store.start_session, member=caller.member, now=now, due_by=_end_of_day(svc, now),
                            size=svc.settings.study.quiz_size)
    if quiz is None:
        why = await svc.db.run(quiz_state.nothing_to_ask, member_id=caller.member.id, branch_id=caller.member.branch_id)
        await reply(update, nothing_text(svc.texts, caller.lang, why, svc.settings.tz))
        return
    reviews = len(quiz.review_ids)
    await reply(update, svc.texts.t("quiz.started_reviews" if reviews else "quiz.started", caller.lang,
                                    total=len(quiz.question_ids), reviews=reviews))
    await _ask(update, svc, caller, quiz)


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/quiz`` — resume the session in progress, or start a new one of N questions."""
    await _start(update, services(context), caller)


async def go_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData) -> None:
    """开始答题 / 做几道题 under a nudge or a snippet: the same as /quiz."""
    await _start(update, services(context), caller)


# --------------------------------------------------------------------------- answering


def _next_step(svc: Services, caller: Caller, result: quiz_store.AnswerResult
               ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """What follows an answer: the next question with its buttons, or the summary."""
    assert result.quiz is not None
    if result.next_question is None:
        return summary_text(svc.texts, caller.lang, result.quiz, result.wrong_total), None
    return (question_text(svc.texts, caller.lang, result.quiz, result.next_question),
            question_markup(svc.texts, caller.lang, result.quiz, result.next_question))


async def _after_answer(update: Update, svc: Services, caller: Caller, result: quiz_store.AnswerResult) -> str | None:
    """Feedback and the next step for an answer that moved the session on; otherwise the polite word to show
    (as a toast).

    One message carries both: the answered question with its feedback (verdict, answer, source sentence),
    then the next question with its buttons (or the summary).  A tap turns the tapped message into it (one
    edit: the buttons answered go, the next question's come); a typed answer gets it as one reply.  So an
    answer costs one Bot API call besides the callback answer, not an edit plus a new message — the
    feedback stays on screen, right above the question it leads to, until that one is answered in turn.
    Too long for one message (a very long stem or sentence): the feedback and the next step go apart."""
    lang = caller.lang
    out = quiz_store.Outcome
    if result.outcome not in (out.RECORDED, out.WITHDRAWN) or result.quiz is None:
        return svc.texts.plain(f"quiz.toast.{result.outcome.value}", lang)
    if result.outcome == out.RECORDED and result.question is not None:
        text = answered_text(svc.texts, lang, result.quiz, result.question, result.number, result.correct,
                             result.chosen)
        toast = svc.texts.plain("quiz.right" if result.correct else "quiz.wrong", lang)
    else:
        text, toast = svc.texts.t("quiz.withdrawn", lang), svc.texts.plain("quiz.toast.withdrawn", lang)
    following, markup = _next_step(svc, caller, result)
    together = Safe(f"{text}\n\n{following}")
    parts = [together] if len(together) <= MESSAGE_LIMIT else [text, following]
    query = update.callback_query
    edited = False
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(parts[0], reply_markup=markup if len(parts) == 1 else None)
            edited = True
            said_by_edit(parts[0])  # the verdict is on the message: no toast repeating it
        except BadRequest:  # the message can no longer be edited: say it below instead
            pass
    for n, part in enumerate(parts[1:] if edited else parts):
        last = n == len(parts) - (2 if edited else 1)
        await reply(update, part, reply_markup=markup if last else None)
    return toast


def _shows(update: Update, data: CallbackData) -> bool:
    """Whether the tapped message still carries the keyboard of the question tapped (and not, since the
    answer, the next question's: a double tap must not take those away)."""
    query = update.callback_query
    message = query.message if query is not None else None
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return False
    for row in markup.inline_keyboard:
        for button in row:
            shown = decode(button.callback_data if isinstance(button.callback_data, str) else None)
            if shown is not None and shown.feature == QUIZ and shown.args[:2] == data.args[:2]:
                return True
    return False


# outcomes after which the tapped message's buttons can never do anything again
_DROP_BUTTONS = (quiz_store.Outcome.ALREADY, quiz_store.Outcome.EXPIRED, quiz_store.Outcome.STALE)


async def _drop_buttons(update: Update, data: CallbackData) -> None:
    query = update.callback_query
    if query is not None and query.message is not None and _shows(update, data):
        with contextlib.suppress(BadRequest):  # already without them (a double tap)
            await query.edit_message_reply_markup(None)


def _revision(data: CallbackData, index: int) -> int | None:
    """The question revision a button was drawn under; ``None`` for a button drawn before buttons carried it
    (those are graded as before: against the showing the session records)."""
    return data.int_arg(index) if len(data.args) > index else None


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                        data: CallbackData) -> str | None:
    """A tap on 单选 / 判断 (one tap answers), or 提交 under a 多选 (the options toggled so far)."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    chosen = [data.int_arg(2, low=0, high=MAX_OPTIONS)] if data.action == "a" else None
    result = await svc.db.run_quick(quiz_answer.answer, questions=svc.questions, member_id=caller.member.id,
                                    session_id=data.int_arg(0), position=data.int_arg(1, low=0, high=MAX_POSITION),
                                    now=svc.clock.now(), idle=_idle(svc), chosen=chosen,
                                    revision=_revision(data, 3 if data.action == "a" else 2))
    if result.outcome in _DROP_BUTTONS:
        await _drop_buttons(update, data)
    return await _after_answer(update, svc, caller, result)


async def toggle_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                        data: CallbackData) -> str | None:
    """A 多选 option switched on or off: the keyboard shows ✓ on the chosen letters."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    result = await svc.db.run_quick(quiz_answer.toggle, questions=svc.questions, member_id=caller.member.id,
                                    session_id=data.int_arg(0), position=data.int_arg(1, low=0, high=MAX_POSITION),
                                    option=data.int_arg(2, low=0, high=MAX_OPTIONS), now=svc.clock.now(),
                                    idle=_idle(svc), revision=_revision(data, 3))
    if result.outcome != quiz_store.Outcome.RECORDED or result.quiz is None or result.question is None:
        if result.outcome in _DROP_BUTTONS:
            await _drop_buttons(update, data)
        return svc.texts.plain(f"quiz.toast.{result.outcome.value}", caller.lang)
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # "message is not modified": a retried tap
            await query.edit_message_reply_markup(question_markup(svc.texts, caller.lang, result.quiz,
                                                                  result.question))
    return None


async def typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text from a member whose session waits for a 填空 is the answer; other text passes on untouched."""
    message = update.effective_message
    if message is None or not message.text:
        return
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None or not caller.active or caller.member is None or caller.member.id is None:
        return
    result = await svc.db.run_quick(quiz_answer.answer_text, questions=svc.questions,
                                    member_id=caller.member.id, text=message.text,
                                    message_id=message.message_id, now=svc.clock.now(), idle=_idle(svc))
    if result is None:
        return  # not for the quiz: the features' handlers answer it
    if result.outcome == quiz_store.Outcome.WRONG_TYPE:
        await reply(update, svc.texts.t("quiz.tap_hint", caller.lang))
    elif result.outcome != quiz_store.Outcome.ALREADY:  # a redelivered message is dropped silently
        toast = await _after_answer(update, svc, caller, result)
        if result.outcome not in (quiz_store.Outcome.RECORDED, quiz_store.Outcome.WITHDRAWN) and toast:
            await reply(update, toast)
    raise ApplicationHandlerStop()


# --------------------------------------------------------------------------- the 错题本


def _wrong_items(svc: Services, member_id: int, lang: str, *, session: Session) -> list[tuple[int, Question, str]]:
    """Each wrong question with when it comes back: its day, or "due now" once that day has passed (a past
    date reads like a missed appointment)."""
    items = quiz_store.wrongbook(session=session, member_id=member_id)
    tz, now = svc.settings.tz, svc.clock.now()
    due_now = svc.texts.plain("quiz.due_now", lang)
    return [(n, q, due_now if item.due_at <= now else svc.texts.plain(
        "quiz.due_on", lang, day=item.due_at.astimezone(tz).strftime("%m-%d"))) for n, (item, q) in enumerate(items, 1)]


async def wrong(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/wrong`` — the questions answered wrong and not yet learned, each with a 重做 button."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    items = await svc.db.run(_wrong_items, svc, caller.member.id, caller.lang)
    await reply(update, wrongbook_text(svc.texts, caller.lang, items),
                reply_markup=wrongbook_markup(svc.texts, caller.lang, items))


async def retry_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                       data: CallbackData) -> str | None:
    """重做: a one-question session on a question from the 错题本 (still published, still the member's) —
    refused while another quiz is unfinished, so a member never has two sessions and loses none."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    question_id = data.int_arg()
    card = await svc.db.run(quiz_store.card_of, member_id=caller.member.id, question_id=question_id)
    question = await svc.db.run(quiz_store.get_question, question_id=question_id)
    if card is None or question is None or question.status != QuestionStatus.PUBLISHED:
        return svc.texts.plain("quiz.toast.withdrawn", caller.lang)
    now = svc.clock.now()
    # a quiz in progress is finished first: starting this one would silently end it
    unfinished = await svc.db.run(quiz_store.active_session, member_id=caller.member.id, now=now, idle=_idle(svc))
    if unfinished is not None:
        await reply(update, svc.texts.t("quiz.retry_busy", caller.lang, number=unfinished.position + 1,
                                        total=len(unfinished.question_ids)))
        return svc.texts.plain("quiz.toast.retry_busy", caller.lang)
    quiz = await svc.db.run(quiz_store.start_session, member=caller.member, now=now, size=1,
                            question_ids=[question_id], kind="retry")
    assert quiz is not None
    await _ask(update, svc, caller, quiz)
    return None


# --------------------------------------------------------------------------- the nudge


def render_nudge(svc: Services, session: Session, row: Delivery) -> Outgoing | None:
    member = session.get(Member, row.member_id) if row.member_id is not None else None
    if member is None or member.id is None or member.status != MemberStatus.ACTIVE or member.push_paused:
        return None
    now = svc.clock.now()
    tz = svc.settings.tz
    start, end = study_store.day_bounds(study_store.local_day(now, tz), tz)
    if study_store.answered_between(session=session, member_id=member.id, start=start, end=end):
        return None  # they answered since the row was queued
    lang = svc.texts.lang(member.language)
    due = len(quiz_store.due_cards(session=session, member_id=member.id, due_by=end))
    key = "quiz.nudge_due" if due else "quiz.nudge"
    return Outgoing(text=svc.texts.t(key, lang, due=due), markup=nudge_markup(svc.texts, lang))


def produce_nudges(svc: Services, *, session: Session, now: datetime) -> int:
    study = svc.settings.study
    return study_push.produce_quiz_nudges(session=session, now=now, tz=svc.settings.tz, nudge_time=study.nudge_time,
                                          quiet_start=study.quiet_start, quiet_end=study.quiet_end,
                                          push_time=study.push_time)


def _handlers() -> list[CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]]:
    prefix = pattern(QUIZ)
    return [
        CallbackQueryHandler(guarded_callback(Role.MEMBER, answer_button), pattern=rf"{prefix}[as]:"),
        CallbackQueryHandler(guarded_callback(Role.MEMBER, toggle_button), pattern=rf"{prefix}t:"),
        CallbackQueryHandler(guarded_callback(Role.MEMBER, retry_button), pattern=rf"{prefix}r:"),
        CallbackQueryHandler(guarded_callback(Role.MEMBER, go_button), pattern=rf"{prefix}go$"),
    ]


def _deliveries(svc: Services) -> list[DeliveryKind]:
    return [
        # a nudge twice would nag: an uncertain one is dropped
        DeliveryKind(study_push.NUDGE_KIND, render=partial(render_nudge, svc), policy=KindPolicy()),
    ]


FEATURE = Feature(
    name="quiz",
    commands=(
        Command("quiz", Role.MEMBER, quiz, "study"),
        Command("wrong", Role.MEMBER, wrong, "study"),
    ),
    # typed 填空 answers: seen before the features' catch-all for free text, passed on when not an answer
    conversations=lambda: [MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, typed_answer)],
    handlers=_handlers,
    producers=lambda svc: [partial(produce_nudges, svc)],
    deliveries=_deliveries,
)
