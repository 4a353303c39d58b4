"""``/help`` (only the commands the caller may use), ``/lang`` and ``/whoami``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.commands import Command, UsageError, args_of, description, not_joined_key, visible
from bot.context import STRANGER_LANGUAGE_KEY, Caller, reply, services
from bot.feature import Feature
from bot.menus import set_member_menu
from bot.texts import LANGUAGES
from storage import members as member_store

SECTIONS = ("general", "study", "meetings", "secretary")
ANSWERED_IN_STATUS = ("start",)  # the status line above the list already says whether /start is the way in


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """List only the commands this caller may use, grouped by section.  Someone not (yet) a member is told
    where they stand, then what they can already use (/lang, /whoami, /help): an applicant waiting for a
    secretary was otherwise told only to wait (trial T20)."""
    svc = services(context)
    commands = svc.commands
    if not caller.active:
        key = not_joined_key(caller)
        parts = [svc.texts.t("help.unregistered" if key == "register.needed" else key, caller.lang),
                 svc.texts.t("help.meanwhile", caller.lang)]
        parts += [svc.texts.t("help.line", caller.lang, name=c.name, desc=description(c, svc, caller.lang, None))
                  for c in commands if c.role is None and c.name not in ANSWERED_IN_STATUS]
        await reply(update, "\n".join(parts))
        return
    mine = visible(commands, caller)
    parts = [svc.texts.t("help.header", caller.lang)]
    for section in SECTIONS:
        rows = [c for c in mine if c.section == section]
        if not rows:
            continue
        parts.append(svc.texts.t(f"help.section.{section}", caller.lang))
        for c in rows:
            desc = description(c, svc, caller.lang, caller.scope.role)
            parts.append(svc.texts.t("help.line", caller.lang, name=c.name, desc=desc))
    await reply(update, "\n".join(parts))


async def set_lang(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/lang zh|en`` — the interface language.  A member's is stored on their row; someone who has not
    asked to join yet has no row, so their choice is kept for this conversation and stored by ``/start``.
    Someone whose request waits for (or was refused by) a secretary has a row: the choice is stored there,
    and the answer says where the request stands, in the new language."""
    svc = services(context)
    args = args_of(context)
    if len(args) != 1 or args[0].lower() not in LANGUAGES:
        raise UsageError()
    language = args[0].lower()
    if caller.member is None:
        if context.user_data is not None:
            context.user_data[STRANGER_LANGUAGE_KEY] = language
        await reply(update, svc.texts.t("lang.set", language) + "\n" + svc.texts.t("help.unregistered", language))
        return
    assert caller.member.id is not None
    member = await svc.db.run(member_store.set_language, member_id=caller.member.id, language=language,
                              now=svc.clock.now())
    if not caller.active:  # a request waiting for (or refused by) a secretary: stored, and where it stands
        await reply(update, svc.texts.t("lang.set", language) + "\n" + svc.texts.t(not_joined_key(caller), language))
        return
    await set_member_menu(context.bot, svc, member)
    await reply(update, svc.texts.t("lang.set", member.language))


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/whoami`` — the caller's Telegram id, so a deployer can list them as a secretary or admin."""
    svc = services(context)
    await reply(update, svc.texts.t("whoami.text", caller.lang, id=caller.user_id, name=caller.name))


FEATURE = Feature(
    name="help",
    commands=(Command("help", None, show_help), Command("lang", None, set_lang), Command("whoami", None, whoami)),
)
