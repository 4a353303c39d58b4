"""Direct, interactive notifications (a secretary told of a join request, a member told of a decision).

These are consequences of a user's action and go out at once; scheduled fan-outs go through the
delivery outbox in ``scheduler/`` instead.  A recipient who blocked the bot is marked unreachable so the
secretary's figures show it, and the action that triggered the message still succeeds.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import Forbidden, TelegramError

from bot.context import Services
from storage import members as member_store
from storage.models import Member

log = logging.getLogger(__name__)


async def send_to_member(
    bot: Bot, svc: Services, member: Member, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    chat_id = member.chat_id or member.tg_user_id
    try:
        return await bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup,
                                      disable_web_page_preview=True)
    except Forbidden:
        log.info("member %s blocked the bot; marking unreachable", member.id)
        assert member.id is not None
        await svc.db.run(member_store.mark_unreachable, member_id=member.id, now=svc.clock.now())
    except TelegramError as exc:
        log.warning("could not message member %s: %s", member.id, exc)
    return None
