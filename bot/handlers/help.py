"""``/help`` (only the commands the caller may use) and ``/lang``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.commands import Command, UsageError, args_of, not_joined_key, visible
from bot.context import Caller, reply, services
from bot.feature import Feature
from bot.menus import set_member_menu
from bot.texts import LANGUAGES
from storage import members as member_store
from storage.models import Role

SECTIONS = ("general", "study", "meetings", "secretary")


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """List only the commands this caller may use, grouped by section."""
    svc = services(context)
    commands = svc.commands
    if not caller.active:
        key = not_joined_key(caller)
        await reply(update, svc.texts.t("help.unregistered" if key == "register.needed" else key, caller.lang))
        return
    mine = visible(commands, caller)
    parts = [svc.texts.t("help.header", caller.lang)]
    for section in SECTIONS:
        rows = [c for c in mine if c.section == section]
        if not rows:
            continue
        parts.append(svc.texts.t(f"help.section.{section}", caller.lang))
        for c in rows:
            desc = svc.texts.plain(c.description_key, caller.lang)
            parts.append(svc.texts.t("help.line", caller.lang, name=c.name, desc=desc))
    await reply(update, "\n".join(parts))


async def set_lang(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/lang zh|en`` — the member's interface language."""
    svc = services(context)
    args = args_of(context)
    if len(args) != 1 or args[0].lower() not in LANGUAGES:
        raise UsageError()
    assert caller.member is not None and caller.member.id is not None
    member = await svc.db.run(member_store.set_language, member_id=caller.member.id, language=args[0].lower(),
                              now=svc.clock.now())
    await set_member_menu(context.bot, svc, member)
    await reply(update, svc.texts.t("lang.set", member.language))


FEATURE = Feature(
    name="help",
    commands=(Command("help", None, show_help), Command("lang", Role.MEMBER, set_lang)),
)
