"""Creating a meeting: the one-line ``/newmeeting`` and the guided form (part of the meetings feature,
registered by ``bot/handlers/meetings.py``).

::

    /newmeeting                     ─▶ [党员大会][支委会]… ─▶ topic ─▶ time ─▶ place ─▶ [once][monthly] ─▶ created
    /newmeeting 主题党日 | 2026-04-15 14:30 | 三楼会议室 | 主题 [| 每月] [| 90分钟] [| 主持 王明洲] [| 支委]

The kind keyboard stays on screen while the form is filled: a later tap on it is answered with a toast and
keeps what was typed.
"""

from __future__ import annotations

import contextlib
import warnings
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Update
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
from bot.commands import conversation_button, guarded_callback
from bot.context import Caller, Services, load_caller, reply, services
from bot.feature import AnyHandler
from bot.flow_store import finish_flow
from bot.handlers.rsvp import PROMPT_TIMEOUT_S
from bot.texts import Safe
from bot.words import kind_word
from scheduler import seen
from storage import meeting_series
from storage import meetings as meeting_store
from storage.meeting_audience import attendees, is_attendee
from storage.meetings import MeetingSpec
from storage.models import Audience, Meeting, MeetingKind, Member, Role
from storage.scope import Scope

TOPIC, START, PLACE, REPEAT = range(1, 5)
DRAFT_KEY = "mt.draft"
WIZARD_NAME = "newmeeting_wizard"


# --------------------------------------------------------------------------- creating


