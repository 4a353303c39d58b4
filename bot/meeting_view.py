"""How meetings read: the card, the notices the outbox sends, the roster, the calendar file.

Everything here renders from current rows in the reader's language and the branch timezone; the delivery
renderers (``delivery_kinds``) run when the sender takes a row, so what a member reads is what the meeting
is *now* — moved, edited or cancelled after the row was queued.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.config import Settings
from bot.texts import Catalog, Safe
from bot.words import join_names, kind_word, sentence_start, source_title
from storage.attendance import Roster, RosterLine, Window
from storage.members import get_branch
from storage.models import Audience, Meeting, MeetingStatus

CB = "mt"


def window_of(settings: Settings) -> Window:
    options = settings.meeting_options
    return Window(before=timedelta(minutes=options.checkin_before_minutes),
                  after=timedelta(minutes=options.checkin_after_minutes), period_seconds=options.code_seconds)


def when(texts: Catalog, lang: str, moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    weekday = texts.plain(f"mtg.weekday.{local.weekday()}", lang)
    return texts.plain("mtg.when", lang, year=local.year, month=local.month, day=local.day, weekday=weekday,
                       time=f"{local:%H:%M}")


def audience_text(texts: Catalog, lang: str, meeting: Meeting) -> str:
    if meeting.audience == Audience.GROUP:
        return texts.plain("mtg.audience.group", lang, name=meeting.audience_group or "")
    return texts.plain(f"mtg.audience.{meeting.audience}", lang)


def card(texts: Catalog, lang: str, meeting: Meeting, tz: ZoneInfo) -> Safe:
    """The meeting as the ledger records it: kind, topic, time, place, host, recorder, who, agenda, materials."""
    lines = [texts.t("mtg.card.head", lang, kind=sentence_start(kind_word(texts, lang, meeting.kind)), id=meeting.id,
                     topic=meeting.topic),
             texts.t("mtg.card.time", lang, start=when(texts, lang, meeting.starts_at, tz),
                     end=f"{meeting.ends_at.astimezone(tz):%H:%M}"),
             texts.t("mtg.card.place", lang, place=meeting.place)]
    if meeting.host or meeting.recorder:
        none = texts.plain("mtg.glyph.none", lang)
        lines.append(texts.t("mtg.card.people", lang, host=meeting.host or none, recorder=meeting.recorder or none))
    lines.append(texts.t("mtg.card.audience", lang, who=audience_text(texts, lang, meeting)))
    if meeting.agenda:
        lines.append(texts.t("mtg.card.agenda", lang, agenda=meeting.agenda))
    if meeting.materials:
        titles = join_names(texts, lang, (source_title(texts, lang, title) for title in meeting.materials))
        lines.append(texts.t("mtg.card.materials", lang, titles=titles))
    if meeting.series_id is not None:
        lines.append(texts.t("mtg.card.series", lang))
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(texts.t("mtg.card.cancelled", lang))
    return Safe("\n".join(lines))


def button(texts: Catalog, lang: str, key: str, action: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.plain(key, lang),
                                callback_data=CallbackData(CB, action, tuple(str(a) for a in args)).encode())


def rsvp_keyboard(texts: Catalog, lang: str, meeting_id: int | None, *, attending: bool = False
                  ) -> InlineKeyboardMarkup:
    attend = "mtg.btn.attending" if attending else "mtg.btn.attend"
    return InlineKeyboardMarkup([[button(texts, lang, attend, "y", meeting_id),
                                  button(texts, lang, "mtg.btn.leave", "n", meeting_id),
                                  button(texts, lang, "mtg.btn.ics", "i", meeting_id)]])


def calendar_keyboard(texts: Catalog, lang: str, meeting_id: int | None) -> InlineKeyboardMarkup:
    """Only 📅 日历: for a member who checked in already, nothing is left to answer."""
    return InlineKeyboardMarkup([[button(texts, lang, "mtg.btn.ics", "i", meeting_id)]])


def secretary_keyboard(texts: Catalog, lang: str, meeting: Meeting, *, invited: bool = True) -> InlineKeyboardMarkup:
    """Answer buttons (only for a secretary the meeting addresses: a 党小组会 of another group answers them
    with "not for you"), the calendar, and cancel / end the series."""
    answers = list(rsvp_keyboard(texts, lang, meeting.id).inline_keyboard[0])
    rows = [answers if invited else answers[2:],
            [button(texts, lang, "mtg.btn.cancel", "c", meeting.id)]]
    if meeting.series_id is not None:
        rows[1].append(button(texts, lang, "mtg.btn.end_series", "e", meeting.series_id))
    return InlineKeyboardMarkup(rows)


def answer_line(texts: Catalog, lang: str, response: str | None, leave_status: str | None) -> Safe:
    if response is None:
        return texts.t("mtg.answer.none", lang)
    if response == "attend":
        return texts.t("mtg.answer.attend", lang)
    return texts.t(f"mtg.answer.leave_{leave_status or 'pending'}", lang)


def moved_line(texts: Catalog, lang: str, response: str | None, leave_status: str | None) -> Safe:
    """The answer line of a change notice that moved the meeting (trial T14): a 参加 or a 请假 given for the
    old time is shown as such and the member asked to confirm for the new one — a day and an hour decide who
    can come.  The answer stands until they tap (a 参加 tap confirms it, or withdraws the 请假)."""
    if response == "attend":
        return texts.t("mtg.answer.moved.attend", lang)
    return texts.t(f"mtg.answer.moved.leave_{leave_status or 'pending'}", lang)


def leave_keyboard(texts: Catalog, lang: str, rsvp_id: int | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts, lang, "mtg.btn.approve", "a", rsvp_id),
                                  button(texts, lang, "mtg.btn.decline", "d", rsvp_id)]])


def decided_keyboard(texts: Catalog, lang: str, rsvp_id: int | None, *, approved: bool) -> InlineKeyboardMarkup:
    """Under a decided 请假: one button to change the decision. It only asks (``change_keyboard``): a second
    tap on 批准 lands here, and must not flip the decision the member then hears."""
    if approved:
        return InlineKeyboardMarkup([[button(texts, lang, "mtg.btn.change_decline", "cd", rsvp_id)]])
    return InlineKeyboardMarkup([[button(texts, lang, "mtg.btn.change_approve", "ca", rsvp_id)]])


def change_keyboard(texts: Catalog, lang: str, rsvp_id: int | None, *, approve: bool) -> InlineKeyboardMarkup:
    """The explicit step of a changed decision: 保留原决定 first (where a third stray tap lands), then the
    change itself."""
    keep = button(texts, lang, "mtg.btn.keep_decision", "kd" if approve else "ka", rsvp_id)
    if approve:
        return InlineKeyboardMarkup([[keep, button(texts, lang, "mtg.btn.confirm_approve", "xa", rsvp_id)]])
    return InlineKeyboardMarkup([[keep, button(texts, lang, "mtg.btn.confirm_decline", "xd", rsvp_id)]])


def makeup_keyboard(texts: Catalog, lang: str, meeting_id: int | None, *, quiz: bool, read: bool = False
                    ) -> InlineKeyboardMarkup:
    """已学完 — and, when the materials have published questions, on to the quiz; 阅读材料 when the message
    held only an excerpt."""
    key = "mtg.btn.makeup_quiz" if quiz else "mtg.btn.makeup_done"
    row = [button(texts, lang, key, "m", meeting_id)]
    if read:
        row.append(button(texts, lang, "mtg.btn.makeup_read", "r", meeting_id))
    return InlineKeyboardMarkup([row])


# --------------------------------------------------------------------------- the roster


def _names(texts: Catalog, lang: str, lines: list[RosterLine]) -> str:
    """Names in the reader's list style (、 / ", "), or the catalog's dash for nobody."""
    return join_names(texts, lang, (line.name for line in lines)) or texts.plain("mtg.glyph.none", lang)


def _said_yes(texts: Catalog, lang: str, lines: list[RosterLine], unconfirmed: Collection[int]) -> str:
    """Those who said 参加, one who said it for the time before a move marked so (review R3.3)."""
    names = [texts.plain("mtg.roster.unconfirmed_mark", lang, name=line.name) if line.member_id in unconfirmed
             else line.name for line in lines]
    return join_names(texts, lang, names) or texts.plain("mtg.glyph.none", lang)


def _marked(texts: Catalog, lang: str, lines: list[RosterLine]) -> str:
    """Those present, a late one with its mark: 张三、王五（迟到）."""
    names = [texts.plain("mtg.roster.late_mark", lang, name=line.name) if line.status == "late" else line.name
             for line in lines]
    return join_names(texts, lang, names) or texts.plain("mtg.glyph.none", lang)


def roster_text(texts: Catalog, lang: str, meeting: Meeting, roster: Roster, tz: ZoneInfo,
                unconfirmed: Collection[int] = ()) -> Safe:
    """/attendance: 应到 / 实到, 正式 and 预备 present, late, excused with reasons, absent, RSVP against
    what happened, quorum for a 党员大会, and who still owes 补学.  ``unconfirmed``: members whose 参加 was
    given before the meeting moved and not confirmed since (``scheduler.seen.answered_before_move``)."""
    present = roster.present
    full = sum(1 for x in present if x.standing == "full")
    head = texts.t("mtg.roster.head", lang, kind=kind_word(texts, lang, meeting.kind), id=meeting.id,
                   topic=meeting.topic,
                   start=when(texts, lang, meeting.starts_at, tz))
    if meeting.status == MeetingStatus.CANCELLED:  # nobody was expected at a meeting that did not take place
        return Safe(head + "\n" + texts.t("mtg.roster.cancelled", lang))
    if not roster.expected:  # an empty audience (a 党小组 with nobody in it, a list of people since gone)
        return Safe(head + "\n" + texts.t("mtg.roster.nobody", lang))
    state = ("mtg.roster.final" if roster.final else "mtg.roster.so_far" if roster.begun or roster.checking_in
             else "mtg.roster.not_begun")
    out = [head,
           texts.t(state, lang),
           texts.t("mtg.roster.counts", lang, expected=len(roster.expected), present=len(present), full=full,
                   probationary=len(present) - full),
           # each member once: a late one among those present, marked (trial V20 listed them twice)
           texts.t("mtg.roster.present", lang, names=_marked(texts, lang, present))]
    excused = roster.having("excused")
    out.append(texts.t("mtg.roster.excused", lang, count=len(excused)))
    none = texts.plain("mtg.glyph.none", lang)
    out += [texts.t("mtg.roster.excused_line", lang, name=x.name, reason=x.reason or none) for x in excused]
    if roster.final:  # with the reason the secretary gave, as the ledger's 缺席（事由） has it (trial T2)
        out.append(texts.t("mtg.roster.absent", lang, names=_with_reasons(texts, lang, roster.having("absent"))))
    elif roster.begun or roster.checking_in:
        out.append(texts.t("mtg.roster.not_yet", lang, names=_names(texts, lang, roster.having(None))))
    else:  # nobody can check in yet: who said they will come, and who has not answered (trial T17)
        waiting = roster.having(None)  # those who asked for leave have their own lines below
        out.append(texts.t("mtg.roster.replied", lang,
                           said_yes=_said_yes(texts, lang, [x for x in waiting if x.rsvp == "attend"], unconfirmed),
                           silent=_names(texts, lang, [x for x in waiting if x.rsvp is None])))
    if not roster.final and (recorded := roster.having("absent")):  # marked ahead: in no line above (trial2 U1)
        out.append(texts.t("mtg.roster.absent_recorded", lang, names=_with_reasons(texts, lang, recorded)))
    # a request the ledger settled (came, or recorded 请假) waits for nothing; once the meeting is over an
    # undecided one is said to be so, not "待审批" forever
    pending = [x for x in roster.expected if x.leave_status == "pending" and x.status in (None, "absent")]
    if pending:
        key = "mtg.roster.leave_undecided" if roster.final else "mtg.roster.leave_pending"
        out.append(texts.t(key, lang, names=_names(texts, lang, pending)))
        if not roster.final:  # the request's buttons may be gone (a restart, another device): say how (trial T5)
            first = pending[0]
            out.append(texts.t("mtg.roster.leave_how", lang, id=meeting.id,
                               name=typable(first.name, first.member_id, [x.name for x in roster.expected])))
    declined = [x for x in roster.expected if x.leave_status == "declined"]
    if declined:  # asked for leave, were refused: whether they came then shows above (trial T17)
        out.append(texts.t("mtg.roster.leave_declined", lang, names=_names(texts, lang, declined)))
    if roster.begun or roster.checking_in:
        out.append(texts.t("mtg.roster.rsvp", lang,
                           said_yes=_said_yes(texts, lang, roster.said_yes_absent, unconfirmed),
                           unannounced=_names(texts, lang, roster.came_unannounced)))
    if roster.quorum is not None and roster.quorum.full_expected == 0:  # only 预备党员 expected: no quorum
        out.append(texts.t("mtg.roster.quorum_none", lang))
    elif roster.quorum is not None:
        q = roster.quorum
        key = ("mtg.roster.quorum_met" if q.met else "mtg.roster.quorum_short") if roster.final else \
            "mtg.roster.quorum_so_far"
        out.append(texts.t(key, lang, present=q.full_present, expected=q.full_expected, needed=q.needed))
    owed = [x for x in roster.expected if x.makeup is not None]
    if owed:
        done = [x for x in owed if x.makeup == "done"]
        out.append(texts.t("mtg.roster.makeup", lang, done=_names(texts, lang, done),
                           owes=_names(texts, lang, roster.owes_makeup)))
    elif roster.missed and not roster.makeup_due and roster.makeup_from is not None:  # it will go out (T1)
        out.append(texts.t("mtg.roster.makeup_later", lang, end=f"{roster.makeup_from.astimezone(tz):%H:%M}"))
    elif roster.final and roster.missed:  # none sent (older than the sweep, the bot was down): say so
        out.append(texts.t("mtg.roster.makeup_none", lang, id=meeting.id))
    return Safe("\n".join(out))


def _with_reasons(texts: Catalog, lang: str, lines: list[RosterLine]) -> str:
    """Names, each with the reason recorded for it: 王五（出差）、Alice."""
    names = [texts.plain("mtg.roster.reason_mark", lang, name=x.name, reason=x.reason) if x.reason else x.name
             for x in lines]
    return join_names(texts, lang, names) or texts.plain("mtg.glyph.none", lang)


def overview_text(texts: Catalog, lang: str, rosters: list[tuple[Meeting, Roster]], tz: ZoneInfo,
                  now: datetime) -> Safe:
    """/attendance without an id: each recent meeting's 实到 / 应到 and who still owes 补学."""
    if not rosters:
        return texts.t("mtg.overview.none", lang)
    lines = [texts.t("mtg.overview.head", lang)]
    for meeting, roster in rosters:
        owes = roster.owes_makeup
        # a meeting still going on is not yet held: its figures are so far (trial V24)
        key = "mtg.overview.line" if meeting.ends_at <= now else "mtg.overview.line_ongoing"
        if not roster.expected:  # addressed to nobody (held before anyone joined): no 0 / 0 (trial T18)
            key = "mtg.overview.line_nobody"
        lines.append(texts.t(key, lang, id=meeting.id, kind=kind_word(texts, lang, meeting.kind),
                             topic=meeting.topic,
                             start=when(texts, lang, meeting.starts_at, tz), present=len(roster.present),
                             expected=len(roster.expected)))
        if owes:
            lines.append(texts.t("mtg.overview.owes", lang, count=len(owes), names=_names(texts, lang, owes)))
    lines.append(texts.t("mtg.overview.hint", lang))
    return Safe("\n".join(lines))


