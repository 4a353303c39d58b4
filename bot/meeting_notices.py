"""What the outbox sends about meetings, rendered when each row is sent.

Every renderer reads current rows in the reader's language and the branch timezone, so what a member reads
is what the meeting is *now* — moved, edited or cancelled after the row was queued.  A change notice also
says what changed: each notice, reminder and change notice keeps what it showed (``scheduler.seen``), and
the next one compares the meeting with what *that reader* may last have seen::

    notice (14:30, 三楼)  ─▶ edit 时间 ─▶ edit 地点 ─▶ change notice: 时间 14:30 → 15:00, 地点 三楼 → 五楼
    notice (14:30)        ─▶ edit 时间 15:00 ─▶ edit 时间 14:30 ─▶ (nothing changed for them: not sent)
    notice (14:30) ─▶ reminder queued ─▶ edit 时间 15:00 ─▶ reminder: 15:00, "时间 14:30 → 15:00" ─▶ change: not sent
    notice (14:30) ─▶ reminder (15:00) uncertain ─▶ change notice: "以此为准" and the card, no old → new

The card, keyboards, roster and calendar file are ``bot/meeting_view.py``.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Message

from bot import meeting_makeup
from bot.config import Settings
from bot.context import Caller, Services
from bot.meeting_view import (
    answer_line,
    calendar_keyboard,
    card,
    leave_keyboard,
    moved_line,
    rsvp_keyboard,
    when,
)
from bot.texts import Catalog, Safe
from bot.words import kind_word
from scheduler import leave, reminders, seen, unbutton
from scheduler.kinds import DeliveryKind, KindPolicy, Later, Outgoing
from storage import meetings as meeting_store
from storage.makeup import makeup_questions
from storage.models import Delivery, LeaveStatus, Meeting, MeetingStatus, Member, MemberStatus, Rsvp
from storage.rsvp import came_at, rsvp_of

CHANGE_CHARS = 60  # of a changed topic, place or agenda on its "old → new" line (the card has it in full)
CONTEXT_CHARS = 12  # unchanged text shown either side of what changed in a long one


def _recipient(session: Session, row: Delivery) -> Member | None:
    member = session.get(Member, row.member_id) if row.member_id is not None else None
    return member if member is not None and member.status == MemberStatus.ACTIVE else None


def render_personal(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """Notice, reminder, change: the current meeting, with 参加 / 请假 / calendar buttons; ``None`` once it is
    cancelled or begun (the row then expires).  A change notice first says what changed since the member's
    last notice — and, when nothing did (an edit undone, or announced by an earlier row), it is not sent."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=row.subject_id or 0)
    member = _recipient(session, row)
    if meeting is None or member is None or meeting.status == MeetingStatus.CANCELLED:
        return None
    lang = texts.lang(member.language)
    assert meeting.id is not None and member.id is not None
    checked_in = came_at(session=session, meeting_id=meeting.id, member_id=member.id)
    if checked_in is not None and row.kind != reminders.CHANGE:
        return None  # checked in already: no card asking whether they will attend (trial T2)
    head = {reminders.NOTICE: "mtg.notice.head", reminders.REMIND: "mtg.remind.head",
            reminders.CHANGE: "mtg.change.head"}[row.kind]
    lines: list[str] = [texts.t(head, lang, start=when(texts, lang, meeting.starts_at, settings.tz))]
    changed = _what_changed(texts, lang, session, row, meeting, member.id, settings.tz)
    if changed is None:
        return None
    lines += changed.lines
    if checked_in is not None:
        # checked in before the meeting was moved or edited: they still need the new time or place (review
        # R2.10), without 参加 / 请假 — the check-in stands, the secretary corrects the ledger if need be
        lines += [card(texts, lang, meeting, settings.tz),
                  texts.t("mtg.answer.checked_in", lang, time=f"{checked_in.astimezone(settings.tz):%H:%M}")]
        return Outgoing(text="\n".join(lines), markup=calendar_keyboard(texts, lang, meeting.id))
    answer = rsvp_of(session=session, meeting_id=meeting.id, member_id=member.id)
    response, status = (answer.response, answer.leave_status) if answer else (None, None)
    # whichever message brings the move asks (a reminder rendered after the edit says the change itself)
    moved = changed.moved and response is not None and status != "declined"
    lines += [card(texts, lang, meeting, settings.tz),
              moved_line(texts, lang, response, status) if moved else answer_line(texts, lang, response, status)]
    # moved: 参加 was an answer for the old time — the button asks again rather than showing it as given
    attending = response == "attend" and not moved
    return Outgoing(text="\n".join(lines), markup=rsvp_keyboard(texts, lang, meeting.id, attending=attending))