async def new_meeting(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/newmeeting`` — with arguments the one-line form, without them the guided conversation."""
    svc = services(context)
    text = (update.effective_message.text or "") if update.effective_message else ""
    line = text.partition(" ")[2].strip()
    if not line:
        assert context.user_data is not None
        context.user_data[DRAFT_KEY] = {}
        await reply(update, svc.texts.t("mtg.wizard.kind", caller.lang, example=_example(svc)),
                    reply_markup=form.kind_keyboard(svc.texts, caller.lang))
        return
    try:
        parsed = form.parse_line(line, svc.settings.tz, svc.clock.now())
    except form.FormError as exc:
        await reply(update, form.error_text(svc.texts, caller.lang, exc, svc.clock.now(), svc.settings.tz))
        return
    await _create(update, svc, caller, parsed.spec, parsed.monthly)


async def _create(update: Update, svc: Services, caller: Caller, spec: MeetingSpec, monthly: bool,
                  guided: ContextTypes.DEFAULT_TYPE | None = None) -> None:
    """Create and confirm; ``guided``: the guided form's context, whose flow ends in the same transaction
    as the meeting is created (review R2.4: a crash between them cannot leave the form open on a draft
    that was already made into a meeting)."""
    kwargs: dict[str, object] = {"actor": caller.member, "scope": caller.scope, "spec": spec, "monthly": monthly,
                                 "tz": svc.settings.tz, "now": svc.clock.now()}
    if guided is not None and guided.user_data is not None:
        created, invited, others = await finish_flow(guided.application, WIZARD_NAME, caller.user_id,
                                                     guided.user_data, svc.db, _created, **kwargs)
    else:
        created, invited, others = await svc.db.run(_created, **kwargs)
    first = created[0]
    day = first.starts_at.astimezone(svc.settings.tz).day
    if not others:  # nobody but the creator is addressed: promise no notices, say why (trial T12)
        text = svc.texts.t("mtg.created_series_alone" if monthly else "mtg.created_alone", caller.lang,
                           count=len(created), day=day)
        text = Safe(text + "\n" + _alone_warning(svc, caller.lang, first, invited))
    elif monthly:
        text = svc.texts.t("mtg.created_series", caller.lang, count=len(created), day=day)
    else:
        text = _created_text(svc, caller.lang, first)
    body = Safe(text + "\n\n" + view.card(svc.texts, caller.lang, first, svc.settings.tz))
    if not spec.materials:  # the 补学 reads a meeting's materials: say how to name them later
        body = Safe(body + "\n\n" + svc.texts.t("mtg.add_materials", caller.lang, id=first.id))
    if guided:  # the form asks only what every meeting needs: say how to name the rest it did not ask
        body = Safe(body + "\n\n" + svc.texts.t("mtg.wizard.more", caller.lang, id=first.id,
                                                  minutes=spec.duration_minutes))
    sent = await reply(update, body, reply_markup=view.secretary_keyboard(svc.texts, caller.lang, first,
                                                                         invited=invited))
    await notices.remember_card(svc, caller, first, sent)


def _created_text(svc: Services, lang: str, meeting: Meeting) -> Safe:
    """The confirmation names only the reminders still ahead (trial T9): a meeting made the day before gets
    no "3 天前" promise that cannot be kept."""
    now = svc.clock.now()
    ahead = [o for o in svc.settings.schedule.offsets() if meeting.starts_at - o > now]
    if not ahead:
        return svc.texts.t("mtg.created_no_reminder", lang)
    return svc.texts.t("mtg.created", lang, reminders=svc.texts.join([_offset(svc, lang, o) for o in ahead], lang))


def _alone_warning(svc: Services, lang: str, meeting: Meeting, invited: bool) -> Safe:
    """Why nobody will be notified: a 支委会 addresses the 支部委员, and a branch that has named none yet
    (``/setrole 姓名 委员``) has only its secretaries on the committee."""
    if meeting.audience == Audience.COMMITTEE:
        return svc.texts.t("mtg.alone.committee", lang)
    return svc.texts.t("mtg.alone.you" if invited else "mtg.alone.nobody", lang)


def _example(svc: Services) -> str:
    return form.example_start(svc.clock.now(), svc.settings.tz)


def _offset(svc: Services, lang: str, offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    if seconds % 86400 == 0:
        return svc.texts.plain("mtg.offset.days", lang, n=seconds // 86400)
    if seconds % 3600 == 0:
        return svc.texts.plain("mtg.offset.hours", lang, n=seconds // 3600)
    return svc.texts.plain("mtg.offset.minutes", lang, n=seconds // 60)



async def _begin(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, kind: str) -> bool:
    """The form with its kind chosen: ask the topic (``True``). A 党小组会 needs a party group: with none in
    the branch the form would ask for one it cannot accept, so say so and offer the kinds again (V13)."""
    svc = services(context)
    assert context.user_data is not None
    if kind == MeetingKind.GROUP:
        groups = await svc.db.run(meeting_store.known_party_groups, actor=caller.member, scope=caller.scope)
        if not groups:
            context.user_data.pop(DRAFT_KEY, None)
            await reply(update, svc.texts.t("mtg.wizard.no_groups", caller.lang),
                        reply_markup=form.kind_keyboard(svc.texts, caller.lang))
            return False
    context.user_data[DRAFT_KEY] = {"kind": kind}
    await reply(update, svc.texts.t("mtg.wizard.topic", caller.lang, kind=kind_word(svc.texts, caller.lang, kind)))
    return True


async def wizard_kind(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                      ) -> str | None:
    await _begin(update, context, caller, form.KINDS[data.int_arg(low=0, high=len(form.KINDS) - 1)])
    return None


async def kind_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """``/newmeeting 党课`` — only a kind: the guided form with that kind chosen (V25). Anything else (another
    line, someone who may not create meetings) is left to the ``/newmeeting`` command itself."""
    svc = services(context)
    caller = await load_caller(update, svc)
    message = update.effective_message
    kind = form.kind_of((message.text or "").partition(" ")[2]) if message is not None else None
    if kind is None or caller is None or not caller.active or not caller.at_least(Role.SECRETARY):
        return None
    if await _begin(update, context, caller, kind):
        raise ApplicationHandlerStop(TOPIC)
    raise ApplicationHandlerStop(ConversationHandler.END)


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
        await reply(update, svc.texts.t("mtg.wizard.start", caller.lang, example=_example(svc)))
        raise ApplicationHandlerStop(START)
    if "start" not in draft:
        try:
            draft["start"] = form.parse_start(text, svc.settings.tz, svc.clock.now())
        except form.FormError as exc:
            await reply(update, form.error_text(svc.texts, caller.lang, exc, svc.clock.now(), svc.settings.tz))
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
                asked = Safe(asked + "\n" + svc.texts.t("mtg.wizard.groups", caller.lang, groups=list(groups)))
            await reply(update, asked)
            raise ApplicationHandlerStop(PLACE)
    else:
        groups = await svc.db.run(meeting_store.known_party_groups, actor=caller.member, scope=caller.scope)
        if text[:32] not in groups:  # a group nobody is in would make a meeting nobody is told of: ask again
            key = "error.party_group_unknown" if groups else "error.party_group_none"
            await reply(update, svc.texts.t(key, caller.lang, name=text[:32], groups=list(groups)))
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
    monthly = data.args[0] == "1"
    with contextlib.suppress(BadRequest):
        if update.callback_query is not None:  # the question keeps the answer taken, not a bare question (T9)
            chosen = svc.texts.plain("mtg.btn.monthly" if monthly else "mtg.btn.once", caller.lang)
            await update.callback_query.edit_message_text(
                svc.texts.t("mtg.wizard.repeat_chosen", caller.lang, choice=chosen), reply_markup=None)
    await _create(update, svc, caller, spec, monthly=monthly, guided=context)
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


def _created(*, session: Session, actor: Member, scope: Scope, spec: MeetingSpec, monthly: bool, tz: ZoneInfo,
             now: datetime) -> tuple[list[Meeting], bool, int]:
    """The meeting (or the series' occurrences, the first one first), whether the first addresses its
    creator (the answer buttons are for attendees) and how many others it addresses (none: the confirmation
    must not promise notices).  His confirmation shows the first one's card with those
    buttons: it is recorded as his notice in this same transaction (``scheduler.seen``), so no tick can slip
    a notice in between, and what he saw is the base of the change notices he gets later."""
    if monthly:
        _series, created = meeting_series.create_series(session=session, actor=actor, scope=scope, spec=spec,
                                                        tz=tz, now=now)
    else:
        created = [meeting_store.create_meeting(session=session, actor=actor, scope=scope, spec=spec, now=now)]
    invited = is_attendee(session=session, meeting=created[0], member=actor)
    if invited:
        seen.record_confirmation(session=session, meeting=created[0], member=actor, now=now, notice=True)
    others = sum(1 for m in attendees(session=session, meeting=created[0]) if m.id != actor.id)
    return created, invited, others


def wizard_conversation(ends: list[AnyHandler]) -> AnyHandler:
    """The guided form: a kind button opens it, each text answers the question asked (``ends``: /cancel and
    other commands)."""
    private = filters.ChatType.PRIVATE
    prefix = pattern(view.CB)
    text_step: list[AnyHandler] = [MessageHandler(filters.TEXT & ~filters.COMMAND & private, wizard_text)]
    with warnings.catch_warnings():
        # per chat and user, not per message: the answers arrive as new messages
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(start_wizard, pattern=rf"{prefix}wk:"),
                          CommandHandler("newmeeting", kind_only, filters=private)],
            states={TOPIC: text_step, START: text_step, PLACE: text_step,
                    REPEAT: [CallbackQueryHandler(repeat_chosen, pattern=rf"{prefix}wr:")]},
            fallbacks=[CallbackQueryHandler(stray_kind, pattern=rf"{prefix}wk:"), *ends],
            conversation_timeout=PROMPT_TIMEOUT_S,
            name=WIZARD_NAME, persistent=True,  # kept across a restart (bot.flow_store)
        )
