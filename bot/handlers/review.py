"""Secretaries review the generated question bank in chat, one tap per question, or in bulk.

::

    /review ──▶ counts, the place in the queue (3/25) + the best draft: type, stem, options, answer, …
                [发布] [拒绝] ─▶ that message shows the outcome, the next draft arrives below
                              (a rejected card keeps one button: [撤销拒绝] makes it a draft again)
                [编辑]        ─▶ the secretary's next text is the new stem (/cancel aborts), verified, saved
                [下一题]      ─▶ the same message shows the next draft (a skipped one comes back last;
                                 past the last draft the walk starts again at the first, and says so)
    /publishall ──▶ confirm ──▶ every verified draft published

Members only ever see published questions, and every stored draft passed ``content.verify``; an edit is
verified again before it is saved, by ``storage.bank.edit_question`` itself (so the chat and the sheet
cannot differ on it).  The edit prompt is a ``ConversationHandler``: it holds state for that
secretary only, so other users' messages and every command still reach their own handlers.
The bulk path — ``/bank`` and the sheet sent back — is ``bot.handlers.bank``.
"""

from __future__ import annotations

import contextlib
import warnings

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import CallbackData, pattern
from bot.commands import Command, conversation_button, edit_own_message, guarded_callback
from bot.confirm import CANCEL, Outcome, confirm_keyboard, run_confirmed
from bot.context import Caller, Services, load_caller, reply, services
from bot.feature import AnyHandler, Feature
from bot.flow_store import finish_flow
from bot.review_card import (
    CB_PREFIX,
    EDIT_KEY,
    card_keyboard,
    error_text,
    error_toast,
    forget_edit,
    keyboard_for,
    render_card,
    render_queue,
    undo_keyboard,
)
from bot.texts import Safe
from storage import bank
from storage import members as member_store
from storage.errors import DomainError, InvalidState, NotFound
from storage.models import Question, QuestionStatus, Role

EDITING = 1
PUBLISH_ALL = "all"  # the confirm button of /publishall (bot.confirm.CANCEL is the other)
EDIT_TIMEOUT_S = 15 * 60  # an edit prompt left unanswered this long stops claiming the next text


# --------------------------------------------------------------------------- the queue


async def queue_view(svc: Services, caller: Caller, after_id: int | None = None
                     ) -> tuple[Safe, InlineKeyboardMarkup | None, Question | None]:
    """The /review message: counts and the next draft, with its buttons."""
    assert caller.member is not None
    branch = await svc.db.run(member_store.get_branch, branch_id=caller.member.branch_id)
    view = await svc.db.run(bank.review_queue, branch_id=caller.member.branch_id, after_id=after_id)
    q = view.question
    markup = card_keyboard(svc.texts, caller.lang, q) if q is not None and q.id is not None else None
    return render_queue(svc.texts, caller.lang, branch.name, view), markup, q