class _Changed(NamedTuple):
    lines: list[str]
    moved: bool  # the reader last saw another start


def _what_changed(texts: Catalog, lang: str, session: Session, row: Delivery, meeting: Meeting,
                  reader: int | None, tz: ZoneInfo) -> _Changed | None:
    """Record on a notice, reminder or change notice what it shows, and give the lines of what changed
    since what ``reader`` (``None``: the group) may last have seen (``scheduler.seen``); ``None`` for a
    change notice with nothing new for them (it is then not sent).

    A reminder sent after an edit, before its change notice, says what changed itself (it renders the new
    details), so the change notice that follows has nothing left to say.  When the reader may last have
    seen either of two versions (an uncertain send), no old → new line is right: the message says plainly
    that these are the current details.  The record is written in the render's own transaction, so it is
    what this very message shows; it counts once the row is sent (or may have been)."""
    shown = meeting_store.announced(meeting)
    assert meeting.id is not None
    change = row.kind in (reminders.CHANGE, reminders.GROUP) and row.payload.get("what", "change") == "change"
    lines: list[str] = []
    moved = False
    if row.kind != reminders.NOTICE and row.payload.get("what") != "notice":
        before = seen.last_seen(session=session, meeting_id=meeting.id, member_id=reader, exclude=row.id)
        if before.unsure:
            lines = [texts.t("mtg.change.unsure", lang)]
        elif before.shown is not None:
            lines = change_lines(texts, lang, before.shown, shown, tz)
            moved = before.shown.get("starts_at") != shown.get("starts_at")  # a longer meeting asks nobody
            if lines and not change:
                lines.insert(0, texts.t("mtg.remind.changed", lang))
        if change and not lines and (before.shown is not None or before.unsure):
            return None
        if lines:
            lines.append("")
    seen.record_shown(session=session, row=row, meeting_id=meeting.id, member_id=reader, shown=shown)
    return _Changed(lines, moved)


def _span_of(shown: dict[str, Any]) -> tuple[object, object]:
    return shown.get("starts_at"), shown.get("ends_at")


def change_lines(texts: Catalog, lang: str, before: dict[str, Any], now: dict[str, Any], tz: ZoneInfo) -> list[str]:
    """``时间：old → new`` for each detail that differs, in the reader's language and the branch timezone; a
    long text (an agenda) shows the window around what changed, not the whole of it twice."""
    out: list[str] = []
    if _span_of(before) != _span_of(now):
        out.append(_change(texts, lang, "time", _span(texts, lang, before, tz), _span(texts, lang, now, tz)))
    for name in ("topic", "place", "agenda", "host", "recorder"):
        if (before.get(name) or None) != (now.get(name) or None):
            out.append(_change(texts, lang, name, *around(texts, lang, before.get(name), now.get(name))))
    return out


def _change(texts: Catalog, lang: str, name: str, old: str, new: str) -> str:
    return texts.t("mtg.change.line", lang, field=texts.plain(f"mtg.change.field.{name}", lang), old=old, new=new)


def _span(texts: Catalog, lang: str, told: dict[str, Any], tz: ZoneInfo) -> str:
    start = _instant(told.get("starts_at"))
    if start is None:
        return texts.plain("mtg.glyph.none", lang)
    end = _instant(told.get("ends_at"))
    if end is None:
        return when(texts, lang, start, tz)
    return texts.plain("mtg.glyph.span", lang, start=when(texts, lang, start, tz), end=f"{end.astimezone(tz):%H:%M}")


