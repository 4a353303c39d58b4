"""Meetings in chat: create (guided or one line), list, view, edit, cancel, skip or end a monthly series.

::

    /newmeeting                     ─▶ [党员大会][支委会]… ─▶ topic ─▶ time ─▶ place ─▶ [once][monthly] ─▶ created
    /newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | 主题 [| 每月] [| 90分钟] [| 主持 王明洲] [| 支委]
    /meetings                       ─▶ upcoming and recent
    /meeting 5                      ─▶ the card, your answer, [参加][请假][日历] (+ [取消会议] for secretaries)
    /meeting 5 时间 2026-03-26 15:00 ─▶ edited: everyone already notified hears of it on the next tick

Notices and reminders themselves are produced by ``scheduler/reminders.py`` and rendered by
``bot/meeting_notices.py``; 参加 / 请假 and the calendar file are ``bot/handlers/rsvp.py``; check-in and the
roster are ``bot/handlers/checkin.py``.
"""

from __future__ import annotations

import contextlib
import warnings
from datetime import datetime
from functools import partial

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import meeting_form as form
from bot import meeting_notices as notices
from bot import meeting_view as view
from bot.callbacks import CallbackData, pattern
from bot.commands import Command, UsageError, args_of, conversation_button, guarded_callback, int_arg
from bot.confirm import CANCEL, Outcome, confirm_keyboard, run_confirmed
from bot.context import Caller, Services, load_caller, reply, services
from bot.feature import AnyHandler, Feature
from bot.handlers import rsvp
from bot.handlers.checkin import CHECKIN_COMMANDS, LINK_PREFIX, checkin_handlers, deep_link
from bot.handlers.rsvp import LEAVE_KEY, PROMPT_TIMEOUT_S
from bot.texts import Safe
from bot.words import kind_word
from scheduler import reminders
from scheduler.tick import Producer
from storage import attendance, meeting_series
from storage import meetings as meeting_store
from storage.errors import InvalidState
from storage.meeting_audience import is_attendee
from storage.meetings import MeetingSpec
from storage.models import Audience, Meeting, MeetingKind, MeetingStatus, Member, Role
from storage.scope import Scope

TOPIC, START, PLACE, REPEAT = range(1, 5)
DRAFT_KEY = "mt.draft"


# --------------------------------------------------------------------------- creating


