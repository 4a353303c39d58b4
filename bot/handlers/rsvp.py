"""参加 / 请假 and its approval, and the calendar file: what a member answers about one meeting.

::

    [参加]  ─▶ recorded (a member may change the answer until the start)
    [请假]  ─▶ "reason?" in the private chat (also when pressed in the branch group) ─▶ text
           ─▶ outbox: each secretary gets [批准][不批准] ─▶ decided (changeable: [改为…] ─▶ [保留][确定改为…])
           ─▶ outbox: the member hears the decision that holds (``scheduler/leave.py``)
    [日历]  ─▶ an .ics of the meeting in the branch timezone, sent privately

Part of the meetings feature: ``bot/handlers/meetings.py`` registers these handlers.
"""

from __future__ import annotations

import contextlib
import html
import re
import warnings
from typing import cast

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Message, Update
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

from bot import meeting_form as form
from bot import meeting_view as view
from bot.callbacks import CallbackData, pattern
from bot.commands import conversation_button, guarded_callback
from bot.context import Caller, Services, load_caller, reply, services
from bot.feature import AnyHandler
from bot.flow_store import finish_flow
from bot.notify import send_to_member
from bot.words import file_word, kind_word
from scheduler import leave, seen
from storage import meetings as meeting_store
from storage import rsvp as rsvp_store
from storage.errors import DomainError, InvalidState
from storage.models import Meeting, Role

REASON = 0
LEAVE_KEY = "mt.leave"
PROMPT_TIMEOUT_S = 15 * 60
UNDECIDABLE = ("leave_came", "leave_withdrawn")  # a request the member settled themselves: its buttons go


async def attend_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                        ) -> str:
    """参加: recorded; under a member's own notice the button shows the answer (not under the group's)."""
    svc = services(context)
    await svc.db.run(rsvp_store.respond, member=caller.member, meeting_id=data.int_arg(), attend=True, reason=None,
                     now=svc.clock.now())
    query = update.callback_query
    message = query.message if query is not None else None
    if (query is not None and message is not None and message.chat.type == "private"
            and isinstance(message, Message) and message.reply_markup is not None
            and len(message.reply_markup.inline_keyboard) == 1):
        markup = view.rsvp_keyboard(svc.texts, caller.lang, data.int_arg(), attending=True)
        member_id = caller.member.id if caller.member is not None else None
        meeting, told = await svc.db.run(_meeting_and_shown, meeting_id=data.int_arg(), member_id=member_id,
                                         chat_id=message.chat_id, message_id=message.message_id)
        text = (_current_text(svc, caller.lang, meeting, message.text or "", told) if meeting is not None else None
                ) or _attending_text(svc, caller.lang, message.text_html or "")
        with contextlib.suppress(BadRequest):  # a race with another edit: what it shows is still the answer
            if text is None:
                if _same_keyboard(message.reply_markup, markup):
                    return svc.texts.plain("mtg.toast.attend", caller.lang)  # a second tap: shown already
                await query.edit_message_reply_markup(markup)
            else:  # the card said "您已请假…": it must not contradict the button under it
                await query.edit_message_text(text, reply_markup=markup)
    return svc.texts.plain("mtg.toast.attend", caller.lang)