async def review(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/review`` — counts and the best draft, with publish / reject / edit / next buttons."""
    forget_edit(context)
    text, markup, _ = await queue_view(services(context), caller)
    await reply(update, text, reply_markup=markup)


async def decide_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                        data: CallbackData) -> str:
    """发布 / 拒绝: record it, show the outcome on that card, send the next draft below."""
    svc = services(context)
    publish = data.action == "p"
    question_id, token = data.int_arg(), data.str_arg(1)
    query = update.callback_query
    assert query is not None
    try:
        q = await svc.db.run(bank.decide_question, actor=caller.member, question_id=question_id, publish=publish,
                             now=svc.clock.now(), expected=token)
    except DomainError as exc:
        return await _refused(update, svc, caller, exc)
    outcome = "published" if publish else "rejected"
    undo = None if publish else undo_keyboard(svc.texts, caller.lang, q)  # a mis-tap is undone
    await edit_own_message(update, render_card(svc.texts, caller.lang, q, outcome), undo)
    text, markup, _ = await queue_view(svc, caller, after_id=question_id)
    await reply(update, text, reply_markup=markup)
    return svc.texts.plain(f"review.toast.{outcome}", caller.lang)


async def undo_reject_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                             data: CallbackData) -> str:
    """撤销拒绝: the rejected question is a draft again, and its card gets the review buttons back."""
    svc = services(context)
    try:
        q = await svc.db.run(bank.reopen_question, actor=caller.member, question_id=data.int_arg(),
                             now=svc.clock.now(), expected=data.str_arg(1))
    except DomainError as exc:
        return await _refused(update, svc, caller, exc)
    await edit_own_message(update, render_card(svc.texts, caller.lang, q), card_keyboard(svc.texts, caller.lang, q))
    return svc.texts.plain("review.toast.reopened", caller.lang)


async def next_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                      data: CallbackData) -> str | None:
    """下一题: this message shows the draft after the current one; past the last, the first again (said so)."""
    svc = services(context)
    text, markup, q = await queue_view(svc, caller, after_id=data.int_arg())
    if q is not None and q.id == data.int_arg():
        return svc.texts.plain("review.toast.only_one", caller.lang)
    await edit_own_message(update, text, markup)  # a double tap lands on the edited card: nothing to redo
    return None


async def _refused(update: Update, svc: Services, caller: Caller, exc: DomainError) -> str:
    """A card button that cannot act: a stale card is redrawn as the question is now (with the buttons its
    status has, carrying the new token), any other card loses its buttons; the toast says why."""
    query = update.callback_query
    assert query is not None
    if isinstance(exc, InvalidState) and exc.code == "question_stale":
        q = await svc.db.run(bank.get_question, actor=caller.member, question_id=exc.params["id"])
        await edit_own_message(update, render_card(svc.texts, caller.lang, q),
                               keyboard_for(svc.texts, caller.lang, q))
    else:
        await _drop_buttons(query)
    return error_toast(svc, exc, caller.lang)


async def _drop_buttons(query: CallbackQuery) -> None:
    """A stale card loses its buttons; Telegram refusing the edit (already without them) is fine."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


# --------------------------------------------------------------------------- editing (a conversation)


async def edit_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                      data: CallbackData) -> str | None:
    """编辑: remember which question, and ask for the new stem."""
    svc = services(context)
    try:
        q = await svc.db.run(bank.current_question, actor=caller.member, question_id=data.int_arg(),
                             expected=data.str_arg(1))
        if q.status == QuestionStatus.RETIRED:
            raise InvalidState("question_retired", id=q.id)
    except DomainError as exc:
        return await _refused(update, svc, caller, exc)
    assert context.user_data is not None
    # the token and the revision travel with the edit: a stem sent after the question changed elsewhere is
    # refused, and the reply says when the edit made a new revision
    context.user_data[EDIT_KEY] = (q.id, data.str_arg(1), q.revision)
    await reply(update, svc.texts.t("review.edit_prompt", caller.lang, id=q.id, limit=bank.MAX_STEM, stem=q.stem))
    return None


start_edit = conversation_button(Role.SECRETARY, edit_button, key=EDIT_KEY, state=EDITING)


