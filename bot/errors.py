"""The error handler: log first, then apologise to the user, then tell the admin chat.

Why in this order: the log line (with the update id) is what an operator greps for, so it must exist even
if the apology itself fails.  The apology is short and from the catalog; the admin chat gets the
exception type and the update id, never the token (``httpx`` request logging, which prints URLs that
contain it, is turned down to WARNING in ``bot.logging_setup``).
"""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.context import SERVICES_KEY, Services, apology_lang

log = logging.getLogger("zhibu.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    svc: Services | None = context.application.bot_data.get(SERVICES_KEY)
    if svc is None:
        return
    if isinstance(update, Update):
        lang = apology_lang(update, svc, context)
        try:
            if update.callback_query is not None:  # usually answered already by the button guard
                await update.callback_query.answer(svc.texts.plain("error.sorry_short", lang))
            elif update.effective_message is not None and update.effective_chat is not None:
                await update.effective_message.reply_html(svc.texts.t("error.sorry", lang))
        except TelegramError:
            log.warning("could not send the apology for update %s", update_id)
    await report_to_admins(context, svc, update_id, context.error)


async def report_to_admins(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, update_id: int | None, error: BaseException | None
) -> None:
    """Tell the admin chat (if one is set) the exception type and the update id — shared with
    :func:`bot.group_manners.run_in_private`, which handles a moved command's error itself so the apology
    cannot land in the group."""
    admin_chat = svc.settings.telegram.admin_chat_id
    if admin_chat is None:
        return
    text = svc.texts.t("error.admin_report", svc.settings.language, update_id=str(update_id),
                       error=f"{type(error).__name__}: {html.escape(str(error))[:300]}")
    try:
        await context.bot.send_message(admin_chat, text, parse_mode="HTML")
    except TelegramError:
        log.warning("could not report the error to the admin chat")