def _same_keyboard(shown: InlineKeyboardMarkup, wanted: InlineKeyboardMarkup) -> bool:
    """Whether the message already carries ``wanted`` (a second 参加 tap): editing it again only earns
    Telegram's "message is not modified" and a wasted request."""
    def labels(markup: InlineKeyboardMarkup) -> list[list[tuple[str, object]]]:
        return [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    return labels(shown) == labels(wanted)


def _meeting_and_shown(session: Session, *, meeting_id: int, member_id: int | None, chat_id: int, message_id: int
                       ) -> tuple[Meeting | None, dict[str, object] | None]:
    """The meeting, and the details the tapped message recorded showing (``scheduler.seen``): one of the
    member's notices, reminders or change notices, or a card a handler sent (a ``/meeting`` view)."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=meeting_id)
    if meeting is None or member_id is None:
        return meeting, None
    return meeting, (seen.shown_in_message(session=session, meeting_id=meeting_id, member_id=member_id,
                                           message_id=message_id)
                     or seen.shown_on_card(session=session, meeting_id=meeting_id, chat_id=chat_id,
                                           message_id=message_id))


def _current_text(svc: Services, lang: str, meeting: Meeting, shown: str, told: dict[str, object] | None
                  ) -> str | None:
    """An out-of-date card (the meeting moved or changed since it was sent), redrawn with what holds now
    under "会议有变动，以此为准" (trial T1): the card that confirms 参加 must not show the old time and place.
    ``None`` when the card already shows the current details.  A notice that recorded what it showed
    (``told``) is compared by those details, not by its text: a card sent in another language, or worded
    before a release changed the card, shows no change (review R2.13); a /meeting reply or a creation
    confirmation records them too (``unbutton.record_card``).  Only a card recorded before that is compared
    as plain text, as Telegram keeps it."""
    current = view.card(svc.texts, lang, meeting, svc.settings.tz)
    if told is not None:
        if told == meeting_store.announced(meeting):
            return None
    elif _plain(current) in shown:
        return None
    return "\n".join([svc.texts.t("mtg.change.head", lang), current, svc.texts.t("mtg.answer.attend", lang)])


def _plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def _attending_text(svc: Services, lang: str, shown_html: str) -> str | None:
    """The card's text with its leave answer line — or a moved meeting's "please confirm" (trial T14) —
    replaced by the attending one; ``None`` if it has none."""
    keys = [f"mtg.answer.leave_{s}" for s in ("pending", "approved", "declined")]
    keys += [f"mtg.answer.moved.{s}" for s in ("attend", "leave_pending", "leave_approved")]
    for key in keys:
        line = str(svc.texts.t(key, lang))
        if line in shown_html:
            return shown_html.replace(line, str(svc.texts.t("mtg.answer.attend", lang)))
    return None


async def leave_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                       ) -> str | None:
    """请假: check the meeting still takes answers, then ask for the reason in the private chat."""
    svc = services(context)
    assert caller.member is not None and context.user_data is not None
    meeting = await svc.db.run(meeting_store.addressed_meeting, actor=caller.member, scope=caller.scope,
                               meeting_id=data.int_arg())
    rsvp_store.check_answerable(meeting, svc.clock.now())  # refused as 参加 is: the same toast
    await svc.db.run(rsvp_store.check_may_ask_leave, meeting=meeting, member=caller.member)  # checked in: no 请假
    context.user_data[LEAVE_KEY] = meeting.id
    await send_to_member(context.bot, svc, caller.member, svc.texts.t("mtg.leave.ask", caller.lang,
                                                                      topic=meeting.topic))
    # pressed in the private chat the question is right below; under the group's notice it went to private
    query = update.callback_query
    in_private = query is not None and query.message is not None and query.message.chat.type == "private"
    return svc.texts.plain("mtg.toast.leave_below" if in_private else "mtg.toast.leave_ask", caller.lang)


# also under the group's notice: the reason is then asked in the private chat
start_leave = conversation_button(Role.MEMBER, leave_button, key=LEAVE_KEY, state=REASON, private=False)


async def receive_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The reason for 请假: record it and put it before the secretaries with approve / decline buttons."""
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    meeting_id = context.user_data.pop(LEAVE_KEY, None)
    message = update.effective_message
    if caller is None or caller.member is None or meeting_id is None or message is None:
        return ConversationHandler.END
    if not caller.active:  # left (or was removed) while the prompt waited, e.g. across a restart (R2.6)
        await reply(update, svc.texts.t("mtg.leave.not_member", caller.lang))
        raise ApplicationHandlerStop(ConversationHandler.END)
    reason = form.clean(message.text or "")[:500]
    try:
        # recorded with the flow's end, in one transaction: a crash cannot leave the reason filed and the
        # prompt still waiting (review R2.4)
        _row, meeting = await finish_flow(context.application, "rsvp_leave", caller.user_id, context.user_data,
                                          svc.db, leave.request_leave, member=caller.member,
                                          meeting_id=meeting_id, reason=reason, now=svc.clock.now())
    except DomainError as exc:
        await reply(update, svc.texts.t(f"error.{exc.code}", caller.lang, **exc.params))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    await reply(update, svc.texts.t("mtg.leave.sent", caller.lang, topic=meeting.topic))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def decide_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                        ) -> str:
    """批准 / 不批准 a 请假 (or change the decision): recorded, shown on the request with a button to change
    it; the member hears the decision through the outbox."""
    svc = services(context)
    approve = data.action in ("a", "xa")
    query = update.callback_query
    try:
        row, member, meeting = await svc.db.run(leave.decide_leave, actor=caller.member, scope=caller.scope,
                                                rsvp_id=data.int_arg(), approve=approve, now=svc.clock.now(),
                                                change=data.action.startswith("x"))
    except InvalidState as exc:
        if exc.code in UNDECIDABLE and query is not None and query.message is not None:
            # nobody can decide it any more (trial T2): the buttons go, the toast says why
            with contextlib.suppress(BadRequest):
                await query.edit_message_reply_markup(reply_markup=None)
        raise
    outcome = "approved" if approve else "declined"
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # "message is not modified": a double tap is done, not an error
            await query.edit_message_text(svc.texts.t(f"mtg.leave.{outcome}_by", caller.lang, name=member.name,
                                                      topic=meeting.topic,
                                                      reason=row.reason or svc.texts.plain("mtg.glyph.none",
                                                                                           caller.lang)),
                                          reply_markup=view.decided_keyboard(svc.texts, caller.lang, row.id,
                                                                             approved=approve))
    return svc.texts.plain(f"mtg.toast.{outcome}", caller.lang)


