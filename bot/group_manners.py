"""How the bot behaves in the branch group: it says as little as possible there.

The group is shared by everyone, Telegram allows a bot about 20 messages a minute in it, and what the bot
says there is read by all.  So a private-only command typed in the group (/me, /quiz, /stats …) *runs* in
the sender's private chat with the bot — they get the real answer there, as if they had typed it there — and
any other answer meant for one person (a refusal, a usage mistake, a mention, a secretary's file) goes there
too, when they have a private chat (they pressed /start and did not block the bot), and the group hears
nothing.  Whether the bot can write to them is asked of Telegram with a "typing…" chat action before the
command runs, so a member who blocked the bot costs no work and no half-done answer.  Only someone the bot
cannot write to gets one short pointer in the group, with a button that opens the private chat (carrying a
/start payload), and those pointers are throttled: one per user per ``PER_USER``, at most ``PER_GROUP`` per
group per ``WINDOW``; beyond that the bot stays silent.

The throttle lives in ``bot_data`` (memory): it is manners, not data, and a restart forgives everyone.
A pointer never says whether its reader is a member: strangers and members the bot cannot reach get the same
words.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.context import Caller, Services, reply, services, split_message, wrote_privately
from bot.errors import report_to_admins
from bot.texts import Safe
from storage import members as member_store

log = logging.getLogger(__name__)

THROTTLE_KEY = "zhibu.group_pointers"
PER_USER = timedelta(minutes=5)  # one pointer per user in this time
PER_GROUP = 3  # pointers per group within WINDOW
WINDOW = timedelta(minutes=1)
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what Telegram accepts after ?start=
UNDELETABLE_KEY = "zhibu.group_undeletable"  # group id -> when deleting a message there was refused
UNDELETABLE_FOR = timedelta(hours=1)
# commands whose argument must not stay readable in the group: the message is deleted when the bot may,
# and the code is not used (it was shown to the whole group)
CODE_COMMANDS = frozenset({"checkin"})


class PointerThrottle:
    """Who got a pointer in which group, and when: at most one per user per ``per_user``, and at most
    ``per_group`` per group within ``window``."""

    def __init__(
        self,
        per_user: timedelta = PER_USER,
        per_group: int = PER_GROUP,
        window: timedelta = WINDOW,
        max_entries: int = 10_000,
    ) -> None:
        self.per_user = per_user
        self.per_group = per_group
        self.window = window
        self.max_entries = max_entries
        self._last: dict[tuple[int, int, str], datetime] = {}
        self._recent: dict[int, deque[datetime]] = {}

    def allow(self, chat_id: int, user_id: int, now: datetime, link: str = "") -> bool:
        """Whether a pointer may go out now; one carrying a new ``link`` (an invite typed after a plain
        pointer) counts apart from the user's plain pointers, within the same group cap."""
        key = (chat_id, user_id, link)
        last = self._last.get(key)
        if last is not None and now - last < self.per_user:
            return False
        recent = self._recent.setdefault(chat_id, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        if len(recent) >= self.per_group:
            return False
        if len(self._last) >= self.max_entries:
            self._last = {key: at for key, at in self._last.items() if now - at < self.per_user}
        self._last[key] = now
        recent.append(now)
        return True


def throttle(context: ContextTypes.DEFAULT_TYPE) -> PointerThrottle:
    found = context.application.bot_data.get(THROTTLE_KEY)
    if not isinstance(found, PointerThrottle):
        found = context.application.bot_data[THROTTLE_KEY] = PointerThrottle()
    return found


def open_chat_markup(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, lang: str, payload: str | None = None
) -> InlineKeyboardMarkup | None:
    """The 打开私聊 button; a /start payload (an invite code, checked against what Telegram accepts after
    ``?start=``) rides along so it need not be typed again."""
    username = context.bot.username
    if not username:
        return None
    url = f"https://t.me/{username}"
    if payload:
        url += f"?start={payload}"
    label = svc.texts.plain("privacy.open_chat", lang)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


async def tell_privately(context: ContextTypes.DEFAULT_TYPE, caller: Caller, text: Safe | str) -> bool:
    """Send ``text`` to the caller's private chat; False when there is none.  Someone with no row is tried
    only if they wrote to the bot privately (:func:`bot.context.wrote_privately`), else Telegram would
    only refuse; a member who blocked the bot is refused by Telegram."""
    if caller.member is None and not wrote_privately(context, caller.user_id):
        return False
    try:
        for part in split_message(text):
            await context.bot.send_message(caller.user_id, part, parse_mode="HTML", disable_web_page_preview=True)
    except (Forbidden, BadRequest) as exc:  # no private chat with this user: the group pointer is all we can do
        await _no_private_chat(context, caller, exc)
        return False
    return True


async def _no_private_chat(context: ContextTypes.DEFAULT_TYPE, caller: Caller, exc: TelegramError) -> None:
    """Telegram refused the private chat: logged, and a block (``Forbidden``) is recorded on the member
    (``reachable``, which the outbox reads) — their next message to the bot clears it again
    (``bot.context.load_caller``), so the secretaries are not told here (``bot.notify`` tells them once,
    from a scheduled send): a blocked member typing in the group would tell them at every command.
    Shared by :func:`tell_privately` and :func:`can_write`."""
    log.debug("no private chat with user %s: %s", caller.user_id, exc)
    member = caller.member
    if not isinstance(exc, Forbidden) or member is None or member.id is None or not member.reachable:
        return
    svc = services(context)
    try:
        await svc.db.run(member_store.mark_unreachable, member_id=member.id, now=svc.clock.now())
    except Exception as error:  # only a note: the answer goes on without it
        log.warning("could not record that user %s blocked the bot: %s", caller.user_id, error)


async def point_in_group(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    caller: Caller,
    text: Safe,
    *,
    payload: str | None = None,
    quote: bool = True,
) -> None:
    """One throttled pointer in the group (silence past the throttle)."""
    if not throttle(context).allow(caller.chat_id, caller.user_id, svc.clock.now(), payload or ""):
        return
    markup = open_chat_markup(context, svc, caller.lang, payload)
    if quote:
        await reply(update, text, reply_markup=markup)
    else:  # the message it answers is gone
        await context.bot.send_message(
            caller.chat_id, text, parse_mode="HTML", reply_markup=markup, disable_web_page_preview=True
        )


async def answer_aside(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    caller: Caller,
    private_text: Safe | str,
    pointer: Safe | None = None,
) -> None:
    """Answer someone in their private chat instead of the group; failing that, a throttled pointer."""
    if await tell_privately(context, caller, private_text):
        return
    await point_in_group(update, context, svc, caller, pointer or svc.texts.t("privacy.see_private", caller.lang))


async def answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, text: Safe | str, command: str
) -> None:
    """A command's refusal or mistake: in private chat, the answer; typed in the group, the same answer aside,
    so the group learns nothing about who is a member or a secretary."""
    if caller.private:
        await reply(update, text)
        return
    about = svc.texts.t("privacy.about_group_command", caller.lang, command=command)
    await answer_aside(update, context, svc, caller, Safe(f"{about}\n{text}"))