def owed_text(texts: Catalog, lang: str, meetings: Sequence[Meeting], tz: ZoneInfo) -> Safe:
    """/me: the 补学 a member still owes, each with the /meeting that gives it again (trial T22)."""
    return Safe("\n".join([texts.t("mtg.owed.head", lang)] + [
        texts.t("mtg.owed.line", lang, id=m.id, kind=kind_word(texts, lang, m.kind), topic=m.topic,
                start=when(texts, lang, m.starts_at, tz)) for m in meetings]))


# --------------------------------------------------------------------------- calendar


def ics_bytes(meeting: Meeting, tz: ZoneInfo, branch: str) -> bytes:
    """An .ics event in the branch's timezone (with its VTIMEZONE), so a phone's calendar shows local time."""
    calendar = Calendar()
    calendar.add("prodid", "-//zhibu//meetings//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}-{meeting.key}@zhibu")
    event.add("summary", f"{meeting.kind}：{meeting.topic}")
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("dtstamp", meeting.created_at)
    event.add("location", meeting.place)
    event.add("sequence", meeting.revision)
    description = [branch] + ([meeting.agenda] if meeting.agenda else []) + [f"《{t}》" for t in meeting.materials]
    event.add("description", "\n".join(description))
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def branch_name(session: Session, meeting: Meeting) -> str:
    return get_branch(session=session, branch_id=meeting.branch_id).name


def typable(name: str, member_id: int, names: Sequence[str]) -> str:
    """How to name a member in a suggested command: their name when ``member_arg`` resolves it (one word, not
    a number, not shared), else their member number — "李 书记" splits in two and "2024" reads as an id
    (review R2.11; Latin names such as "Tom" are looked up since trial T15)."""
    word = name.strip()
    if word and not word.lstrip("#").isdigit() and not any(c.isspace() for c in word) and len(word) <= 64 \
            and sum(1 for n in names if n.strip() == word) == 1:
        return word
    return str(member_id)
