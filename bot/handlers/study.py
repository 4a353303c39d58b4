"""Members' daily study: the pushed snippet with its 学完了 button, /today, /study, /plan, /settime, /push.

::

    tick ──produce_study_pushes──▶ outbox row "study" (member, local day)
         ──sender: render_push──▶ the next unit of the member's plan + 学完了 ──after_send──▶ StudyProgress
    /today ──▶ today's unit again (or the next one, when nothing came today)     学完了 ──▶ read_at
    /study ──▶ the next unit now, ahead of plan                                   /plan ──▶ where I am

Which unit a push carries is decided when it is sent, and the unit recorded as delivered is read back
from the button of the message Telegram accepted, so what a member got is exactly what is stored.  A
push is skipped (its row expires) when the member paused pushes, left, finished the plan, or already
took a unit that day with /today or /study.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from functools import partial

from sqlmodel import Session
from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.callbacks import CallbackData, pattern
from bot.commands import Command, UsageError, args_of, guarded_callback
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.meeting_view import owed_text
from bot.quiz_view import STUDY, plan_text, progress_text, snippet_markup, snippet_text, unit_of_markup
from bot.texts import Safe
from scheduler import study_push
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing
from storage import makeup as makeup_store
from storage import study as study_store
from storage.models import Delivery, Member, MemberStatus, Role, StudyUnit


def _push_time(svc: Services, member: Member) -> str:
    return member.push_time or svc.settings.study.push_time.strftime("%H:%M")


async def _show_push(update: Update, svc: Services, caller: Caller) -> None:
    """The member's push as it stands, with how to change it (the /plan footer's words)."""
    assert caller.member is not None
    key = "study.plan_paused" if caller.member.push_paused else "study.plan_time"
    await reply(update, svc.texts.t(key, caller.lang, time=_push_time(svc, caller.member)))


def _place(unit: StudyUnit, *, session: Session) -> tuple[int, int]:
    units = study_store.active_units(session=session, branch_id=unit.branch_id)
    ids = [u.id for u in units]
    return (ids.index(unit.id) + 1 if unit.id in ids else len(ids)), len(ids)


def _today_unit(member: Member, now: datetime, svc: Services, *, session: Session) -> StudyUnit | None:
    assert member.id is not None
    start, end = study_store.day_bounds(study_store.local_day(now, svc.settings.tz), svc.settings.tz)
    return study_store.delivered_between(session=session, member_id=member.id, start=start, end=end)


# --------------------------------------------------------------------------- the push


def render_push(svc: Services, session: Session, row: Delivery) -> Outgoing | None:
    """The day's snippet for the row's member, from current data; ``None`` when nothing should go out."""
    member = session.get(Member, row.member_id) if row.member_id is not None else None
    if member is None or member.id is None or member.status != MemberStatus.ACTIVE or member.push_paused:
        return None
    if _today_unit(member, svc.clock.now(), svc, session=session) is not None:
        return None  # they already took today's unit with /today or /study
    unit = study_store.next_unit(session=session, member_id=member.id, branch_id=member.branch_id)
    if unit is None or unit.id is None:
        return None
    lang = svc.texts.lang(member.language)
    place, total = _place(unit, session=session)
    return Outgoing(text=snippet_text(svc.texts, lang, unit, place, total, today=True),
                    markup=snippet_markup(svc.texts, lang, unit.id))


def after_push(session: Session, row: Delivery, message: Message) -> None:
    """Record the unit the accepted message carries as delivered, in the transaction that marks it sent."""
    unit_id = unit_of_markup(message.reply_markup)
    if unit_id is not None and row.member_id is not None:
        study_store.record_delivery(session=session, member_id=row.member_id, unit_id=unit_id, now=message.date)


def produce_pushes(svc: Services, *, session: Session, now: datetime) -> int:
    study = svc.settings.study
    return study_push.produce_study_pushes(session=session, now=now, tz=svc.settings.tz, default_time=study.push_time)


# --------------------------------------------------------------------------- commands


async def _send_unit(update: Update, svc: Services, caller: Caller, unit: StudyUnit, *, today: bool) -> None:
    assert caller.member is not None and caller.member.id is not None and unit.id is not None
    place, total = await svc.db.run(_place, unit)
    read = await svc.db.run(study_store.is_read, member_id=caller.member.id, unit_id=unit.id)
    await reply(update, snippet_text(svc.texts, caller.lang, unit, place, total, today=today),
                reply_markup=snippet_markup(svc.texts, caller.lang, unit.id, read=read))
    await svc.db.run(study_store.record_delivery, member_id=caller.member.id, unit_id=unit.id, now=svc.clock.now())


def _unit_to_offer(member: Member, now: datetime, svc: Services, *, today: bool, session: Session) -> StudyUnit | None:
    """``today``: the unit already sent today, if any; otherwise (or for /study) the next one of the plan."""
    assert member.id is not None
    unit = _today_unit(member, now, svc, session=session) if today else None
    return unit or study_store.next_unit(session=session, member_id=member.id, branch_id=member.branch_id)


async def _offer(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, *, today: bool) -> None:
    svc = services(context)
    assert caller.member is not None
    unit = await svc.db.run(_unit_to_offer, caller.member, svc.clock.now(), svc, today=today)
    if unit is None:
        await reply(update, svc.texts.t("study.finished", caller.lang))
        return
    await _send_unit(update, svc, caller, unit, today=today)


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/today`` — today's snippet again; when none came today yet, the next one of the plan."""
    await _offer(update, context, caller, today=True)


