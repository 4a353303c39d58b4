"""Meetings in chat: list, view, edit, cancel, skip or end a monthly series; the feature that registers them all.

::

    /meetings [全部]                 ─▶ upcoming and recent (every one, by pages: ``bot/meeting_list.py``)
    /meeting 5                      ─▶ the card, your answer, [参加][请假][日历] (+ [取消会议] for secretaries)
    /meeting 5 时间 2026-03-26 15:00 ─▶ edited: everyone already notified hears of it on the next tick

Creating one (``/newmeeting``, one line or guided) is ``bot/handlers/meeting_create.py``. Notices and
reminders themselves are produced by ``scheduler/reminders.py`` and rendered by ``bot/meeting_notices.py``;
参加 / 请假 and the calendar file are ``bot/handlers/rsvp.py``; check-in and the roster are
``bot/handlers/checkin.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import code_screen, meeting_list
from bot import meeting_form as form
from bot import meeting_notices as notices
from bot import meeting_view as view
from bot.callbacks import CallbackData, pattern
from bot.commands import Command, UsageError, args_of, guarded_callback, int_arg, member_arg
from bot.confirm import CANCEL, Outcome, confirm_keyboard, run_confirmed
from bot.context import Caller, Services, load_caller, reply, services
from bot.feature import AnyHandler, Feature
from bot.flow_store import prune_flows
from bot.handlers import decline_note, meeting_create, rsvp
from bot.handlers.checkin import CHECKIN_COMMANDS, LINK_PREFIX, checkin_handlers, deep_link, offer_owed_makeup
from bot.handlers.rsvp import LEAVE_KEY
from bot.texts import Safe
from scheduler import reminders, seen, unbutton
from scheduler.tick import Producer
from storage import branches as branch_store
from storage import meeting_series
from storage import meetings as meeting_store
from storage import rsvp as rsvp_store
from storage.errors import InvalidState, NotFound
from storage.meeting_audience import is_attendee
from storage.models import Meeting, MeetingStatus, Member, Role
from storage.scope import Scope

# --------------------------------------------------------------------------- reading and editing


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
        try:
            field_name, value = form.parse_edit(args[1:], svc.settings.tz, svc.clock.now())
        except form.FormError as exc:  # a time in the past, 时长 0: say which, not the whole usage (V14)
            await reply(update, form.error_text(svc.texts, caller.lang, exc, svc.clock.now(), svc.settings.tz,
                                                meeting_id))
            return
        if field_name == "cancel":  # asked first: everyone already notified will be told
            await _ask_cancel(update, svc, caller, meeting_id)
            return
        meeting = await svc.db.run(_edited, actor=caller.member, scope=caller.scope, meeting_id=meeting_id,
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
            text = Safe(text + "\n" + svc.texts.t("mtg.edit_hint", caller.lang, id=meeting.id,
                                                   example=form.example_start(svc.clock.now(), svc.settings.tz)))
    sent = await reply(update, text, reply_markup=markup)
    if markup is not None:
        await notices.remember_card(svc, caller, meeting, sent)
    await offer_owed_makeup(update, svc, caller, meeting)


def _edited(*, session: Session, actor: Member, scope: Scope, meeting_id: int, field_name: str,
            value: str | datetime | int, now: datetime) -> Meeting:
    """Edit the meeting and record, in the same transaction, that the editor's confirmation showed its new
    card (``scheduler.seen``): his later notices compare with it, as everyone's compare with theirs."""
    meeting = meeting_store.edit_meeting(session=session, actor=actor, scope=scope, meeting_id=meeting_id,
                                         field_name=field_name, value=value, now=now)
    seen.record_confirmation(session=session, meeting=meeting, member=actor, now=now, notice=False)
    return meeting


def _meeting_and_answer(*, session: Session, actor: Member, scope: Scope, meeting_id: int
                        ) -> tuple[Meeting, tuple[str | None, str | None], bool]:
    """The meeting, the caller's answer to it, and whether it addresses the caller at all."""
    assert actor.id is not None
    meeting = meeting_store.addressed_meeting(session=session, actor=actor, meeting_id=meeting_id, scope=scope)
    row = rsvp_store.rsvp_of(session=session, meeting_id=meeting_id, member_id=actor.id)
    return (meeting, (row.response if row else None, row.leave_status if row else None),
            is_attendee(session=session, meeting=meeting, member=actor))


async def _party_member(svc: Services, caller: Caller, branch_id: int, value: str) -> int:
    """One /partygroup member; a name not in the managed branch is refused naming that branch for an admin,
    who may have another one in mind (a secretary has one branch: the usual "本支部没有…" says it)."""
    try:
        return await member_arg(svc, branch_id, value)
    except NotFound as exc:
        if exc.code != "member_name_not_found" or not caller.scope.is_admin:
            raise
        branch = await svc.db.run(branch_store.get_branch, branch_id=branch_id)
        raise NotFound("member_name_not_in_branch", name=" ".join(value.split()), branch=branch.name) from None


