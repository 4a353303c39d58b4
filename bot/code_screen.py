"""The check-in code on the meeting's screen keeps itself current (trial U6).

::

    /checkincode 5 ─▶ photo: code + QR + [🔄]   this message becomes the chat's live screen
                                                (a newer /checkincode in the same chat supersedes it)
    each rotation of the code ─▶ the bot edits that photo to the new code and QR, by itself
    check-in closes, the meeting ends or is cancelled ─▶ one last edit: "签到已结束", no code, no button
    the message deleted or no longer editable ─▶ the screen stops, quietly

Where the clock comes from: in production one PTB JobQueue job per chat (``zhibu.code_screen:<chat id>``,
a deterministic name, so a new screen replaces the old job) runs once per rotation and schedules its next
run itself; offline (tests, ``zhibu chat``) the driven tick calls :func:`refresh_due`. Screens live in
memory (``bot_data``), not in the database: after a restart the message stays as it was, and its 🔄 makes
it live again (:func:`show` is called by the button as well) — the caption says so.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from telegram import InlineKeyboardMarkup, InputFile, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot import meeting_view as view
from bot.context import SERVICES_KEY, Caller, Services
from bot.texts import Safe
from storage import attendance
from storage import meetings as meeting_store
from storage.errors import DomainError, InvalidState

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
LINK_PREFIX = "ci_"
SCREENS_KEY = "zhibu.code_screens"  # bot_data: chat id → the Screen live in that chat
JOB_PREFIX = "zhibu.code_screen:"
CLOSED = ("meeting_cancelled", "checkin_meeting_over", "checkin_closed")  # storage's "no code any more"
EDIT_MARGIN_S = 0.5  # run just after the rotation, so the new period has surely begun


@dataclass(frozen=True)
class Rendered:
    """One state of the screen: caption, QR png, 🔄 keyboard, and until when its code is the current one."""

    caption: Safe
    png: bytes
    keyboard: InlineKeyboardMarkup
    until: datetime


@dataclass
class Screen:
    """A message showing a live code: where it is, which meeting, whose (the host's or a secretary's
    rights and language), and when its code next rotates."""

    chat_id: int
    message_id: int
    meeting_id: int
    caller: Caller
    until: datetime


async def render(svc: Services, bot_username: str, caller: Caller, meeting_id: int, now: datetime) -> Rendered:
    """The caption, QR and 🔄 for the code valid ``now`` (the store refuses anyone but the host or a
    secretary, and a meeting whose check-in is over or that was cancelled)."""
    window = view.window_of(svc.settings)
    meeting, code, until = await svc.db.run(
        attendance.checkin_code, actor=caller.member, scope=caller.scope, meeting_id=meeting_id, now=now, window=window
    )
    link = f"https://t.me/{bot_username}?start={LINK_PREFIX}{meeting.id}_{code}"
    caption = svc.texts.t(
        "mtg.checkin.code",
        caller.lang,
        code=code,
        topic=meeting.topic,
        until=f"{until.astimezone(svc.settings.tz):%H:%M:%S}",
        link=link,
        opens=f"{window.opens(meeting).astimezone(svc.settings.tz):%H:%M}",
        closes=f"{window.closes(meeting).astimezone(svc.settings.tz):%H:%M}",
    )
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=12, border=2)
    keyboard = InlineKeyboardMarkup([[view.button(svc.texts, caller.lang, "mtg.btn.refresh_code", "cc", meeting.id)]])
    # before check-in opens nobody can use a code: the next edit that matters is at the opening
    return Rendered(caption, image.getvalue(), keyboard, max(until, window.opens(meeting)))


def photo(rendered: Rendered, meeting_id: int) -> InputFile:
    return InputFile(rendered.png, filename=f"checkin-{meeting_id}.png")


def show(app: App, screen: Screen) -> None:
    """Make ``screen`` the live one of its chat (an older one there stops) and, in production, time its
    next edit."""
    screens: dict[int, Screen] = app.bot_data.setdefault(SCREENS_KEY, {})
    screens[screen.chat_id] = screen
    _schedule(app, screen)


def _schedule(app: App, screen: Screen) -> None:
    svc: Services = app.bot_data[SERVICES_KEY]
    if app.job_queue is None or not svc.schedule_jobs:
        return  # offline: the driven tick calls refresh_due
    name = f"{JOB_PREFIX}{screen.chat_id}"
    for job in app.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    delay = max((screen.until - svc.clock.now()).total_seconds(), 0.0) + EDIT_MARGIN_S
    app.job_queue.run_once(_job, when=delay, name=name, chat_id=screen.chat_id)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The production timer of one chat's screen: edit it, then wait for the next rotation."""
    app = context.application
    screen = app.bot_data.get(SCREENS_KEY, {}).get(context.job.chat_id if context.job else None)
    if screen is not None and await _refresh(app, screen):
        _schedule(app, screen)