def _instant(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def around(texts: Catalog, lang: str, old: object, new: object, limit: int = CHANGE_CHARS) -> tuple[str, str]:
    """The old and the new text as a reader compares them: whole when short; else the stretch that differs
    with :data:`CONTEXT_CHARS` either side, "…" where text is left out (a one-word edit in the middle of a
    long agenda reads "…第三项 学习<b>二十届四中全会</b>精神…", not the agenda twice)."""
    before, after = str(old or "").strip(), str(new or "").strip()
    none = texts.plain("mtg.glyph.none", lang)
    if len(before) <= limit and len(after) <= limit:
        return before or none, after or none
    same = min(len(before), len(after))
    head = next((i for i in range(same) if before[i] != after[i]), same)
    tail = next((i for i in range(same - head) if before[-1 - i] != after[-1 - i]), same - head)
    start = max(0, head - CONTEXT_CHARS)

    def cut(text: str) -> str:
        if not text:
            return none
        end = min(len(text), len(text) - tail + CONTEXT_CHARS)
        piece = text[start:end]
        if len(piece) > limit:
            piece, end = piece[:limit], start + limit
        more = texts.plain("mtg.glyph.more", lang)
        return (more if start > 0 else "") + piece + (more if end < len(text) else "")

    return cut(before), cut(after)


def render_cancel(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """The cancellation, naming the meeting as the member last heard of it (moved since? its old time)."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=row.subject_id or 0)
    member = _recipient(session, row)
    if meeting is None or member is None or meeting.status != MeetingStatus.CANCELLED:
        return None
    lang = texts.lang(member.language)
    return Outgoing(text=_cancel_text(texts, lang, session, meeting, member.id, settings.tz))


def _cancel_text(texts: Catalog, lang: str, session: Session, meeting: Meeting, member_id: int | None,
                 tz: ZoneInfo) -> str:
    assert meeting.id is not None
    last = seen.last_seen(session=session, meeting_id=meeting.id, member_id=member_id)
    told = {} if last.unsure else (last.shown or {})  # unsure what they saw: its latest time and topic
    start = _instant(told.get("starts_at")) or meeting.starts_at
    return texts.t("mtg.cancel.notice", lang, kind=kind_word(texts, lang, meeting.kind),
                   topic=told.get("topic") or meeting.topic,
                   start=when(texts, lang, start, tz))


def render_group(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """The one message in the branch group, in the branch's language; members answer with its buttons.  Its
    change notice, like a member's, says what changed since the group's last notice; once the meeting is
    cancelled, each of them loses its buttons (``unbutton``: an edit, no new message)."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=row.subject_id or 0)
    if meeting is None or not reminders.group_may_know(meeting):  # queued before its audience was narrowed
        return None
    lang = texts.lang(settings.language)
    what = str(row.payload.get("what", "notice"))
    if what == "unbutton":
        posted = row.payload.get("message_id")
        if meeting.status != MeetingStatus.CANCELLED or not isinstance(posted, int):
            return None
        # the card now reads "❌ 已取消"; the old what-changed lines and the "press below" hint go with the buttons
        head = "mtg.change.head" if row.payload.get("was") == "change" else "mtg.notice.head"
        text = "\n".join([texts.t(head, lang, start=when(texts, lang, meeting.starts_at, settings.tz)),
                          card(texts, lang, meeting, settings.tz)])
        return Outgoing(edit=posted, text=text)
    if what == "cancel":
        if meeting.status != MeetingStatus.CANCELLED:
            return None
        return Outgoing(text=_cancel_text(texts, lang, session, meeting, None, settings.tz))
    if meeting.status == MeetingStatus.CANCELLED:
        return None
    head = "mtg.change.head" if what == "change" else "mtg.notice.head"
    lines: list[str] = [texts.t(head, lang, start=when(texts, lang, meeting.starts_at, settings.tz))]
    changed = _what_changed(texts, lang, session, row, meeting, None, settings.tz)
    if changed is None:
        return None
    lines += changed.lines
    lines += [card(texts, lang, meeting, settings.tz), texts.t("mtg.group.hint", lang)]
    return Outgoing(text="\n".join(lines), markup=rsvp_keyboard(texts, lang, meeting.id))


def render_unbutton(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """A private card of a cancelled meeting, edited in place: it says 已取消 and that no reply (or, on a 请假
    request, no decision) is needed, and keeps no button (``scheduler.unbutton``)."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=row.subject_id or 0)
    posted = row.payload.get("message_id")
    if meeting is None or meeting.status != MeetingStatus.CANCELLED or not isinstance(posted, int):
        return None
    reader = session.get(Member, row.member_id) if row.member_id is not None else None
    lang = texts.lang(reader.language if reader is not None else settings.language)
    start = when(texts, lang, meeting.starts_at, settings.tz)
    was = row.payload.get("was")
    if was == leave.REQUEST:
        answer = session.get(Rsvp, int(str(row.payload.get("rsvp", 0))))
        asker = session.get(Member, answer.member_id) if answer is not None else None
        name = asker.name if asker is not None else ""
        if answer is not None and _decided_here(answer, row.payload):
            # the secretary's record of a decision stays: the decision line, the reason, and a note
            decided = texts.t(f"mtg.leave.{answer.leave_status}_by", lang, name=name, topic=meeting.topic,
                              reason=answer.reason or texts.plain("mtg.glyph.none", lang))
            return Outgoing(edit=posted, text=f"{decided}\n{texts.t('mtg.unbutton.decided', lang)}")
        return Outgoing(edit=posted, text=texts.t("mtg.unbutton.leave", lang, topic=meeting.topic, start=start,
                                                  name=name))
    head = {reminders.NOTICE: "mtg.notice.head", reminders.REMIND: "mtg.remind.head",
            reminders.CHANGE: "mtg.change.head"}.get(str(was))
    lines = [texts.t(head, lang, start=start)] if head else []
    lines += [card(texts, lang, meeting, settings.tz), texts.t("mtg.unbutton.note", lang)]
    return Outgoing(edit=posted, text="\n".join(lines))


def _decided_here(answer: Rsvp, payload: dict[str, Any]) -> bool:
    """Whether the 请假 this card asked about was decided (not withdrawn, not asked again since: a stale
    card has nothing of its own to keep).  An edit queued before ``asked`` was carried counts as decided."""
    if answer.response != "leave" or answer.leave_status not in (LeaveStatus.APPROVED, LeaveStatus.DECLINED):
        return False
    asked = payload.get("asked")
    return asked is None or abs(leave.stamp(answer.responded_at) - float(str(asked))) < 1e-5


def render_leave_request(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """A 请假 to decide, to one secretary with [批准][不批准]; ``None`` once it was decided or withdrawn, or
    the meeting cancelled (nothing left to approve)."""
    answer = leave.current_request(session, row.payload)
    secretary = _recipient(session, row)
    if answer is None or secretary is None:
        return None
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=answer.meeting_id)
    member = session.get(Member, answer.member_id)
    if meeting is None or member is None or meeting.status == MeetingStatus.CANCELLED:
        return None
    lang = texts.lang(secretary.language)
    return Outgoing(text=texts.t("mtg.leave.request", lang, name=member.name, topic=meeting.topic,
                                 reason=answer.reason or texts.plain("mtg.glyph.none", lang),
                                 start=when(texts, lang, meeting.starts_at, settings.tz)),
                    markup=leave_keyboard(texts, lang, answer.id))


def render_leave_decision(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """The secretary's decision, to the member; ``None`` when a later decision replaced it."""
    answer = leave.current_decision(session, row)
    found = _member_and_meeting(texts, session, row, answer.meeting_id if answer is not None else None)
    if answer is None or found is None:
        return None
    meeting, lang = found
    outcome = "approved" if answer.leave_status == LeaveStatus.APPROVED else "declined"
    text = texts.t(f"mtg.leave.{outcome}", lang, topic=meeting.topic,
                   start=when(texts, lang, meeting.starts_at, settings.tz))
    if outcome == "approved":
        text = Safe(text + texts.t(_makeup_promise(settings, session, meeting), lang))
    return Outgoing(text=text)


def render_decline_note(texts: Catalog, settings: Settings, session: Session, row: Delivery
                        ) -> Outgoing | Later | None:
    """The secretary's reason for a 不批准, after the decision (``Later`` while that still waits for its send);
    ``None`` when a later decision replaced it."""
    answer = leave.current_note(session, row)
    waits = leave.note_waits(session, row) if answer is not None else None
    if waits is not None:
        return Later(waits)
    found = _member_and_meeting(texts, session, row, answer.meeting_id if answer is not None else None)
    if found is None:
        return None
    meeting, lang = found
    return Outgoing(text=texts.t("mtg.leave.note", lang, topic=meeting.topic, note=str(row.payload.get("note")),
                                 start=when(texts, lang, meeting.starts_at, settings.tz)))


def render_excused(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """请假 the secretary recorded (``/attendance ID NAME 请假``) for a member who had not asked or was
    declined, to that member, with what the 补学 will hold; ``None`` once the record says otherwise."""
    recorded = leave.current_excused(session, row)
    found = _member_and_meeting(texts, session, row, recorded.meeting_id if recorded is not None else None)
    if recorded is None or found is None:
        return None
    meeting, lang = found
    text = texts.t("mtg.leave.recorded", lang, topic=meeting.topic, start=when(texts, lang, meeting.starts_at,
                                                                             settings.tz))
    return Outgoing(text=Safe(text + texts.t(_makeup_promise(settings, session, meeting), lang)))


def _member_and_meeting(texts: Catalog, session: Session, row: Delivery, meeting_id: int | None
                        ) -> tuple[Meeting, str] | None:
    """The meeting a leave message to a member is about, and the member's language; ``None`` when the
    member is no longer active or the meeting is gone (the row is then not sent)."""
    member = _recipient(session, row)
    if member is None or meeting_id is None:
        return None
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=meeting_id)
    return (meeting, texts.lang(member.language)) if meeting is not None else None


def _makeup_promise(settings: Settings, session: Session, meeting: Meeting) -> str:
    """What the 补学 after the meeting will hold, as it stands now (trial V18): the materials and their quiz,
    the materials alone, or nothing to read — then the secretary arranges it."""
    reading = meeting_makeup.offered(session, meeting)
    if not reading.passages:
        return "mtg.leave.makeup_none"
    if makeup_questions(session=session, meeting=meeting, size=settings.study.quiz_size, titles=reading.titles):
        return "mtg.leave.makeup_quiz"
    return "mtg.leave.makeup_read"


def delivery_kinds(texts: Catalog, settings: Settings) -> list[DeliveryKind]:
    """Reminders (and the notices and changes a member must not miss) prefer a duplicate to a loss."""
    resend = KindPolicy(resend_uncertain=True)
    personal = partial(render_personal, texts, settings)
    return [
        DeliveryKind(reminders.NOTICE, personal, resend),
        DeliveryKind(reminders.REMIND, personal, resend),
        DeliveryKind(reminders.CHANGE, personal, resend),
        DeliveryKind(reminders.CANCEL, partial(render_cancel, texts, settings), resend),
        DeliveryKind(reminders.GROUP, partial(render_group, texts, settings), KindPolicy()),
        DeliveryKind(unbutton.UNBUTTON, partial(render_unbutton, texts, settings), KindPolicy()),
        DeliveryKind(reminders.MAKEUP, partial(meeting_makeup.render_makeup, texts, settings), KindPolicy()),
        DeliveryKind(leave.REQUEST, partial(render_leave_request, texts, settings), resend),
        DeliveryKind(leave.DECISION, partial(render_leave_decision, texts, settings), resend),
        DeliveryKind(leave.EXCUSED, partial(render_excused, texts, settings), resend),
        DeliveryKind(leave.NOTE, partial(render_decline_note, texts, settings), resend),
    ]


async def remember_card(svc: Services, caller: Caller, meeting: Meeting, sent: Message | None) -> None:
    """A card with buttons that a handler sent itself (a creation confirmation, a ``/meeting`` view) is
    recorded (``scheduler.unbutton``), so cancelling the meeting later takes its buttons away like those of
    the notices the outbox sent; with the details it shows, so a 参加 under it compares those, not its
    text.  Here, not in a handler module, as both handlers that send one need it."""
    if sent is None or caller.member is None:
        return
    await svc.db.run(unbutton.record_card, meeting=meeting, member_id=caller.member.id, chat_id=sent.chat_id,
                     message_id=sent.message_id, now=svc.clock.now(),
                     payload={seen.SHOWN: meeting_store.announced(meeting)})
