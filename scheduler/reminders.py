"""Meeting producers: what the tick asks "what is due now?" about meetings.

Each producer is a plain function ``(session=…, now=…) -> rows added`` that enqueues outbox rows under
unique keys, so a second tick (or a second process) adds nothing::

    notice    mtg.notice:<meeting>:<member>                 once, as soon as the meeting exists (the secretary
                                                            who created it has his confirmation recorded as
                                                            this row, sent: ``seen.record_confirmation``);
                                                            a monthly occurrence once it is its series' next
    reminder  mtg.remind:<meeting>:<offset min>:<start>:<member>   at start - offset (3 d, 1 d, 2 h)
    change    mtg.change:<meeting>:<revision>:<member>      each edit, to whoever was notified already or
                                                            checked in, not to the one who made it
    cancel    mtg.cancel:<meeting>:<member>                 to whoever was notified already or checked in
    group     mtg.group:<meeting>:<what>                    the notice / change / cancel, once in the group
              mtg.group:<meeting>:unbutton<message>          on cancellation: its notice / change loses 参加 / 请假
    unbutton  mtg.unbutton:<meeting>:<chat>:<message>       on cancellation: each private card with buttons
                                                            (notice, reminder, change, 请假 request, a
                                                            handler's own card) loses them (``scheduler.unbutton``)
    补学      mtg.makeup:<meeting>:<member>                 after the meeting, to the absent and excused

Rows carry ids and an offset, never text: the renderer (``bot/meeting_notices.py``) reads the meeting when
the row is sent, so a meeting moved after its reminder was queued is announced with the new time, and a
cancelled one makes its pending notices and reminders expire.  A notice, reminder or change notice, when
rendered, keeps in its payload what it showed (``scheduler/seen.py``); a change notice says what changed
since what the reader may last have seen — several edits read as the first value → the latest, an edit
undone before the sender ran says nothing (the row expires), and a reminder that went out with the new
details after the edit has said it already.

A monthly meeting's occurrences exist 40 days ahead (``storage.meeting_series``), so two may be upcoming at
once.  Only the *next* of its series (no earlier occurrence still to come) is announced: creating a 主题党日
every month announces the first one, and the following month's is announced — in private and in the group
alike — once the one before it has ended (or was skipped), about a month ahead: not while members sit in
this month's one.  Its reminders are not held
back (a reminder only falls due within days, when it is the next one anyway).

Reminders expire at the start; a reminder missed while the bot was down is still produced if the meeting
has not begun, but only the nearest one (after three days down nobody needs the 3-day, 1-day and 2-hour
reminders at once).  The start time is
part of a reminder's key, so a meeting moved later is reminded again relative to its new start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler import leave, unbutton
from scheduler.outbox import enqueue
from storage import meeting_series
from storage.attendance import Window, assign_makeup
from storage.makeup import settle_makeups
from storage.meeting_audience import attendees
from storage.meetings import cancelled_by, edited_by
from storage.members import get_branch
from storage.models import (
    CAME,
    Attendance,
    Audience,
    Delivery,
    DeliveryState,
    LeaveStatus,
    Meeting,
    MeetingStatus,
    Member,
    Rsvp,
)

NOTICE = "mtg.notice"
REMIND = "mtg.remind"
CHANGE = "mtg.change"
CANCEL = "mtg.cancel"
GROUP = "mtg.group"
MAKEUP = "mtg.makeup"
PERSONAL = (NOTICE, REMIND, CHANGE)  # what counts as "already notified" about a meeting
BUTTONED = (*PERSONAL, unbutton.CARD, leave.REQUEST)  # private messages whose buttons a cancellation takes away
CHANGE_LOOKBACK = timedelta(days=2)  # edits older than this were announced long ago
# a meeting ended longer ago than this gets no 补学 by itself: a tick after a holiday's downtime still assigns
# it (trial T17), one long past is left to the secretary.  The one statement of the default: the config's
# ``meeting_options.makeup_days`` takes its default from here (bot reads scheduler, never the reverse)
MAKEUP_LOOKBACK = timedelta(days=30)
# every tick rebuilds the roster of the meetings that ended this recently (a fresh absence, a mark made the
# day after); the whole lookback is swept at the first tick of a process (the downtime case) and then hourly,
# not every 20 s — a roster per meeting of the last month on every tick was ~800 queries (review R2.15)
MAKEUP_RECENT = timedelta(days=3)
MAKEUP_SWEEP_EVERY = timedelta(hours=1)


@dataclass
class MakeupSweep:
    """When this process last swept the whole 补学 lookback (``None``: not yet — its first tick does)."""

    at: datetime | None = None


def _chat(member: Member) -> int:
    return member.chat_id or member.tg_user_id


def _fan_out(session: Session, meeting: Meeting, kind: str, members: list[Member], prefix: str, now: datetime, *,
             payload: dict[str, int] | None = None, expires_at: datetime | None = None) -> int:
    """One row per member under ``<prefix><member id>``; the keys already present are read in one query, so a
    tick over a large branch costs one SELECT per meeting rather than one per member."""
    assert meeting.id is not None
    existing = set(session.exec(select(Delivery.dedup_key).where(Delivery.subject_id == meeting.id,
                                                                 Delivery.kind == kind)).all())
    added = 0
    for member in members:
        dedup_key = f"{prefix}{member.id}"
        if dedup_key in existing:
            continue
        added += enqueue(session=session, branch_id=meeting.branch_id, kind=kind, dedup_key=dedup_key,
                         chat_id=_chat(member), payload=dict(payload or {}), due_at=now, now=now,
                         member_id=member.id, subject_id=meeting.id, expires_at=expires_at)
    return added


def _upcoming(session: Session, now: datetime) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.status == MeetingStatus.SCHEDULED,
                                                   Meeting.starts_at > now)).all())


def produce_series(*, session: Session, now: datetime, tz: ZoneInfo) -> int:
    """Occurrences of recurring meetings, created ahead so their notices go out in time."""
    return meeting_series.extend_series(session=session, tz=tz, now=now)


def _running_series(session: Session, now: datetime) -> set[int]:
    """The series with an occurrence going on now: its next one waits until it ends (trial T21 — phones
    buzzing with next month's 主题党日 notice in the middle of this month's, under the same title)."""
    return {int(s) for s in session.exec(select(Meeting.series_id).where(
        col(Meeting.series_id).is_not(None), Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.starts_at <= now, Meeting.ends_at > now)).all() if s is not None}


def _announced_now(upcoming: list[Meeting], running: set[int]) -> set[int]:
    """The meetings whose notice is due: every one-off meeting, and of each monthly series only its next
    occurrence (a member reads one announcement per 主题党日, not this month's and next month's at once),
    once no occurrence of the series is going on (``running``)."""
    first: dict[int, Meeting] = {}
    for meeting in upcoming:
        if meeting.series_id is None or meeting.series_id in running:
            continue
        held = first.get(meeting.series_id)
        if held is None or (meeting.starts_at, meeting.id or 0) < (held.starts_at, held.id or 0):
            first[meeting.series_id] = meeting
    return {m.id for m in upcoming if m.id is not None and (m.series_id is None or first.get(m.series_id) is m)}


def produce_notices(*, session: Session, now: datetime, offsets: list[timedelta], notify_group: bool) -> int:
    """The notice (on creation; a monthly occurrence once it is its series' next) and the nearest due
    reminder, to each attendee; one notice to the group."""
    added = 0
    upcoming = _upcoming(session, now)
    announce = _announced_now(upcoming, _running_series(session, now))
    for meeting in upcoming:
        assert meeting.id is not None
        people = attendees(session=session, meeting=meeting)
        if meeting.id in announce:
            # the creator's confirmation was recorded as his notice (scheduler.seen): its key is taken already
            added += _fan_out(session, meeting, NOTICE, people, f"{NOTICE}:{meeting.id}:", now,
                              expires_at=meeting.starts_at)
            if notify_group:
                added += _group(session, meeting, "notice", now)
        due = [o for o in offsets if meeting.starts_at - o <= now and meeting.starts_at - o >= meeting.created_at]
        if not due:
            continue
        offset = min(due)
        minutes = int(offset.total_seconds() // 60)
        away = _on_leave(session, meeting) | _just_told(session, meeting, meeting.starts_at - offset, offset)
        prefix = f"{REMIND}:{meeting.id}:{minutes}:{meeting.starts_at:%Y%m%d%H%M}:"
        added += _fan_out(session, meeting, REMIND, [m for m in people if m.id not in away], prefix, now,
                          payload={"offset": minutes},
                          expires_at=meeting.starts_at)
    return added


# what a member got in the last third of a reminder's lead (3 d → 24 h, 1 d → 8 h, 2 h → 40 min) before it
# fell due, or after, stands for that reminder
JUST_TOLD = 3
LIVE = (DeliveryState.PENDING, DeliveryState.CLAIMED, DeliveryState.SENT, DeliveryState.UNCERTAIN)


def _just_told(session: Session, meeting: Meeting, due: datetime, offset: timedelta) -> set[int]:
    """The members a notice or change notice with the meeting's current details reached shortly before the
    reminder falls due (trial T14).  A meeting moved gets a reminder relative to its new start (its key
    carries the start), which repeated the change notice: a move the day after the 3-day reminder brought
    reminder, change notice and the new 3-day reminder within 25 h; moved closer, the change notice and a
    reminder already due for the new time arrived together.  The change notice is the reminder then; a
    reminder of a shorter lead still comes when it falls due."""
    assert meeting.id is not None
    since = due - offset / JUST_TOLD
    return {int(m) for m in session.exec(select(Delivery.member_id).where(
        Delivery.subject_id == meeting.id, col(Delivery.kind).in_((NOTICE, CHANGE)),
        col(Delivery.state).in_(LIVE), Delivery.created_at >= since)).all() if m is not None}


def _on_leave(session: Session, meeting: Meeting) -> set[int]:
    """Members whose 请假 stands (pending or approved) are not reminded to come."""
    rows = session.exec(select(Rsvp.member_id).where(
        Rsvp.meeting_id == meeting.id, Rsvp.response == "leave",
        col(Rsvp.leave_status).in_([LeaveStatus.PENDING, LeaveStatus.APPROVED]))).all()
    return set(rows)


def group_may_know(meeting: Meeting) -> bool:
    """Only a whole-branch meeting is posted in the branch group: a 支委会's, a 党小组's or a list meeting's
    topic, time and place are for those it addresses (privacy: told to them in private, never to everyone)."""
    return meeting.audience == Audience.BRANCH


def _group(session: Session, meeting: Meeting, what: str, now: datetime, revision: int | None = None) -> int:
    if not group_may_know(meeting):
        return 0
    branch = get_branch(session=session, branch_id=meeting.branch_id)
    if branch.group_chat_id is None:
        return 0
    suffix = what if revision is None else f"{what}{revision}"
    return int(enqueue(session=session, branch_id=meeting.branch_id, kind=GROUP,
                       dedup_key=f"{GROUP}:{meeting.id}:{suffix}", chat_id=branch.group_chat_id,
                       payload={"what": what}, due_at=now, now=now, subject_id=meeting.id,
                       expires_at=meeting.starts_at if what != "cancel" else None))


def notified(*, session: Session, meeting_id: int) -> list[int]:
    """Members who were sent something about this meeting (a notice, a reminder or a change)."""
    rows = session.exec(select(Delivery.member_id).where(
        Delivery.subject_id == meeting_id, col(Delivery.kind).in_(PERSONAL),
        Delivery.state == DeliveryState.SENT, col(Delivery.member_id).is_not(None)).distinct()).all()
    return [r for r in rows if r is not None]


def _checked_in(session: Session, meeting_id: int) -> list[int]:
    """Members recorded present or late: one who checked in before any notice reached them (joined late) is
    at the meeting all the same, and a moved time or place concerns them most (review R2.10)."""
    return list(session.exec(select(Attendance.member_id).where(Attendance.meeting_id == meeting_id,
                                                                col(Attendance.status).in_(list(CAME)))).all())


def _group_notified(session: Session, meeting_id: int) -> bool:
    return session.exec(select(Delivery.id).where(Delivery.subject_id == meeting_id, Delivery.kind == GROUP,
                                                  Delivery.state == DeliveryState.SENT)).first() is not None


def produce_changes(*, session: Session, now: datetime, notify_group: bool) -> int:
    """Each revision of a meeting, and its cancellation, to everyone already told about it."""
    added = 0
    recent = session.exec(select(Meeting).where(Meeting.revision > 0,
                                                col(Meeting.updated_at) >= now - CHANGE_LOOKBACK)).all()
    for meeting in recent:
        assert meeting.id is not None
        cancelled = meeting.status == MeetingStatus.CANCELLED
        if not cancelled and meeting.starts_at <= now:
            continue
        told = list(session.exec(select(Member).where(
            col(Member.id).in_(notified(session=session, meeting_id=meeting.id) + _checked_in(session, meeting.id))
        )).all())
        # whoever cancelled it, or made its latest edit, had the confirmation: their own news back is none
        by = (cancelled_by if cancelled else edited_by)(session=session, meeting=meeting)
        told = [m for m in told if m.tg_user_id != by]
        kind = CANCEL if cancelled else CHANGE
        prefix = f"{kind}:{meeting.id}:" + ("" if cancelled else f"{meeting.revision}:")
        added += _fan_out(session, meeting, kind, told, prefix, now,
                          payload={"revision": meeting.revision}, expires_at=None if cancelled else meeting.starts_at)
        if notify_group and _group_notified(session, meeting.id):
            added += _group(session, meeting, "cancel" if cancelled else "change", now,
                            None if cancelled else meeting.revision)
            if cancelled:
                added += _unbutton_group(session, meeting, now)
        if cancelled:  # everyone's cards with buttons, the canceller's own included
            added += unbutton.unbutton_private(session, meeting, now, BUTTONED)
    return added


def _unbutton_group(session: Session, meeting: Meeting, now: datetime) -> int:
    """A cancelled meeting's notice and change notices in the group say "已取消" and lose their 参加 / 请假 /
    日历: one edit each, through the outbox (the group's pace and order, after the cancellation itself is
    posted).  A post whose send is uncertain has no message id to edit; its buttons refuse when pressed."""
    posted = session.exec(select(Delivery).where(
        Delivery.subject_id == meeting.id, Delivery.kind == GROUP, Delivery.state == DeliveryState.SENT,
        col(Delivery.telegram_message_id).is_not(None))).all()
    added = 0
    for row in posted:
        if row.payload.get("what", "notice") not in ("notice", "change"):
            continue
        added += enqueue(session=session, branch_id=meeting.branch_id, kind=GROUP,
                         dedup_key=f"{GROUP}:{meeting.id}:unbutton{row.telegram_message_id}", chat_id=row.chat_id,
                         payload={"what": "unbutton", "message_id": row.telegram_message_id,
                                  "was": row.payload.get("what", "notice")}, due_at=now, now=now,
                         subject_id=meeting.id)
    return added


def produce_makeup(*, session: Session, now: datetime, window: Window, lookback: timedelta = MAKEUP_LOOKBACK,
                   swept: MakeupSweep | None = None) -> int:
    """After a meeting ends (and its check-in closed), its absent and excused members get its study and quiz;
    a 补学 whose quiz was finished since the last tick is recorded as completed.  ``swept`` (the ticker's, one
    per process) limits the whole ``lookback`` to an hourly sweep; without it every call sweeps."""
    settle_makeups(session=session)
    added = 0
    last = swept.at if swept is not None else None
    sweep = last is None or now < last or now - last >= MAKEUP_SWEEP_EVERY
    reach = lookback if sweep else min(lookback, MAKEUP_RECENT)
    ended = session.exec(select(Meeting).where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.ends_at <= now,
                                               Meeting.ends_at > now - reach)).all()
    for meeting in ended:
        if now < window.makeup_from(meeting):  # the one moment the roster and the /attendance 补学 mark read too
            continue
        assert meeting.id is not None
        owed = assign_makeup(session=session, meeting=meeting, now=now, window=window)
        if not owed:
            continue
        owing = list(session.exec(select(Member).where(col(Member.id).in_(owed))).all())
        added += _fan_out(session, meeting, MAKEUP, owing, f"{MAKEUP}:{meeting.id}:", now)
    if sweep and swept is not None:
        swept.at = now
    return added
