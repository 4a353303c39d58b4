"""The answers for anything no feature understood: an unknown command, free text, a stale button.

Registered last (the wiring's feature list ends with it), in the same group as the features, so only an
update that no feature matched reaches these handlers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.commands import not_joined_key
from bot.context import load_caller, reply, services
from bot.feature import AnyHandler, Feature


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None:
        return
    await reply(update, svc.texts.t("unknown.command" if caller.active else not_joined_key(caller), caller.lang))


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text nobody else claimed: point members to /help, strangers to /start."""
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None:
        return
    await reply(update, svc.texts.t("unknown.text" if caller.active else not_joined_key(caller), caller.lang))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no feature claims (an old version, a removed feature): answer it so the spinner stops."""
    query = update.callback_query
    if query is not None:
        svc = services(context)
        await query.answer(svc.texts.plain("button.expired", svc.settings.language))


def _handlers() -> list[AnyHandler]:
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(filters.COMMAND & private, unknown_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & private, plain_text),
        CallbackQueryHandler(stale_button),
    ]


FEATURE = Feature(name="fallback", handlers=_handlers)