async def change_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                        ) -> str:
    """改为… asks first (the request's text stays): [保留原决定] [确定改为…]; 保留 puts the change button back.
    Nothing is recorded here, so a stray tap changes nothing the member hears."""
    svc = services(context)
    rsvp_id = data.int_arg()
    query = update.callback_query
    if data.action in ("ka", "kd"):
        markup = view.decided_keyboard(svc.texts, caller.lang, rsvp_id, approved=data.action == "ka")
        toast = "mtg.toast.decision_kept"
    else:
        markup = view.change_keyboard(svc.texts, caller.lang, rsvp_id, approve=data.action == "ca")
        toast = "mtg.toast.change_ask"
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # "message is not modified": a double tap is done, not an error
            await query.edit_message_reply_markup(reply_markup=markup)
    return svc.texts.plain(toast, caller.lang)


async def ics_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                     ) -> str | None:
    """日历: the meeting as an .ics file, sent to the member's private chat."""
    svc = services(context)
    assert caller.member is not None
    member, scope = caller.member, caller.scope

    def build(*, session: Session) -> tuple[bytes, Meeting]:
        meeting = meeting_store.addressed_meeting(session=session, actor=member, meeting_id=data.int_arg(),
                                                  scope=scope)
        return view.ics_bytes(meeting, svc.settings.tz, view.branch_name(session, meeting)), meeting

    content, meeting = await svc.db.run(build)
    # named from what the member knows (会议-党员大会-0420.ics), not the meeting's internal key
    name = svc.texts.plain("mtg.ics_file", caller.lang, kind=file_word(kind_word(svc.texts, caller.lang, meeting.kind)),
                           date=f"{meeting.starts_at.astimezone(svc.settings.tz):%m%d}")
    await context.bot.send_document(caller.member.chat_id or caller.user_id, content, filename=name,
                                    caption=svc.texts.t("mtg.ics_caption", caller.lang))
    return None


async def drop_reason_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """参加 tapped while the reason for 请假 is awaited: the member changed their mind, so the prompt goes
    (else their next ordinary message would be filed as a leave request and undo the 参加).  Returns without
    stopping: the 参加 button's own handler (a later group) still records the answer."""
    assert context.user_data is not None
    context.user_data.pop(LEAVE_KEY, None)
    return ConversationHandler.END


def leave_conversation(ends: list[AnyHandler]) -> AnyHandler:
    """After 请假 the member's next private text is the reason (``ends``: /cancel and other commands; 参加
    under any notice drops the prompt too)."""
    private = filters.ChatType.PRIVATE
    attend = cast(AnyHandler, CallbackQueryHandler(drop_reason_prompt, pattern=rf"{pattern(view.CB)}y:"))
    with warnings.catch_warnings():
        # per user, not per message: the reason arrives as a new message
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(start_leave, pattern=rf"{pattern(view.CB)}n:")],
            states={REASON: [cast(AnyHandler, MessageHandler(filters.TEXT & ~filters.COMMAND & private,
                                                             receive_reason))]},
            fallbacks=[*ends, attend], allow_reentry=True, conversation_timeout=PROMPT_TIMEOUT_S,
            per_chat=False,  # 请假 may be pressed in the group; the reason is typed in private
            name="rsvp_leave", persistent=True,  # kept across a restart (bot.flow_store)
        )


def rsvp_buttons() -> list[AnyHandler]:
    prefix = pattern(view.CB)
    return [
        # 参加 and 日历 work under the group's notice too: the answer is a toast, the file goes to the private chat
        CallbackQueryHandler(guarded_callback(Role.MEMBER, attend_button, private=False), pattern=rf"{prefix}y:"),
        CallbackQueryHandler(guarded_callback(Role.MEMBER, ics_button, private=False), pattern=rf"{prefix}i:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, decide_button), pattern=rf"{prefix}x?[ad]:"),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, change_button), pattern=rf"{prefix}[ck][ad]:"),
    ]
