"""Telegram's command menu, per role.

Why per chat: the menu is the first thing a member sees, and a member should not be shown secretary
commands they cannot use.  The default scope (everyone, also unknown users) gets only the registration
commands; each registered member's private chat gets the menu of their role in their language, refreshed
whenever the role or language changes.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.commands import bot_commands, for_role
from bot.context import Services
from bot.texts import LANGUAGES
from storage.models import Member, MemberStatus, Role

log = logging.getLogger(__name__)


async def set_default_menus(bot: Bot, svc: Services) -> None:
    visible = for_role(svc.commands, None)
    for lang in LANGUAGES:
        language_code = None if lang == svc.settings.language else lang
        await bot.set_my_commands(
            bot_commands(visible, svc, lang, None), scope=BotCommandScopeDefault(), language_code=language_code
        )


async def set_member_menu(bot: Bot, svc: Services, member: Member) -> None:
    """Give ``member``'s private chat the menu of their role (or the default one if they left)."""
    chat_id = member.chat_id or member.tg_user_id
    scope = BotCommandScopeChat(chat_id)
    try:
        if member.status != MemberStatus.ACTIVE:
            await bot.delete_my_commands(scope=scope)
            return
        visible = for_role(svc.commands, Role(member.role))
        await bot.set_my_commands(bot_commands(visible, svc, member.language, Role(member.role)), scope=scope)
    except TelegramError as exc:  # the menu is a convenience; never fail the action for it
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)