async def refresh_due(app: App) -> None:
    """Every live screen whose code has rotated shows the new one (the driven clock's tick)."""
    for screen in list(app.bot_data.get(SCREENS_KEY, {}).values()):
        await _refresh(app, screen)


async def _refresh(app: App, screen: Screen) -> bool:
    """Edit one screen if its code rotated; ``False`` once it has stopped (closed, deleted, superseded)."""
    svc: Services = app.bot_data[SERVICES_KEY]
    screens: dict[int, Screen] = app.bot_data.get(SCREENS_KEY, {})
    if screens.get(screen.chat_id) is not screen:
        return False  # a newer /checkincode in this chat took over
    now = svc.clock.now()
    if now < screen.until:
        return True
    try:
        rendered = await render(svc, app.bot.username, screen.caller, screen.meeting_id, now)
    except DomainError as exc:
        screens.pop(screen.chat_id, None)
        if isinstance(exc, InvalidState) and exc.code in CLOSED:
            await _close(app, svc, screen, exc.code)
        return False
    screen.until = rendered.until
    edit = app.bot.edit_message_media(
        chat_id=screen.chat_id,
        message_id=screen.message_id,
        reply_markup=rendered.keyboard,
        media=InputMediaPhoto(photo(rendered, screen.meeting_id), caption=rendered.caption, parse_mode="HTML"),
    )
    if not await _edit(app, edit):
        screens.pop(screen.chat_id, None)
        return False
    return True


async def _close(app: App, svc: Services, screen: Screen, code: str) -> None:
    """The last words of a screen: check-in is over (or the meeting cancelled); no code, no button."""
    lang = screen.caller.lang
    meeting = await svc.db.run(meeting_store.meeting_by_id, meeting_id=screen.meeting_id)
    key = "mtg.checkin.screen_cancelled" if code == "meeting_cancelled" else "mtg.checkin.screen_closed"
    window = view.window_of(svc.settings)
    text = svc.texts.t(
        key,
        lang,
        topic=meeting.topic if meeting else "",
        opens=f"{window.opens(meeting).astimezone(svc.settings.tz):%H:%M}" if meeting else "",
        closes=f"{window.closes(meeting).astimezone(svc.settings.tz):%H:%M}" if meeting else "",
    )
    await _edit(
        app,
        app.bot.edit_message_caption(
            chat_id=screen.chat_id, message_id=screen.message_id, caption=text, parse_mode="HTML", reply_markup=None
        ),
    )


async def _edit(app: App, call: Any) -> bool:
    """Run one edit; ``False`` when the message cannot take it any more (deleted, too old, the same as
    shown, the bot removed from the chat) — the screen then stops without a word to anyone."""
    try:
        await call
    except (BadRequest, Forbidden) as exc:
        log.info("check-in screen stopped: %s", exc)
        return False
    except TelegramError as exc:  # a network hiccup: try again at the next rotation
        log.warning("check-in screen not refreshed this time: %s", exc)
    return True