async def receive_stem(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The secretary's text after 编辑: verify it, save it, show the card again (``None`` keeps waiting)."""
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    editing = context.user_data.get(EDIT_KEY)
    message = update.effective_message
    if caller is None or editing is None or message is None or not caller.at_least(Role.SECRETARY):
        context.user_data.pop(EDIT_KEY, None)
        return ConversationHandler.END  # not an edit after all: the main group answers it as any text
    question_id, token, revision = editing
    try:  # edit_question cleans, checks the limits and verifies the edit; a refused stem is asked for again
        # saved with the prompt's end in one transaction (review R2.4); a refused stem rolls both back
        remaining = {key: value for key, value in context.user_data.items() if key != EDIT_KEY}
        q = await finish_flow(context.application, "review_edit", caller.user_id, remaining, svc.db,
                              bank.edit_question, actor=caller.member, question_id=question_id,
                              stem=message.text or "", now=svc.clock.now(), expected=token)
    except InvalidState as exc:
        if exc.code == "question_stale":  # changed elsewhere while the secretary typed: show it as it is now
            context.user_data.pop(EDIT_KEY, None)
            now = await svc.db.run(bank.get_question, actor=caller.member, question_id=question_id)
            said = svc.texts.t("review.edit_stale", caller.lang, id=question_id,
                               status=svc.texts.plain(f"review.status.{now.status}", caller.lang))
            await reply(update, Safe(said + "\n\n" + render_card(svc.texts, caller.lang, now)),
                        reply_markup=keyboard_for(svc.texts, caller.lang, now))
            raise ApplicationHandlerStop(ConversationHandler.END) from None
        await reply(update, error_text(svc, exc, caller.lang))
        raise ApplicationHandlerStop(None) from None
    except NotFound as exc:
        context.user_data.pop(EDIT_KEY, None)
        await reply(update, error_text(svc, exc, caller.lang))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    context.user_data.pop(EDIT_KEY, None)
    saved = svc.texts.t("review.edit_saved", caller.lang)
    if q.revision != revision:
        saved = Safe(saved + "\n" + svc.texts.t("review.edit_saved_revision", caller.lang, revision=q.revision))
    text = Safe(saved + "\n\n" + render_card(svc.texts, caller.lang, q))
    markup = card_keyboard(svc.texts, caller.lang, q) if q.status == QuestionStatus.DRAFT else None
    await reply(update, text, reply_markup=markup)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def cancel_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    context.user_data.pop(EDIT_KEY, None)
    await reply(update, svc.texts.t("review.edit_cancelled", caller.lang if caller else None))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def leave_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Any other command ends the edit silently and still runs (it is handled again in the main group)."""
    forget_edit(context)
    return ConversationHandler.END


def edit_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # Tracking per chat and user (not per message) is the point: the stem arrives as a new message.
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(start_edit, pattern=rf"{pattern(CB_PREFIX)}e:")],
            states={EDITING: [MessageHandler(filters.TEXT & ~filters.COMMAND & private, receive_stem)]},
            fallbacks=[CommandHandler("cancel", cancel_edit, filters=private),
                       MessageHandler(filters.COMMAND & private, leave_edit)],
            allow_reentry=True,
            conversation_timeout=EDIT_TIMEOUT_S,
            name="review_edit", persistent=True,  # kept across a restart (bot.flow_store)
        )


# --------------------------------------------------------------------------- publish all


async def publish_all(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/publishall`` — asks first: published questions are what members may be shown."""
    forget_edit(context)
    svc = services(context)
    assert caller.member is not None
    counts = await svc.db.run(bank.review_counts, branch_id=caller.member.branch_id)
    drafts = counts[QuestionStatus.DRAFT]
    if not drafts:
        await reply(update, svc.texts.t("review.publishall_none", caller.lang))
        return
    buttons = confirm_keyboard(svc, caller.lang, CB_PREFIX, PUBLISH_ALL, (), yes_key="review.btn_confirm_all",
                               no_key="review.btn_cancel_all")
    await reply(update, svc.texts.t("review.publishall_confirm", caller.lang, count=drafts), reply_markup=buttons)


async def publish_all_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                             data: CallbackData) -> str:
    """确定发布 / 取消: the shared confirm → apply → toast (``bot.confirm``)."""
    svc = services(context)
    assert caller.member is not None
    member = caller.member

    async def apply() -> Outcome:
        count = await svc.db.run(bank.publish_all_verified, actor=member, branch_id=member.branch_id,
                                 now=svc.clock.now())
        return "review.publishall_done", {"count": count}

    return await run_confirmed(update, svc, caller, data, apply, cancelled_key="review.publishall_cancelled")


def _buttons() -> list[AnyHandler]:
    prefix = pattern(CB_PREFIX)
    return [
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, decide_button), pattern=rf"{prefix}[pr]:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, next_button), pattern=rf"{prefix}n:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, undo_reject_button), pattern=rf"{prefix}u:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, publish_all_button),
                             pattern=rf"{prefix}({PUBLISH_ALL}|{CANCEL})$"),
    ]


FEATURE = Feature(
    name="review",
    commands=(
        Command("review", Role.SECRETARY, review, "secretary"),
        Command("publishall", Role.SECRETARY, publish_all, "secretary"),
    ),
    # while a secretary edits, their next text is the stem: the conversation sees it before the features
    conversations=lambda: [edit_conversation()],
    handlers=_buttons,
)
