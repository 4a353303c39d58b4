"""The check-in code on the meeting's screen keeps itself current (trial U6).

::

    /checkincode 5 ─▶ photo: code + QR + [🔄]   this message becomes the chat's live screen
    a newer /checkincode in the same chat ─▶ the older photo is edited once: "已停用，请看最新一条", no button
    each rotation of the code ─▶ the bot edits that photo to the new code and QR, by itself
    check-in closes (``Window.closes``) or the meeting is cancelled ─▶ one last edit: no code, no button
    the message deleted or no longer editable ─▶ the screen stops, quietly
    anything else failing (the database away) ─▶ one log line, and another try a code period later

Where the clock comes from: in production one PTB JobQueue job per screen
(``zhibu.code_screen:<chat id>:<message id>``, so 🔄 on the same message replaces its job and a screen can
only ever stop itself, never a newer one in its chat) runs once per rotation and schedules its next run
itself; offline (tests, ``zhibu chat``) the driven tick calls :func:`refresh_due`. Screens live in memory
(``bot_data``) and, so that a restart does not leave one stale, in the outbox as an already-sent row
(``storage.screens``; ``mtg.screen:<chat>:<message>``: the message, its meeting, whose screen it is, and
whether it is still live) — the sender never takes it, no migration was needed.  On start (:func:`resume`)
each live one is due at once: still open, it shows the code of the moment and goes on rotating; over or
cancelled, it gets its closing edit.  A screen that stops (closed, replaced, deleted) is marked so and not
resumed.  🔄 makes a screen live again too (:func:`show` is called by the button as well).
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
from bot.context import SERVICES_KEY, Caller, Services, caller_of
from bot.texts import Safe
from storage import attendance
from storage import meetings as meeting_store
from storage import screens as screen_store
from storage.errors import DomainError, InvalidState

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
LINK_PREFIX = "ci_"
SCREENS_KEY = "zhibu.code_screens"  # bot_data: chat id → the Screen live in that chat
JOB_PREFIX = "zhibu.code_screen:"
CLOSED = ("meeting_cancelled", "checkin_meeting_over", "checkin_closed")  # storage's "no code any more"
EDIT_MARGIN_S = 0.5  # run just after the rotation, so the new period has surely begun
FAILURE_LIMIT = 10  # unexpected errors in a row after which a screen stops trying (logged)


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
    failures: int = 0  # unexpected errors in a row (a database away): retried, up to FAILURE_LIMIT


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
        every=every(svc, caller.lang),
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


def every(svc: Services, lang: str) -> str:
    """How often the code changes, as the caption and the "stale" answer say it: from the config
    (``meeting_options.code_seconds``), in whole minutes when it is some."""
    seconds = svc.settings.meeting_options.code_seconds
    if seconds % 60:
        return svc.texts.plain("mtg.checkin.every_seconds", lang, seconds=seconds)
    minutes = seconds // 60
    if minutes == 1:
        return svc.texts.plain("mtg.checkin.every_minute", lang)
    return svc.texts.plain("mtg.checkin.every_minutes", lang, minutes=minutes)


def photo(rendered: Rendered, meeting_id: int) -> InputFile:
    return InputFile(rendered.png, filename=f"checkin-{meeting_id}.png")


async def show(app: App, screen: Screen) -> None:
    """Make ``screen`` the live one of its chat and, in production, time its next edit; an older screen
    there (another message) stops, and is edited to say so — its code would read as current otherwise."""
    screens: dict[int, Screen] = app.bot_data.setdefault(SCREENS_KEY, {})
    older = screens.get(screen.chat_id)
    screens[screen.chat_id] = screen
    _schedule(app, screen)
    svc: Services = app.bot_data[SERVICES_KEY]
    await svc.db.run(screen_store.remember_screen, chat_id=screen.chat_id, message_id=screen.message_id,
                     meeting_id=screen.meeting_id, user_id=screen.caller.user_id, now=svc.clock.now())
    if older is not None and older.message_id != screen.message_id:
        _unschedule(app, older)
        await _replaced(app, older)


async def resume(app: App, svc: Services) -> None:
    """On start: every screen that was live when the process stopped is due at once — redrawn with the code
    of the moment while check-in is open, or given its closing edit if it has ended meanwhile."""
    screens: dict[int, Screen] = app.bot_data.setdefault(SCREENS_KEY, {})
    now = svc.clock.now()
    try:  # run at start-up: a database away must cost the screens, not the start
        found = await svc.db.run(screen_store.live_screens, now=now)
    except Exception:
        log.exception("check-in screens not resumed")
        return
    for chat_id, message_id, meeting_id, user_id in found:
        try:
            screen = Screen(chat_id, message_id, meeting_id, await caller_of(svc, user_id, chat_id), now)
        except Exception:
            log.exception("check-in screen %s:%s not resumed", chat_id, message_id)
            continue
        screens[chat_id] = screen
        _schedule(app, screen)
    if app.job_queue is None or not svc.schedule_jobs:
        await refresh_due(app)  # offline there is no timer: the resumed screens are brought up to date now


def _job_name(screen: Screen) -> str:
    return f"{JOB_PREFIX}{screen.chat_id}:{screen.message_id}"


def _live(app: App, screen: Screen) -> bool:
    return app.bot_data.get(SCREENS_KEY, {}).get(screen.chat_id) is screen


async def _stop(app: App, screen: Screen) -> None:
    """Forget ``screen`` if it is still its chat's live one (here and in its record, so a restart does not
    resume it); a newer screen there is not this one's to stop."""
    screens: dict[int, Screen] = app.bot_data.get(SCREENS_KEY, {})
    if screens.get(screen.chat_id) is screen:
        del screens[screen.chat_id]
        svc: Services = app.bot_data[SERVICES_KEY]
        try:
            await svc.db.run(screen_store.forget_screen, chat_id=screen.chat_id, message_id=screen.message_id)
        except Exception as exc:  # the database away: a restart then tries it once more and closes it
            log.warning("check-in screen %s:%s not marked stopped: %s", screen.chat_id, screen.message_id, exc)