async def can_write(context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> bool:
    """Whether Telegram lets the bot write to the caller privately, asked with a chat action ("typing…",
    which shows nothing lasting and says nothing to anyone).  Someone with no row is asked about only if
    they wrote to the bot privately (/help and /lang make no row): they are answered there, not pointed at
    from the group (trial T25); anyone else never opened the chat, and the bot does not even ask."""
    if caller.member is None and not wrote_privately(context, caller.user_id):
        return False
    try:
        return bool(await context.bot.send_chat_action(caller.user_id, ChatAction.TYPING))
    except (Forbidden, BadRequest) as exc:  # blocked, or the private chat never opened
        await _no_private_chat(context, caller, exc)
        return False


def as_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[Update, Chat] | None:
    """The update as if its message had been typed in the sender's private chat: the handlers answer the
    chat a message came from, so this is what sends their answer there (never quoting the group message)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return None
    chat = Chat(user.id, Chat.PRIVATE, username=user.username, first_name=user.first_name,
                last_name=user.last_name)
    moved = Message(message.message_id, message.date, chat, from_user=user, text=message.text,
                    entities=message.entities)
    moved.set_bot(context.bot)
    return Update(update.update_id, message=moved), chat


PrivateRun = Callable[[Update, Caller], Awaitable[None]]


async def run_in_private(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    caller: Caller,
    command: str,
    args: list[str],
    run: PrivateRun,
) -> None:
    """A private-only command typed in the group: ``run`` it for the sender in their private chat; when the
    bot cannot write there (a stranger, a member who blocked it), one throttled, neutral pointer instead —
    a /start invite rides in its button."""
    moved = as_private(update, context)
    if moved is not None and await can_write(context, caller):
        private_update, chat = moved
        try:
            await run(private_update, replace(caller, chat_id=chat.id, private=True))
            return
        except Forbidden as exc:  # blocked between the probe and the answer: the pointer below
            log.info("user %s blocked the bot while /%s ran: %s", caller.user_id, command, exc)
        except Exception as exc:  # PTB's on_error would apologise to the *group* update
            await _failed_in_private(context, svc, caller, command, update.update_id, exc)
            return
    await point_in_group(update, context, svc, caller,
                         svc.texts.t("privacy.pointer_command", caller.lang, command=command),
                         payload=start_payload(command, args))


async def _failed_in_private(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, command: str, update_id: int,
    exc: Exception,
) -> None:
    """A moved command failed for another reason (a network error, the database, a bug).  PTB still holds
    the *group* update, so letting it reach ``on_error`` would quote the member's message in the group with
    the apology; instead it is logged, the member is apologised to in private (best effort) and the admin
    chat is told — the group hears nothing, as this module promises."""
    log.error("error while /%s (typed in the group, update %s) ran in private", command, update_id,
              exc_info=exc)
    try:
        await tell_privately(context, caller, svc.texts.t("error.sorry", caller.lang))
    except TelegramError:
        log.warning("could not send the apology for update %s in private", update_id)
    await report_to_admins(context, svc, update_id, exc)


def start_payload(command: str, args: list[str]) -> str | None:
    """The invite of a ``/start CODE`` typed in the group, when Telegram would carry it after ``?start=``."""
    return args[0] if command == "start" and len(args) == 1 and _PAYLOAD.fullmatch(args[0]) else None


async def redirect_checkin(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, args: list[str]
) -> None:
    """A check-in code typed in the group: deleted when the bot may (it is a group admin), so nobody outside
    the room checks in with it, and not used — a note in private chat asks for it there, else one pointer
    in the group.  (Every other private-only command runs in private: :func:`run_in_private`.)"""
    deleted = await _delete(update, context, svc.clock.now()) if args else False
    if await tell_privately(context, caller, svc.texts.t("privacy.private_checkin", caller.lang)):
        return
    await point_in_group(update, context, svc, caller, svc.texts.t("privacy.pointer_checkin", caller.lang),
                         quote=not deleted)


async def _delete(update: Update, context: ContextTypes.DEFAULT_TYPE, now: datetime) -> bool:
    """Delete the message; a group where that failed (the bot is no admin there) is not asked again for a
    while, so a missing right costs one refused call an hour, not one per code."""
    message = update.effective_message
    if message is None:
        return False
    refused: dict[int, datetime] = context.application.bot_data.setdefault(UNDELETABLE_KEY, {})
    if now - refused.get(message.chat_id, now - UNDELETABLE_FOR) < UNDELETABLE_FOR:
        return False
    try:
        return bool(await message.delete())
    except TelegramError as exc:  # not a group admin, or too late: the code stays, the answer says so
        log.info("could not delete a code typed in group %s: %s", message.chat_id, exc)
        refused[message.chat_id] = now
        return False
