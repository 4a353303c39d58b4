"""Whether the bot can reach a member: Telegram's ``my_chat_member`` updates say when a user blocks or
unblocks the bot, so the roster's "unreachable" flag follows reality instead of waiting for a failed send."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler, ContextTypes

from bot.context import services
from bot.feature import Feature
from bot.notify import member_unreachable
from storage import members as member_store


async def bot_status_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    svc = services(context)
    user_id = change.chat.id
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):  # "kicked": the user blocked the bot
        member = await svc.db.run(member_store.find_member, tg_user_id=user_id)
        if member is not None and member.id is not None:
            await member_unreachable(context.bot, svc, member.id)
    elif status == ChatMember.MEMBER:
        await svc.db.run(member_store.mark_reachable, tg_user_id=user_id, now=svc.clock.now())


FEATURE = Feature(
    name="presence",
    handlers=lambda: [ChatMemberHandler(bot_status_changed, ChatMemberHandler.MY_CHAT_MEMBER)],
)