def _unschedule(app: App, screen: Screen) -> None:
    if app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(_job_name(screen)):
            job.schedule_removal()


def _schedule(app: App, screen: Screen, delay: float | None = None) -> None:
    """Run :func:`_job` for ``screen`` just after its code rotates (or ``delay`` seconds from now)."""
    svc: Services = app.bot_data[SERVICES_KEY]
    if app.job_queue is None or not svc.schedule_jobs:
        return  # offline: the driven tick calls refresh_due
    _unschedule(app, screen)
    if delay is None:
        delay = max((screen.until - svc.clock.now()).total_seconds(), 0.0) + EDIT_MARGIN_S
    app.job_queue.run_once(_job, when=delay, name=_job_name(screen), chat_id=screen.chat_id, data=screen)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The production timer of one screen: edit it, then wait for the next rotation."""
    app = context.application
    screen = context.job.data if context.job else None
    if not isinstance(screen, Screen):
        return
    keep = await _attempt(app, screen)
    if keep is None:
        svc: Services = app.bot_data[SERVICES_KEY]
        _schedule(app, screen, delay=float(svc.settings.meeting_options.code_seconds))
    elif keep:
        _schedule(app, screen)


async def refresh_due(app: App) -> None:
    """Every live screen whose code has rotated shows the new one (the driven clock's tick)."""
    for screen in list(app.bot_data.get(SCREENS_KEY, {}).values()):
        await _attempt(app, screen)


async def _attempt(app: App, screen: Screen) -> bool | None:
    """:func:`_refresh`, with an unexpected error (the database away, a bug) logged in one line instead of
    ending the screen's timer unseen: ``None`` — keep the screen, try again a code period later — until
    :data:`FAILURE_LIMIT` errors in a row stop it."""
    try:
        keep = await _refresh(app, screen)
    except Exception as exc:  # a timer must not die of what it cannot handle
        screen.failures += 1
        stop = screen.failures >= FAILURE_LIMIT
        log.warning(
            "check-in screen %s:%s not refreshed (%s of %s)%s: %s: %s",
            screen.chat_id,
            screen.message_id,
            screen.failures,
            FAILURE_LIMIT,
            ", stopped" if stop else "",
            type(exc).__name__,
            exc,
        )
        if stop:
            await _stop(app, screen)
            return False
        return None if _live(app, screen) else False
    screen.failures = 0
    return keep


async def _refresh(app: App, screen: Screen) -> bool:
    """Edit one screen if its code rotated; ``False`` once it has stopped (closed, deleted, superseded)."""
    svc: Services = app.bot_data[SERVICES_KEY]
    if not _live(app, screen):
        return False  # a newer /checkincode in this chat took over
    now = svc.clock.now()
    if now < screen.until:
        return True
    try:
        rendered = await render(svc, app.bot.username, screen.caller, screen.meeting_id, now)
    except DomainError as exc:
        if not _live(app, screen):
            return False  # superseded meanwhile: its message was told so already
        await _stop(app, screen)
        if isinstance(exc, InvalidState) and exc.code in CLOSED:
            await _close(app, svc, screen, exc.code)
        else:  # its owner may no longer show codes (demoted while the bot was down): no stale code stays up
            await _last_words(app, svc, screen, "mtg.checkin.screen_stopped")
        return False
    if not _live(app, screen):
        return False  # superseded while rendering: leave its "replaced" caption alone
    screen.until = rendered.until
    edit = app.bot.edit_message_media(
        chat_id=screen.chat_id,
        message_id=screen.message_id,
        reply_markup=rendered.keyboard,
        media=InputMediaPhoto(photo(rendered, screen.meeting_id), caption=rendered.caption, parse_mode="HTML"),
    )
    if not await _edit(app, edit):
        await _stop(app, screen)
        return False
    return True


async def _replaced(app: App, screen: Screen) -> None:
    """The last words of a superseded screen: its code is no longer kept current; look at the newest one."""
    svc: Services = app.bot_data[SERVICES_KEY]
    await _last_words(app, svc, screen, "mtg.checkin.screen_replaced")


async def _close(app: App, svc: Services, screen: Screen, code: str) -> None:
    """The last words of a screen: check-in is over (or the meeting cancelled); no code, no button."""
    key = "mtg.checkin.screen_cancelled" if code == "meeting_cancelled" else "mtg.checkin.screen_closed"
    await _last_words(app, svc, screen, key)


async def _last_words(app: App, svc: Services, screen: Screen, key: str) -> None:
    """Replace a screen's caption with ``key`` (the meeting's topic and check-in hours at hand), no code and no
    button: the one edit every way a screen ends shares."""
    meeting = await svc.db.run(meeting_store.meeting_by_id, meeting_id=screen.meeting_id)
    window = view.window_of(svc.settings)
    text = svc.texts.t(
        key,
        screen.caller.lang,
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
    """Run one edit; ``False`` when the message cannot take it any more (deleted, too old, the bot removed
    from the chat) — the screen then stops without a word to anyone.  "Message is not modified" is success:
    the message already shows this, as after a restart within the same code period."""
    try:
        await call
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # already showing this (a restart within one code period)
            return True
        log.info("check-in screen stopped: %s", exc)
        return False
    except Forbidden as exc:
        log.info("check-in screen stopped: %s", exc)
        return False
    except TelegramError as exc:  # a network hiccup: try again at the next rotation
        log.warning("check-in screen not refreshed this time: %s", exc)
    return True