async def party_group(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/partygroup <name> <member>…`` — put members into a 党小组, for meetings addressed to it.  Members
    are numbers or names, as /attendance and /stats take them (trial T6)."""
    svc = services(context)
    args = args_of(context)
    if len(args) < 2:
        raise UsageError()
    assert caller.member is not None
    # names resolve in the branch being managed: a committee admin's is the one chosen with /branch, not the
    # branch their own row sits in (review R2.14); set_party_group refuses numbers from elsewhere the same way
    branch_id = caller.scope.acting_branch_id
    if branch_id is None:
        branch_id = caller.member.branch_id
    ids = [await _party_member(svc, caller, branch_id, a) for a in args[1:]]
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
    context.user_data.pop(meeting_create.DRAFT_KEY, None)
    context.user_data.pop(decline_note.NOTE_KEY, None)
    await reply(update, svc.texts.t("mtg.prompt_cancelled", caller.lang if caller else None))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def leave_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Any other command ends the prompt silently and still runs (the main group handles it)."""
    assert context.user_data is not None
    context.user_data.pop(LEAVE_KEY, None)
    context.user_data.pop(meeting_create.DRAFT_KEY, None)
    context.user_data.pop(decline_note.NOTE_KEY, None)
    return ConversationHandler.END


async def _ask_cancel(update: Update, svc: Services, caller: Caller, meeting_id: int) -> None:
    """The question before a cancellation, with [确定取消][保留] (``bot/confirm.py``)."""
    meeting = await svc.db.run(meeting_store.cancellable, actor=caller.member, scope=caller.scope,
                               meeting_id=meeting_id, now=svc.clock.now())
    assert meeting.id is not None
    # one occurrence of a monthly series: the question says the series goes on (trial T10)
    key = "mtg.cancel.confirm_one" if meeting.series_id is not None else "mtg.cancel.confirm"
    await reply(update, svc.texts.t(key, caller.lang, id=meeting.id, topic=meeting.topic,
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
        # each occurrence named (trial T25): pressed on next month's card, it is that one that goes
        dates = svc.texts.join([f"#{m.id} {view.when(svc.texts, caller.lang, m.starts_at, svc.settings.tz)}"
                                for m in sorted(planned, key=lambda m: m.starts_at)], caller.lang)
        await reply(update, svc.texts.t("mtg.series_confirm", caller.lang, topic=series.topic, day=series.day,
                                        count=len(planned), dates=dates),
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
        key = "mtg.cancelled_one" if meeting.series_id is not None else "mtg.cancelled"
        return key, {"id": meeting.id, "topic": meeting.topic}

    return await run_confirmed(update, svc, caller, data, apply, cancelled_key="mtg.cancel.kept")


def _conversations() -> list[AnyHandler]:
    private = filters.ChatType.PRIVATE
    ends: list[AnyHandler] = [CommandHandler("cancel", cancel_prompt, filters=private),
                              MessageHandler(filters.COMMAND & private, leave_prompt)]
    return [rsvp.leave_conversation(ends), meeting_create.wizard_conversation(ends),
            decline_note.note_conversation(ends)]


def _buttons() -> list[AnyHandler]:
    return [
        *rsvp.rsvp_buttons(),
        *decline_note.note_buttons(),
        *meeting_list.list_buttons(),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, cancel_button),
                             pattern=rf"{pattern(view.CB)}(c|cx|k|no|e|ex):"),
        *checkin_handlers(),
    ]


FEATURE = Feature(
    name="meetings",
    commands=(
        Command("meetings", Role.MEMBER, meeting_list.list_meetings, "meetings"),
        Command("meeting", Role.MEMBER, show_meeting, "meetings"),
        *CHECKIN_COMMANDS,
        Command("newmeeting", Role.SECRETARY, meeting_create.new_meeting, "meetings"),
        Command("partygroup", Role.SECRETARY, party_group, "meetings"),
    ),
    # the 请假 reason and the guided /newmeeting read the user's next text, so they see it first
    conversations=_conversations,
    deep_links={LINK_PREFIX: deep_link},  # /start ci_<meeting>_<code>: the check-in QR
    handlers=_buttons,
    producers=lambda svc: reminders_for(svc),
    deliveries=lambda svc: notices.delivery_kinds(svc.texts, svc.settings),
    on_startup=code_screen.resume,  # check-in screens live when the process stopped go on (or close)
)


def reminders_for(svc: Services) -> list[Producer]:
    settings = svc.settings
    notify_group = settings.meeting_options.notify_group
    return [
        partial(reminders.produce_series, tz=settings.tz),
        partial(reminders.produce_notices, offsets=settings.schedule.offsets(), notify_group=notify_group),
        partial(reminders.produce_changes, notify_group=notify_group),
        partial(reminders.produce_makeup, window=view.window_of(settings),
                lookback=timedelta(days=settings.meeting_options.makeup_days), swept=reminders.MakeupSweep()),
        unbutton.prune_records,
        prune_flows,  # what timed-out flows left in the flowstate table (review R2.3)
    ]
