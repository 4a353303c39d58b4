"""At the meeting: the rotating check-in code, checking in, marks by a secretary, the roster, 补学 read.

::

    /checkincode 5   (host or secretary) ─▶ the code and a QR image of the check-in link, valid ~60 s; the bot
                     edits it at each rotation until check-in closes ([🔄]: the code of the moment at once)
    /checkin 4831    or the link t.me/<bot>?start=ci_5_4831 ─▶ present / late / "wrong" / "stale" / "not open"
    /attendance 5 王五 请假 出差 ─▶ a secretary records what happened for one member (name or number)
    /attendance 5    ─▶ 应到 / 实到, present, late, excused with reasons, absent, RSVP vs. reality, quorum, 补学
    [已学完，开始测验] ─▶ read recorded, the quiz on the materials ─▶ finished: 补学 done, shown in the roster

This module is part of the meetings feature (``bot/handlers/meetings.py`` lists its commands).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session
from telegram import CallbackQuery, InlineKeyboardMarkup, InputMediaPhoto, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import code_screen, meeting_makeup
from bot import meeting_view as view
from bot.callbacks import CallbackData, pattern
from bot.commands import (
    Command,
    UsageError,
    args_of,
    guarded_callback,
    int_arg,
    is_not_modified,
    is_uneditable,
    member_arg,
    not_joined_key,
    on_its_message,
)
from bot.context import Caller, Services, reply, services
from bot.feature import AnyHandler
from bot.quiz_view import question_markup, question_text
from bot.texts import Safe
from scheduler import leave, seen
from scheduler.kinds import Outgoing
from storage import attendance, makeup, makeup_marks
from storage import meetings as meeting_store
from storage import quiz as quiz_store
from storage import study as study_store
from storage.attendance import CheckIn
from storage.errors import InvalidState
from storage.models import AttendanceStatus, Meeting, Member, Role

LINK_PREFIX = code_screen.LINK_PREFIX
_PAYLOAD = re.compile(r"^(\d{1,10})_(\w{1,12})$")  # after the prefix: <meeting id>_<code>
STATUS_WORDS = {
    "present": AttendanceStatus.PRESENT, "出席": AttendanceStatus.PRESENT, "到": AttendanceStatus.PRESENT,
    "late": AttendanceStatus.LATE, "迟到": AttendanceStatus.LATE,
    "excused": AttendanceStatus.EXCUSED, "请假": AttendanceStatus.EXCUSED,
    "absent": AttendanceStatus.ABSENT, "缺席": AttendanceStatus.ABSENT,
}
MAKEUP_WORDS = ("补学", "makeup")


async def checkin_code(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/checkincode <id>`` — the current code and a QR of the check-in link, for the screen at the meeting;
    the bot edits the message at each rotation until check-in closes (``bot/code_screen.py``), and its 🔄
    brings the code of the moment at once (and makes the screen live again after a restart)."""
    svc = services(context)
    args = args_of(context)
    if len(args) != 1:
        raise UsageError()
    meeting_id = int_arg(args[0])
    try:
        rendered = await code_screen.render(svc, context.bot.username, caller, meeting_id, svc.clock.now())
    except InvalidState as exc:
        opens = exc.params.get("opens")
        if exc.code != "checkin_not_open" or not isinstance(opens, datetime):
            raise
        await reply(update, svc.texts.t("mtg.checkin.opens_later", caller.lang, id=meeting_id,
                                        opens=view.when(svc.texts, caller.lang, opens, svc.settings.tz)))
        return
    message = update.effective_message
    assert message is not None
    sent = await message.reply_photo(code_screen.photo(rendered, meeting_id), caption=rendered.caption,
                                     parse_mode="HTML", reply_markup=rendered.keyboard)
    await code_screen.show(context.application, code_screen.Screen(sent.chat_id, sent.message_id, meeting_id,
                                                                   caller, rendered.until))


