"""The answers for anything no feature understood: an unknown command, free text, a stale button.

Registered last (the wiring's feature list ends with it), in the same group as the features, so only an
update that no feature matched reaches these handlers.  Two answers are more than "not understood":
/cancel with no flow open (every prompt says "发送 /cancel 取消", so it is a word people use) says there
is nothing to cancel, and a member who *types* what a button says ("学完了") is shown the button.
In the group the bot stays quiet: only a mention of it, or a secretary's file, is answered — aside
(``bot.group_manners``).
"""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import group_manners
from bot.commands import not_joined_key
from bot.context import caller_lang, load_caller, reply, services
from bot.feature import AnyHandler, Feature
from storage import quiz as quiz_store
from storage.models import Role

_BARE = re.compile(r"[\s。！!.，,~～✅☑️✔️]+")  # what a typed button label may carry besides its words


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None:
        return
    await reply(update, svc.texts.t("unknown.command" if caller.active else not_joined_key(caller), caller.lang))


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel that no open flow took: a quiz in progress ends (what a member typing /cancel under a
    question wants, trial T14); otherwise there is nothing to cancel (not "no such command")."""
    svc = services(context)
    caller = await load_caller(update, svc)
    if caller is None:
        return
    if caller.active and caller.member is not None and caller.member.id is not None:
        ended = await svc.db.run(quiz_store.stop_session, member_id=caller.member.id, now=svc.clock.now(),
                                 idle=timedelta(minutes=svc.settings.study.idle_minutes))
        if ended is not None:
            await reply(update, svc.texts.t("quiz.cancelled", caller.lang, answered=ended.position,
                                            total=len(ended.question_ids)))
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


async def group_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``@bot …`` in the group: the bot does not chat there, so it answers the person aside (privately, or
    with one throttled pointer).  Other group talk is not for the bot and gets nothing."""
    message = update.effective_message
    username = context.bot.username
    if message is None or not username or not mentions(message.text or "", username):
        return
    svc = services(context)
    caller = await load_caller(update, svc, context)
    if caller is None:
        return
    await group_manners.answer_aside(update, context, svc, caller, svc.texts.t("privacy.mention_private", caller.lang))


def mentions(text: str, username: str) -> bool:
    """Whether ``text`` names ``@username`` (case-insensitive, not as the start of a longer name)."""
    return re.search(rf"@{re.escape(username)}(?![A-Za-z0-9_])", text, re.IGNORECASE) is not None


async def group_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent in the group is never taken as material; a secretary, who may add materials, is told
    privately where to send it.  Anyone else's file is group business."""
    svc = services(context)
    caller = await load_caller(update, svc, context)
    if caller is None or not caller.active or not caller.at_least(Role.SECRETARY):
        return
    await group_manners.answer_aside(update, context, svc, caller,
                                     svc.texts.t("privacy.document_private", caller.lang))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no feature claims (an old version, a removed feature): answer it so the spinner stops."""
    query = update.callback_query
    if query is not None:
        svc = services(context)
        await query.answer(svc.texts.plain("button.expired", await caller_lang(update, svc, context)))


def _handlers() -> list[AnyHandler]:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    return [
        CommandHandler("cancel", nothing_to_cancel, filters=private),
        MessageHandler(filters.COMMAND & private, unknown_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & private, plain_text),
        MessageHandler(filters.TEXT & ~filters.COMMAND & groups, group_mention),
        MessageHandler(filters.Document.ALL & groups, group_document),
        CallbackQueryHandler(stale_button),
    ]


FEATURE = Feature(name="fallback", handlers=_handlers)