async def new_meeting(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/newmeeting`` — with arguments the one-line form, without them the guided conversation."""
    svc = services(context)
    text = (update.effective_message.text or "") if update.effective_message else ""
    line = text.partition(" ")[2].strip()
    if not line:
        assert context.user_data is not None
        context.user_data[DRAFT_KEY] = {}
        await reply(update, svc.texts.t("mtg.wizard.kind", caller.lang), reply_markup=form.kind_keyboard(svc.texts,
                                                                                                       caller.lang))
        return
    try:
        parsed = form.parse_line(line, svc.settings.tz, svc.clock.now())
    except form.FormError as exc:
        await reply(update, svc.texts.t(f"mtg.form.{exc.code}", caller.lang, **exc.params))
        return
    await _create(update, svc, caller, parsed.spec, parsed.monthly)


async def _create(update: Update, svc: Services, caller: Caller, spec: MeetingSpec, monthly: bool) -> None:
    now = svc.clock.now()
    if monthly:
        _series, created = await svc.db.run(meeting_series.create_series, actor=caller.member, scope=caller.scope,
                                            spec=spec,
                                            tz=svc.settings.tz, now=now)
        first = created[0]
        text = svc.texts.t("mtg.created_series", caller.lang, count=len(created), day=first.starts_at.astimezone(
            svc.settings.tz).day)
    else:
        first = await svc.db.run(meeting_store.create_meeting, actor=caller.member, scope=caller.scope,
                                 spec=spec, now=now)
        text = svc.texts.t("mtg.created", caller.lang)
    body = Safe(text + "\n\n" + view.card(svc.texts, caller.lang, first, svc.settings.tz))
    if not spec.materials:  # the 补学 reads a meeting's materials: say how to name them later
        body = Safe(body + "\n\n" + svc.texts.t("mtg.add_materials", caller.lang, id=first.id))
    invited = await svc.db.run(_invited, actor=caller.member, meeting_id=first.id)
    await reply(update, body, reply_markup=view.secretary_keyboard(svc.texts, caller.lang, first, invited=invited))


async def wizard_kind(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                      ) -> str | None:
    svc = services(context)
    assert context.user_data is not None
    kind = form.KINDS[data.int_arg(low=0, high=len(form.KINDS) - 1)]
    context.user_data[DRAFT_KEY] = {"kind": kind}
    await reply(update, svc.texts.t("mtg.wizard.topic", caller.lang, kind=kind_word(svc.texts, caller.lang, kind)))
    return None


start_wizard = conversation_button(Role.SECRETARY, wizard_kind, key=DRAFT_KEY, state=TOPIC)


async def wizard_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Topic, then time, then place (and for a 党小组会 the party group): each answer is checked, a bad one
    asked again."""
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    draft: dict[str, object] | None = context.user_data.get(DRAFT_KEY)
    message = update.effective_message
    if caller is None or draft is None or message is None or not caller.at_least(Role.SECRETARY):
        context.user_data.pop(DRAFT_KEY, None)
        return ConversationHandler.END
    text = form.clean(message.text or "")
    if "topic" not in draft:
        if not text:
            raise ApplicationHandlerStop(TOPIC)
        draft["topic"] = text[:meeting_store.MAX_TOPIC]
        await reply(update, svc.texts.t("mtg.wizard.start", caller.lang))
        raise ApplicationHandlerStop(START)
    if "start" not in draft:
        try:
            draft["start"] = form.parse_start(text, svc.settings.tz, svc.clock.now())
        except form.FormError as exc:
            await reply(update, svc.texts.t(f"mtg.form.{exc.code}", caller.lang, **exc.params))
            raise ApplicationHandlerStop(START) from None
        await reply(update, svc.texts.t("mtg.wizard.place", caller.lang))
        raise ApplicationHandlerStop(PLACE)
    if not text:
        raise ApplicationHandlerStop(PLACE)
    if "place" not in draft:
        draft["place"] = text[:meeting_store.MAX_PLACE]
        if draft["kind"] == MeetingKind.GROUP:  # a 党小组会 is for one party group: which?
            groups = await svc.db.run(meeting_store.known_party_groups, actor=caller.member, scope=caller.scope)
            asked = svc.texts.t("mtg.wizard.group", caller.lang)
            if groups:
                asked = Safe(asked + "\n" + svc.texts.t("mtg.wizard.groups", caller.lang, groups="、".join(groups)))
            await reply(update, asked)
            raise ApplicationHandlerStop(PLACE)
    else:
        groups = await svc.db.run(meeting_store.known_party_groups, actor=caller.member, scope=caller.scope)
        if text[:32] not in groups:  # a group nobody is in would make a meeting nobody is told of: ask again
            key = "error.party_group_unknown" if groups else "error.party_group_none"
            await reply(update, svc.texts.t(key, caller.lang, name=text[:32], groups="、".join(groups)))
            raise ApplicationHandlerStop(PLACE)
        draft["group"] = text[:32]
    await reply(update, svc.texts.t("mtg.wizard.repeat", caller.lang),
                reply_markup=form.repeat_keyboard(svc.texts, caller.lang))
    raise ApplicationHandlerStop(REPEAT)


async def wizard_repeat(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                        ) -> str | None:
    svc = services(context)
    assert context.user_data is not None
    draft = context.user_data.pop(DRAFT_KEY, None)
    if not draft or not {"kind", "topic", "start", "place"} <= set(draft):
        return svc.texts.plain("button.expired", caller.lang)
    start = draft["start"]
    assert isinstance(start, datetime)
    extra: dict[str, object] = {}
    if draft.get("group"):
        extra = {"audience": Audience.GROUP, "audience_group": str(draft["group"])}
    spec = form.spec_for(str(draft["kind"]), str(draft["topic"]), start, str(draft["place"]), **extra)
    with contextlib.suppress(BadRequest):
        if update.callback_query is not None:
            await update.callback_query.edit_message_reply_markup(None)
    await _create(update, svc, caller, spec, monthly=data.args[0] == "1")
    return None


_wizard_repeat = guarded_callback(Role.SECRETARY, wizard_repeat)


async def stray_kind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a kind button while the form is being filled (the keyboard stays on screen): starting over
    would silently drop what was typed, so the answers are kept and a toast says how to start over."""
    svc = services(context)
    caller = await load_caller(update, svc)
    if update.callback_query is not None:
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer(svc.texts.plain("mtg.wizard.busy", caller.lang if caller else None))
    raise ApplicationHandlerStop()  # the state stays; the catch-all for old buttons must not answer again


async def repeat_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _wizard_repeat(update, context)
    raise ApplicationHandlerStop(ConversationHandler.END)


# --------------------------------------------------------------------------- reading and editing


async def list_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/meetings`` — upcoming and recent meetings that concern the caller."""
    svc = services(context)
    upcoming, recent = await svc.db.run(meeting_store.list_meetings, actor=caller.member, scope=caller.scope,
                                        now=svc.clock.now())

    def line(m: Meeting) -> str:
        state = svc.texts.plain("mtg.list.cancelled", caller.lang) if m.status == MeetingStatus.CANCELLED else ""
        return svc.texts.t("mtg.list.line", caller.lang, id=m.id, kind=kind_word(svc.texts, caller.lang, m.kind),
                           topic=m.topic, state=state,
                           start=view.when(svc.texts, caller.lang, m.starts_at, svc.settings.tz))

    parts: list[str] = [svc.texts.t("mtg.list.upcoming", caller.lang)] + ([line(m) for m in upcoming] or
                                                              [svc.texts.t("mtg.list.none", caller.lang)])
    if recent:
        parts += [svc.texts.t("mtg.list.recent", caller.lang)] + [line(m) for m in recent]
    parts.append(svc.texts.t("mtg.list.hint", caller.lang))
    await reply(update, Safe("\n".join(parts)))


async def show_meeting(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/meeting <id>`` to view; a secretary adds a field and a value to edit, or 取消 to cancel."""
    svc = services(context)
    args = args_of(context)
    if not args:
        raise UsageError()
    meeting_id = int_arg(args[0])
    assert caller.member is not None
    if len(args) > 1:
        if not caller.at_least(Role.SECRETARY):
            await reply(update, svc.texts.t("auth.refused", caller.lang, command="meeting"))
            return
        field_name, value = form.parse_edit(args[1:], svc.settings.tz, svc.clock.now())
        if field_name == "cancel":  # asked first: everyone already notified will be told
            await _ask_cancel(update, svc, caller, meeting_id)
            return
        meeting = await svc.db.run(meeting_store.edit_meeting, actor=caller.member, scope=caller.scope,
                                   meeting_id=meeting_id,
                                   field_name=field_name, value=value, now=svc.clock.now())
        await reply(update, Safe(svc.texts.t("mtg.edited", caller.lang) + "\n\n"
                                 + view.card(svc.texts, caller.lang, meeting, svc.settings.tz)))
        return
    meeting, answer, invited = await svc.db.run(_meeting_and_answer, actor=caller.member, scope=caller.scope,
                                                meeting_id=meeting_id)
    text = view.card(svc.texts, caller.lang, meeting, svc.settings.tz)
    takes_answers = meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at > svc.clock.now()
    # a cancelled meeting's card says so and no more; once begun, only an answer given is worth repeating;
    # a secretary outside its audience (another 党小组's meeting) has nothing to answer
    if (takes_answers and invited) or (answer[0] is not None and meeting.status != MeetingStatus.CANCELLED):
        text = Safe(text + "\n" + view.answer_line(svc.texts, caller.lang, answer[0], answer[1]))
    markup: InlineKeyboardMarkup | None = None
    if takes_answers:
        markup = view.rsvp_keyboard(svc.texts, caller.lang, meeting.id)
        if caller.at_least(Role.SECRETARY):
            markup = view.secretary_keyboard(svc.texts, caller.lang, meeting, invited=invited)
            text = Safe(text + "\n" + svc.texts.t("mtg.edit_hint", caller.lang, id=meeting.id))
    await reply(update, text, reply_markup=markup)


def _meeting_and_answer(*, session: Session, actor: Member, scope: Scope, meeting_id: int
                        ) -> tuple[Meeting, tuple[str | None, str | None], bool]:
    """The meeting, the caller's answer to it, and whether it addresses the caller at all."""
    assert actor.id is not None
    meeting = meeting_store.addressed_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=scope)
    row = attendance.rsvp_of(session=session, meeting_id=meeting_id, member_id=actor.id)
    return (meeting, (row.response if row else None, row.leave_status if row else None),
            is_attendee(session=session, meeting=meeting, member=actor))


def _invited(*, session: Session, actor: Member, meeting_id: int | None) -> bool:
    """Whether the meeting just created addresses its creator (the answer buttons are for attendees)."""
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    return meeting is not None and is_attendee(session=session, meeting=meeting, member=actor)


async def party_group(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/partygroup <name> <id>…`` — put members into a 党小组, for meetings addressed to it."""
    svc = services(context)
    args = args_of(context)
    if len(args) < 2:
        raise UsageError()
    ids = [int_arg(a) for a in args[1:]]
    count = await svc.db.run(meeting_store.set_party_group, actor=caller.member, scope=caller.scope,
                             name=args[0][:32], member_ids=ids,
                             now=svc.clock.now())
    await reply(update, svc.texts.t("mtg.group_set", caller.lang, name=args[0][:32], count=count))


# --------------------------------------------------------------------------- buttons


async def cancel_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    svc = services(context)
    caller = await load_caller(update, svc)
    assert context.user_data is not None
    context.user_data.pop(LEAVE_KEY, None)
    context.user_data.pop(DRAFT_KEY, None)
    await reply(update, svc.texts.t("mtg.prompt_cancelled", caller.lang if caller else None))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def leave_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Any other command ends the prompt silently and still runs (the main group handles it)."""
    assert context.user_data is not None
    context.user_data.pop(LEAVE_KEY, None)
    context.user_data.pop(DRAFT_KEY, None)
    return ConversationHandler.END


async def _ask_cancel(update: Update, svc: Services, caller: Caller, meeting_id: int) -> None:
    """The question before a cancellation, with [确定取消][保留] (``bot/confirm.py``)."""
    meeting = await svc.db.run(meeting_store.cancellable, actor=caller.member, scope=caller.scope,
                               meeting_id=meeting_id, now=svc.clock.now())
    assert meeting.id is not None
    await reply(update, svc.texts.t("mtg.cancel.confirm", caller.lang, id=meeting.id, topic=meeting.topic,
                                    start=view.when(svc.texts, caller.lang, meeting.starts_at, svc.settings.tz)),
                reply_markup=confirm_keyboard(svc, caller.lang, view.CB, "cx", (meeting.id, meeting.revision),
                                              yes_key="mtg.btn.confirm_cancel", no_key="mtg.btn.keep"))


async def cancel_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                        ) -> str | None:
    """取消会议 (and ``/meeting ID 取消``) asks first; 确定取消 cancels (an occurrence of a series: skips it) and
    members are told, 保留 leaves it.  ⏹ (end a monthly series) asks the same way."""
    svc = services(context)
    if data.action == "c":
        await _ask_cancel(update, svc, caller, data.int_arg())
        return None
    if data.action == "e":  # ending a series cancels every occurrence planned: asked first as well
        series, planned = await svc.db.run(meeting_series.ending, actor=caller.member, scope=caller.scope,
                                           series_id=data.int_arg(), now=svc.clock.now())
        await reply(update, svc.texts.t("mtg.series_confirm", caller.lang, topic=series.topic, day=series.day,
                                        count=len(planned)),
                    reply_markup=confirm_keyboard(svc, caller.lang, view.CB, "ex", (data.int_arg(),),
                                                  yes_key="mtg.btn.confirm_end", no_key="mtg.btn.keep"))
        return None
    if data.action == "k":  # the 保留 of a question asked before the confirmation was shared
        data = CallbackData(data.feature, CANCEL, data.args)

    async def apply() -> Outcome:
        if data.action == "ex":
            ended = await svc.db.run(meeting_series.end_series, actor=caller.member, scope=caller.scope,
                                     series_id=data.int_arg(), now=svc.clock.now())
            return "mtg.series_ended", {"count": len(ended)}
        # the question named one version of the meeting; a button without it (older) is refused the same way
        asked = data.int_arg(1, low=0) if len(data.args) > 1 else -1
        try:
            meeting = await svc.db.run(meeting_store.cancel_meeting, actor=caller.member, scope=caller.scope,
                                       meeting_id=data.int_arg(), now=svc.clock.now(), revision=asked)
        except InvalidState as exc:
            if exc.code != "meeting_changed":
                raise
            return "mtg.cancel.changed", {"id": data.int_arg()}  # in place of the stale question
        return "mtg.cancelled", {"id": meeting.id, "topic": meeting.topic}

    return await run_confirmed(update, svc, caller, data, apply, cancelled_key="mtg.cancel.kept")


def _conversations() -> list[AnyHandler]:
    private = filters.ChatType.PRIVATE
    prefix = pattern(view.CB)
    ends: list[AnyHandler] = [CommandHandler("cancel", cancel_prompt, filters=private),
                              MessageHandler(filters.COMMAND & private, leave_prompt)]
    text_step: list[AnyHandler] = [MessageHandler(filters.TEXT & ~filters.COMMAND & private, wizard_text)]
    with warnings.catch_warnings():
        # per chat and user, not per message: the answers arrive as new messages
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        wizard = ConversationHandler(
            entry_points=[CallbackQueryHandler(start_wizard, pattern=rf"{prefix}wk:")],
            states={TOPIC: text_step, START: text_step, PLACE: text_step,
                    REPEAT: [CallbackQueryHandler(repeat_chosen, pattern=rf"{prefix}wr:")]},
            fallbacks=[CallbackQueryHandler(stray_kind, pattern=rf"{prefix}wk:"), *ends],
            conversation_timeout=PROMPT_TIMEOUT_S,
        )
    return [rsvp.leave_conversation(ends), wizard]


def _buttons() -> list[AnyHandler]:
    return [
        *rsvp.rsvp_buttons(),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, cancel_button),
                             pattern=rf"{pattern(view.CB)}(c|cx|k|no|e|ex):"),
        *checkin_handlers(),
    ]


FEATURE = Feature(
    name="meetings",
    commands=(
        Command("meetings", Role.MEMBER, list_meetings, "meetings"),
        Command("meeting", Role.MEMBER, show_meeting, "meetings"),
        *CHECKIN_COMMANDS,
        Command("newmeeting", Role.SECRETARY, new_meeting, "meetings"),
        Command("partygroup", Role.SECRETARY, party_group, "meetings"),
    ),
    # the 请假 reason and the guided /newmeeting read the user's next text, so they see it first
    conversations=_conversations,
    deep_links={LINK_PREFIX: deep_link},  # /start ci_<meeting>_<code>: the check-in QR
    handlers=_buttons,
    producers=lambda svc: reminders_for(svc),
    deliveries=lambda svc: notices.delivery_kinds(svc.texts, svc.settings),
)


def reminders_for(svc: Services) -> list[Producer]:
    settings = svc.settings
    notify_group = settings.meeting_options.notify_group
    return [
        partial(reminders.produce_series, tz=settings.tz),
        partial(reminders.produce_notices, offsets=settings.schedule.offsets(), notify_group=notify_group),
        partial(reminders.produce_changes, notify_group=notify_group),
        partial(reminders.produce_makeup, window=view.window_of(settings)),
    ]
