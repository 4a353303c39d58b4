"""Direct, interactive notifications (a secretary told of a join request, a member told of a decision).

These are consequences of a user's action and go out at once; scheduled fan-outs go through the
delivery outbox in ``scheduler/`` instead.  A recipient who blocked the bot is marked unreachable and
the branch's secretaries are told once (whichever path found out: this one or the outbox sender); the
action that triggered the message still succeeds.
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
        assert member.id is not None
        await member_unreachable(bot, svc, member.id)
    except TelegramError as exc:
        log.warning("could not message member %s: %s", member.id, exc)
    return None


async def member_unreachable(bot: Bot, svc: Services, member_id: int) -> None:
    """Record that Telegram refuses messages to a member; tell the secretaries the first time."""
    member, changed = await svc.db.run(member_store.mark_unreachable, member_id=member_id, now=svc.clock.now())
    log.info("member %s blocked the bot (first report: %s)", member_id, changed)
    if not changed:
        return
    for secretary in await svc.db.run(member_store.secretaries_of, branch_id=member.branch_id):
        if secretary.id != member.id and secretary.reachable:
            text = svc.texts.t("delivery.unreachable", secretary.language, name=member.name, id=member.id)
            await send_to_member(bot, svc, secretary, text)
