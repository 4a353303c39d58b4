"""Secretaries review the generated question bank in chat, one tap per question, or in bulk.

::

    /review ──▶ counts + the best draft: type, stem, options, answer, explanation, evidence
                [发布] [拒绝] ─▶ that message shows the outcome, the next draft arrives below
                [编辑]        ─▶ the secretary's next text is the new stem (/cancel aborts), verified, saved
                [下一题]      ─▶ the same message shows the next draft (a skipped one comes back last)
    /publishall ──▶ confirm ──▶ every verified draft published

Members only ever see published questions, and every stored draft passed ``content.verify``; an edit is
verified again before it is saved.  The edit prompt is a ``ConversationHandler``: it holds state for that
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

from bot.bank_sheet import problems_with
from bot.bank_view import (
    CB_PREFIX,
    EDIT_KEY,
    button,
    card_keyboard,
    error_text,
    error_toast,
    forget_edit,
    render_card,
    render_queue,
)
from bot.callbacks import CallbackData, pattern
from bot.commands import Command, guarded_callback
from bot.context import Caller, Services, load_caller, reply, services
from bot.feature import AnyHandler, Feature
from bot.texts import Safe, reason_text
from storage import bank
from storage import members as member_store
from storage.errors import DomainError, InvalidState, NotFound
from storage.models import Question, QuestionStatus, Role

EDITING = 1
EDIT_TIMEOUT_S = 15 * 60  # an edit prompt left unanswered this long stops claiming the next text


# --------------------------------------------------------------------------- the queue


async def queue_view(svc: Services, caller: Caller, after_id: int | None = None
                     ) -> tuple[Safe, InlineKeyboardMarkup | None, Question | None]:
    """The /review message: counts and the next draft, with its buttons."""
    assert caller.member is not None
    branch = await svc.db.run(member_store.get_branch, branch_id=caller.member.branch_id)
    counts, q = await svc.db.run(bank.review_queue, branch_id=caller.member.branch_id, after_id=after_id)
    markup = card_keyboard(svc.texts, caller.lang, q.id) if q is not None and q.id is not None else None
    return render_queue(svc.texts, caller.lang, branch.name, counts, q), markup, q


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
    question_id = data.int_arg()
    query = update.callback_query
    assert query is not None
    try:
        q = await svc.db.run(bank.decide_question, actor=caller.member, question_id=question_id, publish=publish,
                             now=svc.clock.now())
    except DomainError as exc:
        await _drop_buttons(query)
        return error_toast(svc, exc, caller.lang)
    outcome = "published" if publish else "rejected"
    await query.edit_message_text(render_card(svc.texts, caller.lang, q, outcome), parse_mode="HTML",
                                  disable_web_page_preview=True)
    text, markup, _ = await queue_view(svc, caller, after_id=question_id)
    await reply(update, text, reply_markup=markup)
    return svc.texts.plain(f"review.toast.{outcome}", caller.lang)


async def next_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                      data: CallbackData) -> str | None:
    """下一题: this message shows the draft after the current one (wrapping round)."""
    svc = services(context)
    text, markup, q = await queue_view(svc, caller, after_id=data.int_arg())
    if q is not None and q.id == data.int_arg():
        return svc.texts.plain("review.toast.only_one", caller.lang)
    query = update.callback_query
    assert query is not None
    await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup, disable_web_page_preview=True)
    return None


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
        q = await svc.db.run(bank.get_question, actor=caller.member, question_id=data.int_arg())
        if q.status == QuestionStatus.RETIRED:
            raise InvalidState("question_retired", id=q.id)
    except DomainError as exc:
        return error_toast(svc, exc, caller.lang)
    assert context.user_data is not None
    context.user_data[EDIT_KEY] = q.id
    await reply(update, svc.texts.t("review.edit_prompt", caller.lang, id=q.id, limit=bank.MAX_STEM, stem=q.stem))
    return None


_edit_button = guarded_callback(Role.SECRETARY, edit_button)


async def start_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Entry of the conversation: the button (role-checked and answered) decides whether we wait for text."""
    assert context.user_data is not None
    context.user_data.pop(EDIT_KEY, None)
    await _edit_button(update, context)
    # the button is answered: keep the catch-all for unknown buttons (main group) from answering it again
    raise ApplicationHandlerStop(EDITING if context.user_data.get(EDIT_KEY) else ConversationHandler.END)


async def receive_stem(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The secretary's text after 编辑: verify it, save it, show the card again (``None`` keeps waiting)."""
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    question_id = context.user_data.get(EDIT_KEY)
    message = update.effective_message
    if caller is None or question_id is None or message is None or not caller.at_least(Role.SECRETARY):
        context.user_data.pop(EDIT_KEY, None)
        return ConversationHandler.END  # not an edit after all: the main group answers it as any text
    stem = (message.text or "").strip()
    try:
        current = await svc.db.run(bank.get_question, actor=caller.member, question_id=question_id)
        bank.check_wording(stem=stem)
        reasons = problems_with(current, stem=stem)
        if reasons:
            reason = reason_text(svc.texts, caller.lang, reasons[0])
            await reply(update, svc.texts.t("review.edit_unverified", caller.lang, reason=reason))
            raise ApplicationHandlerStop(None)
        q = await svc.db.run(bank.edit_question, actor=caller.member, question_id=question_id, stem=stem,
                             now=svc.clock.now())
    except InvalidState as exc:
        await reply(update, error_text(svc, exc, caller.lang))
        raise ApplicationHandlerStop(None) from None
    except NotFound as exc:
        context.user_data.pop(EDIT_KEY, None)
        await reply(update, error_text(svc, exc, caller.lang))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    context.user_data.pop(EDIT_KEY, None)
    text = Safe(svc.texts.t("review.edit_saved", caller.lang) + "\n\n" + render_card(svc.texts, caller.lang, q))
    markup = card_keyboard(svc.texts, caller.lang, question_id) if q.status == QuestionStatus.DRAFT else None
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
        )


# --------------------------------------------------------------------------- publish all


async def publish_all(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/publishall`` — asks first: publishing reaches every member's quizzes."""
    forget_edit(context)
    svc = services(context)
    assert caller.member is not None
    counts = await svc.db.run(bank.review_counts, branch_id=caller.member.branch_id)
    drafts = counts[QuestionStatus.DRAFT]
    if not drafts:
        await reply(update, svc.texts.t("review.publishall_none", caller.lang))
        return
    buttons = InlineKeyboardMarkup([[button(svc.texts, caller.lang, "review.btn_confirm_all", "all"),
                                     button(svc.texts, caller.lang, "review.btn_cancel_all", "keep")]])
    await reply(update, svc.texts.t("review.publishall_confirm", caller.lang, count=drafts), reply_markup=buttons)


async def publish_all_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                             data: CallbackData) -> str:
    svc = services(context)
    assert caller.member is not None
    if data.action == "keep":
        key, params = "review.publishall_cancelled", {}
    else:
        count = await svc.db.run(bank.publish_all_verified, actor=caller.member, branch_id=caller.member.branch_id,
                                 now=svc.clock.now())
        key, params = "review.publishall_done", {"count": count}
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_text(svc.texts.t(key, caller.lang, **params), parse_mode="HTML")
    return svc.texts.plain(key, caller.lang, **params)


def _buttons() -> list[AnyHandler]:
    prefix = pattern(CB_PREFIX)
    return [
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, decide_button), pattern=rf"{prefix}[pr]:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, next_button), pattern=rf"{prefix}n:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, publish_all_button), pattern=rf"{prefix}(all|keep)"),
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
