"""The answers for anything no feature understood: an unknown command, free text, a stale button.

Registered last (the wiring's feature list ends with it), in the same group as the features, so only an
update that no feature matched reaches these handlers.  Two answers are more than "not understood":
/cancel with no flow open (every prompt says "发送 /cancel 取消", so it is a word people use) says there
is nothing to cancel, and a member who *types* what a button says ("学完了") is shown the button.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.commands import not_joined_key
from bot.context import load_caller, reply, services
from bot.feature import AnyHandler, Feature

_BARE = re.compile(r"[\s。！!.，,~～✅☑️✔️]+")  # what a typed button label may carry besides its words


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None:
        return
    await reply(update, svc.texts.t("unknown.command" if caller.active else not_joined_key(caller), caller.lang))


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel that no open flow took: there is nothing to cancel (not "no such command")."""
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None:
        return
    await reply(update, svc.texts.t("unknown.nothing_to_cancel" if caller.active else not_joined_key(caller),
                                    caller.lang))


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text nobody else claimed: point members to /help (or to the button they named), strangers to /start."""
    svc = services(context)
    caller = await load_caller(update, svc)
    message = update.effective_message
    if caller is None or message is None:
        return
    if not caller.active:
        await reply(update, svc.texts.t(not_joined_key(caller), caller.lang))
    elif says_done(svc.texts.plain("unknown.done_words", caller.lang), message.text or ""):
        button = svc.texts.plain("study.btn_done", caller.lang)
        await reply(update, svc.texts.t("unknown.done_typed", caller.lang, button=button))
    else:
        await reply(update, svc.texts.t("unknown.text", caller.lang))


def says_done(words: str, text: str) -> bool:
    """Whether ``text`` is one of the ``|``-separated ``words`` ("学完了", "done reading"), give or take
    spaces, case, an emoji and closing punctuation."""
    typed = _BARE.sub("", text).casefold()
    return bool(typed) and typed in {_BARE.sub("", w).casefold() for w in words.split("|")}


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no feature claims (an old version, a removed feature): answer it so the spinner stops."""
    query = update.callback_query
    if query is not None:
        svc = services(context)
        await query.answer(svc.texts.plain("button.expired", svc.settings.language))


def _handlers() -> list[AnyHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("cancel", nothing_to_cancel, filters=private),
        MessageHandler(filters.COMMAND & private, unknown_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & private, plain_text),
        CallbackQueryHandler(stale_button),
    ]


FEATURE = Feature(name="fallback", handlers=_handlers)
