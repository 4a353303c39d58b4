"""不批准 a 请假 with an optional reason (trial T24): the member asked with a reason, and a refusal without a
word of why invites a phone call.  Part of the meetings feature (registered by ``bot/handlers/meetings.py``).

::

    [✖️ 不批准] ─▶ decided, the card says so (``rsvp.decide_button``) ─▶ "可以写一句原因…" [跳过]
                ─▶ text: the reason, queued to the member after the decision (``scheduler.leave.note_decline``)
                ─▶ 跳过 / a command / 10 minutes: nothing more is sent

The decision itself goes out at once, as an approval does: a secretary who walks away from the prompt
delays nobody.  The reason follows it through the outbox, so it never arrives first.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import cast

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import flows
from bot import meeting_form as form
from bot import meeting_view as view
from bot.callbacks import CallbackData, pattern
from bot.commands import conversation_button, guarded_callback, said_by_edit
from bot.context import Caller, load_caller, reply, services
from bot.feature import AnyHandler
from bot.handlers.rsvp import decide_button
from scheduler import leave
from storage import rsvp as rsvp_store
from storage.errors import DomainError
from storage.models import Member, Role
from storage.scope import Scope

NOTE = 0
NOTE_KEY = "mt.declnote"
NOTE_TIMEOUT_S = 10 * 60
NOTE_LIMIT = 300


async def decline_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                         ) -> str:
    """不批准 (or 确定改为不批准): decided as before, then the secretary is offered to say why."""
    toast = await decide_button(update, context, caller, data)
    svc = services(context)
    assert context.user_data is not None and caller.member is not None
    rsvp_id = data.int_arg()
    name = await svc.db.run(_name_of, actor=caller.member, rsvp_id=rsvp_id, scope=caller.scope)
    skip = InlineKeyboardMarkup([[view.button(svc.texts, caller.lang, "mtg.btn.skip_note", "sn", rsvp_id)]])
    sent = await reply(update, svc.texts.t("mtg.leave.note_ask", caller.lang, name=name), reply_markup=skip)
    # the prompt's 跳过 goes once the reason is in: remember where it is
    context.user_data[NOTE_KEY] = {"rsvp": rsvp_id, "chat": sent.chat_id if sent else None,
                                   "message": sent.message_id if sent else None}
    return toast


def _name_of(*, session: Session, actor: Member, rsvp_id: int, scope: Scope) -> str:
    """The member whose 请假 was declined, read through the same checks as the decision."""
    _row, member, _meeting = rsvp_store.decided_leave(session=session, actor=actor, rsvp_id=rsvp_id, scope=scope)
    return member.name


async def receive_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The reason typed after 不批准: queued to the member, and the secretary told what they will read."""
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    asked = context.user_data.pop(NOTE_KEY, None)
    message = update.effective_message
    if caller is None or caller.member is None or not isinstance(asked, dict) or message is None:
        return ConversationHandler.END
    rsvp_id = int(asked["rsvp"])
    note = form.clean(message.text or "")[:NOTE_LIMIT]
    try:
        _row, member = await svc.db.run(leave.note_decline, actor=caller.member, rsvp_id=rsvp_id, note=note,
                                        now=svc.clock.now(), scope=caller.scope)
    except DomainError as exc:
        await reply(update, svc.texts.t(f"error.{exc.code}", caller.lang, **exc.params))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    if asked.get("chat") is not None and asked.get("message") is not None:
        with contextlib.suppress(BadRequest):  # gone or edited already: nothing to take away
            await context.bot.edit_message_reply_markup(asked["chat"], asked["message"], reply_markup=None)
    await reply(update, svc.texts.t("mtg.leave.note_sent", caller.lang, name=member.name, note=note))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def skip_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                      ) -> str:
    """跳过: no reason; the prompt says so and loses its button (inside the conversation or after it).

    Only the prompt it is under: after two 不批准 in a row, 跳过 on the first prompt leaves the second one
    waiting for its reason (review R3.2: the reason typed next was lost)."""
    svc = services(context)
    assert context.user_data is not None
    asked = context.user_data.get(NOTE_KEY)
    if not isinstance(asked, dict) or asked.get("rsvp") == data.int_arg():
        context.user_data.pop(NOTE_KEY, None)
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # a double tap: already edited
            await query.edit_message_text(svc.texts.t("mtg.leave.note_skipped", caller.lang))
            said_by_edit(svc.texts.t("mtg.leave.note_skipped", caller.lang))
    return svc.texts.plain("mtg.leave.note_skipped", caller.lang)


async def _skip_in_conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await guarded_callback(Role.SECRETARY, skip_button)(update, context)
    waiting = context.user_data is not None and NOTE_KEY in context.user_data  # another prompt's 跳过
    raise ApplicationHandlerStop(None if waiting else ConversationHandler.END)


def note_conversation(ends: list[AnyHandler]) -> AnyHandler:
    """After 不批准 the secretary's next private text is the reason (``ends``: /cancel and other commands)."""
    prefix = pattern(view.CB)
    entry = conversation_button(Role.SECRETARY, decline_button, key=NOTE_KEY, state=NOTE)
    skip = cast(AnyHandler, CallbackQueryHandler(_skip_in_conversation, pattern=rf"{prefix}sn:"))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        return flows.optional(ConversationHandler(
            entry_points=[CallbackQueryHandler(entry, pattern=rf"{prefix}x?d:")],
            states={NOTE: [cast(AnyHandler, MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
                                                           receive_note)), skip]},
            fallbacks=[*ends, skip], allow_reentry=True, conversation_timeout=NOTE_TIMEOUT_S,
            name="leave_note",
        ))


def note_buttons() -> list[AnyHandler]:
    """跳过 pressed after the prompt timed out (or after a restart): still answered."""
    return [CallbackQueryHandler(guarded_callback(Role.SECRETARY, skip_button), pattern=rf"{pattern(view.CB)}sn:")]