async def refresh_code(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                       ) -> str:
    """🔄 under the code: the same message now shows the code and QR valid at this moment, and is the
    chat's live screen again."""
    svc = services(context)
    meeting_id = data.int_arg()
    rendered = await code_screen.render(svc, context.bot.username, caller, meeting_id, svc.clock.now())
    query = update.callback_query
    assert query is not None
    await query.edit_message_media(
        InputMediaPhoto(code_screen.photo(rendered, meeting_id), caption=rendered.caption, parse_mode="HTML"),
        reply_markup=rendered.keyboard)
    if isinstance(query.message, Message):
        await code_screen.show(context.application, code_screen.Screen(
            query.message.chat_id, query.message.message_id, meeting_id, caller, rendered.until))
    return svc.texts.plain("mtg.toast.code_refreshed", caller.lang)


async def check_in(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/checkin <code>``"""
    args = args_of(context)
    if len(args) != 1:
        raise UsageError()
    await _check_in(update, context, caller, args[0], None)


async def _check_in(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, code: str,
                    meeting_id: int | None) -> None:
    svc = services(context)
    result = await svc.db.run(attendance.check_in, member=caller.member, code=code[:12], now=svc.clock.now(),
                              window=view.window_of(svc.settings), meeting_id=meeting_id)
    params: dict[str, object] = {"topic": result.meeting.topic if result.meeting else "",
                                 "minutes": int(attendance.MISS_WINDOW.total_seconds() // 60),
                                 "every": code_screen.every(svc, caller.lang), "digits": attendance.CODE_DIGITS}
    if result.outcome == CheckIn.CLOSED and result.closed_at is not None:  # the meeting just over, named (T9)
        key = "mtg.checkin.closed"
        params["closed"] = f"{result.closed_at.astimezone(svc.settings.tz):%H:%M}"
    elif result.outcome == CheckIn.NOT_OPEN:
        key = "mtg.checkin.not_open_next" if result.opens_at else "mtg.checkin.not_open"
        if result.opens_at:
            params["opens"] = view.when(svc.texts, caller.lang, result.opens_at, svc.settings.tz)
    elif result.tries_left == 0:  # this miss started the pause: no "try again" (review R2.9)
        key = "mtg.checkin.paused"
    else:
        key = f"mtg.checkin.{result.outcome.value}"
    if result.outcome in (CheckIn.PRESENT, CheckIn.LATE):
        params["time"] = f"{svc.clock.now().astimezone(svc.settings.tz):%H:%M}"
    text = svc.texts.t(key, caller.lang, **params)
    if result.tries_left == 1:  # warned before the pause, not surprised by it (trial T12)
        text = Safe(text + "\n" + svc.texts.t("mtg.checkin.last_try", caller.lang, minutes=params["minutes"]))
    if result.withdrew_leave:  # the 请假 they sent waits for no decision now: say so (trial T2)
        text = Safe(text + "\n" + svc.texts.t("mtg.checkin.leave_withdrawn", caller.lang))
    await reply(update, text)


async def deep_link(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, payload: str) -> None:
    """``/start ci_<meeting>_<code>`` from the QR (routed here by registration's deep-link router)."""
    svc = services(context)
    match = _PAYLOAD.match(payload)
    if match is None:
        await reply(update, svc.texts.t("register.link_invalid", caller.lang))
        return
    if not caller.active:
        await reply(update, svc.texts.t(not_joined_key(caller), caller.lang))
        return
    await _check_in(update, context, caller, match.group(2), int(match.group(1)))


async def roster(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/attendance <id>`` — the ledger view of one meeting; without an id, the latest meetings at a glance;
    ``/attendance <id> <member> <status> [reason]`` records what happened for one member."""
    svc = services(context)
    args = args_of(context)
    if not args:
        overview = await svc.db.run(attendance.recent_rosters, actor=caller.member, scope=caller.scope,
                                    now=svc.clock.now(),
                                    window=view.window_of(svc.settings))
        await reply(update, view.overview_text(svc.texts, caller.lang, overview, svc.settings.tz,
                                               svc.clock.now()))
        return
    if len(args) >= 3:
        await _mark(update, context, caller, args)
        return
    if len(args) != 1:
        raise UsageError()
    meeting_id = int_arg(args[0])
    result = await svc.db.run(attendance.roster, actor=caller.member, scope=caller.scope,
                              meeting_id=meeting_id, now=svc.clock.now(),
                              window=view.window_of(svc.settings))
    meeting = await svc.db.run(meeting_store.get_meeting, actor=caller.member, scope=caller.scope,
                               meeting_id=meeting_id)
    unconfirmed = await svc.db.run(seen.answered_before_move, meeting_id=meeting_id)
    await reply(update, view.roster_text(svc.texts, caller.lang, meeting, result, svc.settings.tz, unconfirmed))


async def _mark(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, args: list[str]) -> None:
    """``/attendance <meeting> <member> 出席|迟到|请假|缺席 [reason]`` — the member by name or number."""
    svc = services(context)
    if args[2].lower() in MAKEUP_WORDS:  # the 补学 of a member who learned the meeting's content from the secretary
        await _mark_makeup(update, context, caller, args)
        return
    if args[2].lower() not in STATUS_WORDS:  # the format was right, the mark was not: name the marks (trial T3)
        await reply(update, svc.texts.t("mtg.mark_unknown", caller.lang, word=args[2][:32], meeting=int_arg(args[0]),
                                        name=args[1][:64]))
        return
    status = STATUS_WORDS[args[2].lower()]
    note = " ".join(args[3:])[:500] or None
    meeting = await svc.db.run(meeting_store.get_meeting, actor=caller.member, scope=caller.scope,
                               meeting_id=int_arg(args[0]))
    # a secretary types the name (张三) or the number; a name is looked up among the meeting's branch
    member_id = await member_arg(svc, meeting.branch_id, args[1])
    meeting, member, withdrew = await svc.db.run(leave.mark_attendance, actor=caller.member, scope=caller.scope,
                                       meeting_id=meeting.id, member_id=member_id, status=status, note=note,
                                       now=svc.clock.now())
    shown = svc.texts.plain(f"mtg.status.{status.value}", caller.lang)
    if note:  # the reason is kept: echo it, as the roster and the ledger show it (trial T2)
        shown = svc.texts.plain("mtg.roster.reason_mark", caller.lang, name=shown, reason=note)
    text = svc.texts.t("mtg.marked", caller.lang, name=member.name, topic=meeting.topic, status=shown)
    if withdrew:  # their pending 请假 is gone: the secretary knows no decision is owed (review R2.12)
        text = Safe(text + "\n" + svc.texts.t("mtg.marked_leave_withdrawn", caller.lang, name=member.name))
    await reply(update, text)


async def _mark_makeup(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, args: list[str]) -> None:
    """``/attendance <meeting> <member> 补学`` — the secretary records one member's 补学 done."""
    svc = services(context)
    meeting = await svc.db.run(meeting_store.get_meeting, actor=caller.member, scope=caller.scope,
                               meeting_id=int_arg(args[0]))
    member_id = await member_arg(svc, meeting.branch_id, args[1])
    window, now = view.window_of(svc.settings), svc.clock.now()
    # before the 补学 goes out, storage refuses with when it will (error.makeup_not_yet, trial T6)
    meeting, member = await svc.db.run(makeup_marks.record_makeup, actor=caller.member, scope=caller.scope,
                                       meeting_id=meeting.id, member_id=member_id, now=now, window=window)
    await reply(update, svc.texts.t("mtg.makeup_marked", caller.lang, name=member.name, topic=meeting.topic))


async def makeup_done(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                      ) -> str:
    """已学完: recorded; then the quiz on the materials (the quiz feature asks and grades it), or — with no
    published question on them — the 补学 is complete."""
    svc = services(context)
    assert caller.member is not None
    member, now, size = caller.member, svc.clock.now(), svc.settings.study.quiz_size

    def start(*, session: Session) -> makeup.MakeupStep:
        meeting = session.get(Meeting, data.int_arg()) if meeting_store.fits(data.int_arg()) else None
        titles = meeting_makeup.offered(session, meeting).titles if meeting is not None else None
        step = makeup.start_makeup(session=session, member=member, meeting_id=data.int_arg(), now=now, size=size,
                                   titles=titles)
        _count_as_study(session, member, data.int_arg(), now)
        return step

    step = await svc.db.run(start)
    if step.done_before:
        return svc.texts.plain("mtg.toast.makeup_already", caller.lang)
    if step.quiz is None:
        await reply(update, svc.texts.t("mtg.makeup.done", caller.lang))
        return svc.texts.plain("mtg.toast.makeup_done", caller.lang)
    quiz = step.quiz
    question = await svc.db.run(quiz_store.current_question, quiz=quiz)
    await reply(update, svc.texts.t("mtg.makeup.quiz_start", caller.lang, count=len(quiz.question_ids)))
    if question is not None:
        await reply(update, question_text(svc.texts, caller.lang, quiz, question),
                    reply_markup=question_markup(svc.texts, caller.lang, quiz, question))
    return svc.texts.plain("mtg.toast.makeup_read", caller.lang)


async def makeup_read(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                      ) -> str | None:
    """阅读材料: the materials of a meeting addressed to the member, from where the 补学 message's excerpt
    stopped, a passage a message."""
    svc = services(context)
    assert caller.member is not None
    member, scope, now = caller.member, caller.scope, svc.clock.now()

    def passages(*, session: Session) -> list[tuple[str, str]]:
        meeting = meeting_store.addressed_meeting(session=session, actor=member, meeting_id=data.int_arg(),
                                                  scope=scope)
        found = meeting_makeup.offered(session, meeting).passages
        if found and makeup.makeup_of(session=session, meeting_id=data.int_arg(), member_id=member.id or 0):
            _count_as_study(session, member, data.int_arg(), now)
        return found

    query = update.callback_query
    if query is not None and not on_its_message(query):  # a tap after the button was taken away
        return svc.texts.plain("mtg.toast.makeup_sent", caller.lang)
    found = await svc.db.run(passages)
    if query is not None and not await _take_read_button_away(query):
        return svc.texts.plain("mtg.toast.makeup_sent", caller.lang)  # two taps: the other one sends them
    for text in meeting_makeup.read_on(svc.texts, caller.lang, found):
        await reply(update, text)
    return None


async def offer_owed_makeup(update: Update, svc: Services, caller: Caller, meeting: Meeting) -> None:
    """Under ``/meeting N``: a member who still owes its 补学 is told so and gets the 补学 message again, with
    its buttons — the way back once the first one is gone (trial T22)."""
    member = caller.member
    if member is None or member.id is None or meeting.id is None:
        return
    member_id, meeting_id = member.id, meeting.id

    def owed(*, session: Session) -> Outgoing | None:
        if makeup.makeup_states(session=session, meeting_id=meeting_id).get(member_id) != "owes":
            return None
        return meeting_makeup.makeup_message(svc.texts, svc.settings, session, meeting, member)

    message = await svc.db.run(owed)
    if message is not None and message.text is not None:
        await reply(update, svc.texts.t("mtg.makeup_owed", caller.lang))
        await reply(update, message.text, reply_markup=message.markup)


def _count_as_study(session: Session, member: Member, meeting_id: int, now: datetime) -> None:
    """The snippets a 补学 gave whole count as the member's daily study, read (trial V9)."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=meeting_id)
    if meeting is not None and member.id is not None:
        study_store.mark_studied(session=session, member_id=member.id,
                                 unit_ids=meeting_makeup.offered(session, meeting).whole_unit_ids, now=now)


async def _take_read_button_away(query: CallbackQuery) -> bool:
    """Remove the pressed 阅读材料 from the 补学 message (已学完 stays) before the passages go out, so a
    double tap sends them once: ``False`` when another tap took it away first ("message is not modified")."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return True
    rows = [[b for b in row if b.callback_data != query.data] for row in message.reply_markup.inline_keyboard]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup([row for row in rows if row]))
    except BadRequest as exc:
        if is_not_modified(exc):
            return False
        if not is_uneditable(exc):  # too old to edit: send anyway, a repeat is better than nothing
            raise
    return True


CHECKIN_COMMANDS = (
    Command("checkin", Role.MEMBER, check_in, "meetings"),
    Command("checkincode", Role.MEMBER, checkin_code, "meetings"),
    Command("attendance", Role.SECRETARY, roster, "meetings"),
)


def checkin_handlers() -> list[AnyHandler]:
    return [CallbackQueryHandler(guarded_callback(Role.MEMBER, makeup_done), pattern=rf"{pattern(view.CB)}m:"),
            # the code is for the screen: its refresh works wherever the host showed it (the store checks who)
            CallbackQueryHandler(guarded_callback(Role.MEMBER, refresh_code, private=False),
                                 pattern=rf"{pattern(view.CB)}cc:"),
            CallbackQueryHandler(guarded_callback(Role.MEMBER, makeup_read), pattern=rf"{pattern(view.CB)}r:")]