async def study_ahead(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/study`` — the next snippet now, ahead of the plan."""
    await _offer(update, context, caller, today=False)


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/plan`` — the materials in plan order, how far the member is in each, and what comes next."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    view = await svc.db.run(study_store.plan_of, member_id=caller.member.id, branch_id=caller.member.branch_id)
    await reply(update, plan_text(svc.texts, caller.lang, view, _push_time(svc, caller.member),
                                  caller.member.push_paused))


async def set_time(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/settime 07:30`` — the member's own push time (``/settime default`` goes back to the branch's)."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    args = args_of(context)
    if not args:  # a bare /settime asks what it is now
        await _show_push(update, svc, caller)
        return
    if len(args) != 1:
        raise UsageError()
    value = None if args[0].lower() in ("default", "默认") else study_store.parse_hhmm(args[0])
    if value is None and args[0].lower() not in ("default", "默认"):
        raise UsageError()
    member = await svc.db.run(study_store.set_push_time, member_id=caller.member.id, value=value,
                              now=svc.clock.now())
    key = "study.paused_time_set" if member.push_paused else "study.time_set"
    await reply(update, svc.texts.t(key, caller.lang, time=_push_time(svc, member)))


async def set_push(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/push off|on`` — pause or resume the daily snippet and the quiz nudge."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    args = [a.lower() for a in args_of(context)]
    if not args:  # a bare /push asks whether it is on
        await _show_push(update, svc, caller)
        return
    if args not in (["off"], ["on"], ["关"], ["开"]):
        raise UsageError()
    paused = args[0] in ("off", "关")
    member = await svc.db.run(study_store.set_push_paused, member_id=caller.member.id, paused=paused,
                              now=svc.clock.now())
    await reply(update, svc.texts.t("study.push_off" if paused else "study.push_on", caller.lang,
                                    time=_push_time(svc, member)))


async def me(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/me`` — the member's own progress: days, streak, answers and accuracy, reviews due (private chat
    only, as every command by default)."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    view = await svc.db.run(study_store.progress_of, member_id=caller.member.id, branch_id=caller.member.branch_id,
                            now=svc.clock.now(), tz=svc.settings.tz)
    owed = await svc.db.run(makeup_store.owed_by, member_id=caller.member.id)
    parts = [progress_text(svc.texts, caller.lang, view)]
    if owed:  # the 补学 still owed, each a /meeting away (trial T22)
        parts.append(owed_text(svc.texts, caller.lang, owed, svc.settings.tz))
    await reply(update, Safe("\n\n".join(parts)))


async def done_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                      data: CallbackData) -> str:
    """学完了: note the reading once; the button becomes "do a few questions"."""
    svc = services(context)
    assert caller.member is not None and caller.member.id is not None
    mark = await svc.db.run(study_store.mark_read, member_id=caller.member.id, unit_id=data.int_arg(),
                            now=svc.clock.now(), tz=svc.settings.tz)
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # a double tap: the buttons were already swapped
            await query.edit_message_reply_markup(snippet_markup(svc.texts, caller.lang, data.int_arg(), read=True))
    if not mark.first:
        return svc.texts.plain("study.toast_already", caller.lang)
    if not mark.today:  # an older snippet: noted as read, but not today's reading
        return svc.texts.plain("study.toast_done_earlier", caller.lang, month=mark.delivered_on.month,
                               day=mark.delivered_on.day)
    return svc.texts.plain("study.toast_done", caller.lang)


def _deliveries(svc: Services) -> list[DeliveryKind]:
    # a snippet twice is better than none: a push whose fate is unknown is sent again
    return [DeliveryKind(study_push.STUDY_KIND, render=partial(render_push, svc), after_send=after_push,
                         policy=KindPolicy(resend_uncertain=True))]


FEATURE = Feature(
    name="study",
    commands=(
        Command("today", Role.MEMBER, today, "study"),
        Command("study", Role.MEMBER, study_ahead, "study"),
        Command("plan", Role.MEMBER, plan, "study"),
        Command("settime", Role.MEMBER, set_time, "study"),
        Command("push", Role.MEMBER, set_push, "study"),
        Command("me", Role.MEMBER, me, "study"),
    ),
    handlers=lambda: [CallbackQueryHandler(guarded_callback(Role.MEMBER, done_button), pattern=pattern(STUDY))],
    producers=lambda svc: [partial(produce_pushes, svc)],
    deliveries=_deliveries,
)
