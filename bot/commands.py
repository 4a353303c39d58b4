"""Commands are declared once, as data, and everything else is derived from the table.

A ``Command`` names its minimum role, its handler, whether it answers only in private chat, and
(through the catalog) its description and usage.  From that one table the wiring registers
``CommandHandler``s, ``/help`` lists what the caller may use, and ``set_my_commands`` gives each role its
menu.  The guard around every handler is here too, so no command can be registered without its checks:

* the caller and their scope (``storage.scope``) are resolved once and handed to the handler;
* a private command typed in a group runs in the sender's private chat (``bot.group_manners``) — before
  anything else, so a roster or an answer sheet is never posted for the whole group to read: the member
  gets the real answer (or its refusal, or its usage line) there, and the group at most one throttled
  pointer when the bot cannot write to them;
* a member who tries a secretary command gets a polite refusal (logged and audited); someone not yet a
  member is told where their request stands.

Buttons get the same treatment from ``guarded_callback``: role and chat checked, data unpacked by
``bot.callbacks`` (forged or garbled data is answered as an expired button and changes nothing), and
every query answered.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import BotCommand, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes, ConversationHandler

from bot import group_manners
from bot.callbacks import CallbackData, decode
from bot.config import Settings
from bot.context import Caller, Services, load_caller, services
from bot.texts import Catalog, Safe
from storage import members as member_store
from storage import roster
from storage.errors import DomainError, NotFound, PermissionDenied
from storage.inputs import valid_id
from storage.models import ROLE_RANK, MemberStatus, Role

log = logging.getLogger(__name__)

# What the button being answered put in place of its message (``edit_own_message``), so the toast can leave
# out a sentence the member is reading already (trial T19).  Set per button by ``guarded_callback``.
_EDITED: ContextVar[list[str] | None] = ContextVar("zhibu_edited_by_button", default=None)
_TAG = re.compile(r"<[^>]+>")

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Caller], Awaitable[None]]


class UsageError(Exception):
    """The command's arguments are malformed: the user gets the command's usage line."""


@dataclass(frozen=True)
class Command:
    name: str
    role: Role | None  # None: anyone, registered or not
    handler: Handler
    section: str = "general"  # help section: general / study / meetings / secretary
    private: bool = True  # answers only in the private chat; in a group the caller gets a pointer there

    @property
    def description_key(self) -> str:
        return f"cmd.{self.name}.desc"

    @property
    def usage_key(self) -> str:
        return f"cmd.{self.name}.usage"

    def allowed(self, caller: Caller) -> bool:
        if self.role is None:
            return True
        return caller.at_least(self.role)

    def key_for(self, key: str, texts: Catalog, role: Role | None) -> str:
        """``key`` (a description or usage) as a reader of ``role`` should see it: a command members share
        with secretaries may have a ``…_member`` text that leaves out what only secretaries can do."""
        if _rank(role) < _rank(Role.SECRETARY) and texts.has(f"{key}_member"):
            return f"{key}_member"
        return key


# Commands a member may run only in a part of their own (the meeting's host shows the check-in code):
# the storage refuses every other member, so /help and the menu list them from this role up.
LISTED_FROM: dict[str, Role] = {"checkincode": Role.SECRETARY}


def _rank(role: Role | None) -> int:
    """``ROLE_RANK``, with the unregistered below members (a 委员 ranks as a member: the same commands)."""
    return -1 if role is None else ROLE_RANK[role]


def listed_role(command: Command) -> Role | None:
    """The least role whose /help and menu list ``command``."""
    return LISTED_FROM.get(command.name, command.role)


def visible(commands: Iterable[Command], caller: Caller) -> list[Command]:
    """What /help lists for ``caller``: what they may use (a member's host-only commands left out)."""
    return [c for c in commands if (role := listed_role(c)) is None or caller.at_least(role)]


def for_role(commands: Iterable[Command], role: Role | None) -> list[Command]:
    """Commands a user of ``role`` is offered in the menu (``None``: not registered yet)."""
    return [c for c in commands if (least := listed_role(c)) is None or _rank(least) <= _rank(role)]


def description(c: Command, svc: Services, lang: str, role: Role | None) -> str:
    """A command's one-line description as ``role`` reads it. Some name a figure from the config (the quiz
    resumes only within study.idle_minutes), so the line stays true whatever the branch configured."""
    return svc.texts.plain(c.key_for(c.description_key, svc.texts, role), lang, **description_params(svc.settings))


def description_params(settings: Settings) -> dict[str, int]:
    return {"minutes": settings.study.idle_minutes}


def bot_commands(commands: Iterable[Command], svc: Services, lang: str, role: Role | None) -> list[BotCommand]:
    return [BotCommand(c.name, description(c, svc, lang, role)[:256]) for c in commands]


def guarded(command: Command) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """Wrap a command handler with caller lookup, the role check, usage hints and domain errors."""

    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        svc = services(context)
        caller = await load_caller(update, svc, context)
        if caller is None:
            return
        if command.private and not caller.private:  # typed in the group: run where nobody else reads it
            if command.name in group_manners.CODE_COMMANDS:  # a code the group has seen: deleted, not used
                await group_manners.redirect_checkin(update, context, svc, caller, args_of(context))
                return

            async def in_private(private_update: Update, private_caller: Caller) -> None:
                await checked(private_update, context, svc, private_caller)

            await group_manners.run_in_private(update, context, svc, caller, command.name, args_of(context),
                                               in_private)
            return
        await checked(update, context, svc, caller)

    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller) -> None:
        """The command itself, for a caller in the chat its answer belongs in: role checked, errors worded."""

        async def answer(text: Safe | str) -> None:  # typed in the group: answered aside, never in front of everyone
            await group_manners.answer(update, context, svc, caller, text, command.name)

        if command.role is not None and not caller.active:
            await answer(svc.texts.t(not_joined_key(caller), caller.lang))
            return
        if not command.allowed(caller):
            log.warning("refused /%s to user %s (role %s)", command.name, caller.user_id,
                        caller.member.role if caller.member else None)
            await svc.db.run(member_store.audit, branch_id=caller.member.branch_id if caller.member else None,
                             actor=caller.user_id, action="refused", detail=f"/{command.name}",
                             now=svc.clock.now())
            refused = "auth.refused_admin" if command.role == Role.ADMIN else "auth.refused_command"
            await answer(svc.texts.t(refused, caller.lang, command=command.name))
            return
        try:
            await command.handler(update, context, caller)
        except UsageError:
            usage = svc.texts.t(command.key_for(command.usage_key, svc.texts, caller.scope.role), caller.lang)
            await answer(svc.texts.t("usage.hint", caller.lang, usage=usage))
        except PermissionDenied as exc:  # a command members may use, refused for this use: say which one
            key = f"auth.forbidden.{command.name}"
            await answer(svc.texts.t(key, caller.lang) if svc.texts.has(key) else render_error(svc, exc, caller.lang))
        except DomainError as exc:
            await answer(render_error(svc, exc, caller.lang))

    run.__name__ = f"cmd_{command.name}"
    return run


def not_joined_key(caller: Caller) -> str:
    """What to tell someone who is not an active member: it depends on where their request stands."""
    status = caller.member.status if caller.member is not None else None
    return {MemberStatus.PENDING: "register.still_pending", MemberStatus.REJECTED: "register.rejected_help"}.get(
        status, "register.needed") if status is not None else "register.needed"


def render_error(svc: Services, exc: DomainError, lang: str) -> str:
    key = f"error.{exc.code}"
    if not svc.texts.has(key):
        key = "error.generic"
    # a moment (when a refused step becomes possible) reads as the branch's clock time, like the screens say it
    params = {name: f"{value.astimezone(svc.settings.tz):%H:%M}" if isinstance(value, datetime) else value
              for name, value in exc.params.items()}
    return svc.texts.t(key, lang, **params)


def args_of(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return list(context.args or [])


def int_arg(value: str) -> int:
    """A positive number typed as an argument (``12`` or ``#12``); anything else is a usage error."""
    digits = value.lstrip("#")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 30:
        raise UsageError()
    number = int(digits)
    if number <= 0:
        raise UsageError()
    return number


def member_id_arg(value: str) -> int:
    """A member id typed as an argument: a number out of the store's range is answered like an unknown id."""
    number = int_arg(value)
    if not valid_id(number):
        raise NotFound("member_not_found", member_id=number)
    return number


async def member_arg(svc: Services, branch_id: int, value: str,
                     prefer: MemberStatus = MemberStatus.ACTIVE) -> int:
    """A member typed as an argument: a number (``12``, ``#12``) or a name in the branch (``张三``, ``Alice``,
    ``alice``) — secretaries type names, and many members' names are Latin or pinyin, so every other word is
    looked up (case-insensitively) and only a name nobody has is answered as such: "no member called X",
    which says what was wrong, where the usage line would blame a format that was right (trial T15, T3)."""
    digits = value.lstrip("#")
    if digits.isascii() and digits.isdigit():
        return member_id_arg(value)
    if len(value) > 64:  # longer than any name the store keeps: nobody is called that
        raise NotFound("member_name_not_found", name=value[:64] + "…")
    return await svc.db.run(roster.member_named, branch_id=branch_id, name=value, prefer=prefer)


def is_not_modified(exc: BadRequest) -> bool:
    """Telegram's answer to an edit that changes nothing (a double tap): the message already says it."""
    return "message is not modified" in str(exc).lower()


def is_uneditable(exc: BadRequest) -> bool:
    """Telegram refuses to edit the message at all: deleted, too old, or a document with no text."""
    text = str(exc).lower()
    return any(reason in text for reason in (
        "message to edit not found", "message can't be edited", "there is no text in the message to edit"))


async def edit_own_message(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Put ``text`` in place of the message whose button was pressed.  A tap whose button is no longer on
    the message (a double tap after the edit, or data forged under another message) edits nothing, and
    Telegram's "message is not modified" (two taps before the edit arrived) counts as done."""
    query = update.callback_query
    if query is None or query.message is None or not on_its_message(query):
        return
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise
    said_by_edit(text)


def said_by_edit(text: str) -> None:
    """The pressed button's message now says ``text`` — for an edit made by hand rather than through
    :func:`edit_own_message` (the quiz's feedback, a prompt's 跳过), so :func:`toast_for` leaves out a toast
    that repeats it (trial2 U6)."""
    edited = _EDITED.get()
    if edited is not None:
        edited.append(text)


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def toast_for(toast: str | None, edited: list[str]) -> str | None:
    """The toast a button's answer shows: none when its text is already in the message the button just
    rewrote — the same sentence popping up over itself reads as a double message (trial T19).  The one
    rule for every button, here where every toast is made; a toast that adds something stays."""
    if toast is None or not toast.strip():
        return None
    said = " ".join(toast.split())  # a toast is plain text; the edit is HTML, compared as it reads
    return None if any(said in _plain(text) for text in edited) else toast


def on_its_message(query: CallbackQuery) -> bool:
    """Whether the pressed data is one of the buttons of the message it came from.  Not so: a modified
    client sent it under some other message (which must not be rewritten), or the message was already
    edited by an earlier tap.  A message too old for Telegram to show (inaccessible) cannot be checked."""
    message = query.message
    if not isinstance(message, Message):
        return True
    markup = message.reply_markup
    return markup is not None and any(
        button.callback_data == query.data for row in markup.inline_keyboard for button in row)


CallbackHandlerFn = Callable[[Update, ContextTypes.DEFAULT_TYPE, Caller, CallbackData], Awaitable[str | None]]


def guarded_callback(
    role: Role | None, handler: CallbackHandlerFn, *, private: bool = True
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """Wrap a button handler: check the role and the chat, decode the data, and *always* answer the query.

    The handler returns the toast text (or ``None``); domain errors become a toast too, so a double tap
    on "approve" says "already decided" instead of failing silently.  Data that does not unpack (forged,
    garbled, out of range: ``ValueError``) is answered as an expired button; Telegram's "message is not
    modified" (the same edit twice) is a double tap and counts as done.
    """
    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        svc = services(context)
        caller = await load_caller(update, svc, context)
        data = decode(query.data)
        toast: str | None = None
        edited: list[str] = []
        token = _EDITED.set(edited)
        try:
            if caller is None or data is None:
                toast = svc.texts.plain("button.expired", caller.lang if caller else None)
            elif private and not caller.private:
                toast = svc.texts.plain("privacy.button_private", caller.lang)
            elif role is not None and not caller.active:  # removed, pending, or never joined
                toast = svc.texts.plain(not_joined_key(caller), caller.lang)
            elif role is not None and not caller.at_least(role):
                log.warning("refused button %s to user %s", query.data, caller.user_id)
                toast = svc.texts.plain("auth.refused_button", caller.lang)
            else:
                try:
                    toast = await handler(update, context, caller, data)
                except (ValueError, IndexError):
                    toast = svc.texts.plain("button.expired", caller.lang)
                except BadRequest as exc:
                    if is_uneditable(exc):  # pressed under a message that is gone or holds no text
                        toast = svc.texts.plain("button.expired", caller.lang)
                    elif not is_not_modified(exc):
                        toast = svc.texts.plain("error.sorry_short", caller.lang)
                        raise
                except DomainError as exc:
                    key = f"error.{exc.code}"
                    toast = svc.texts.plain(key if svc.texts.has(key) else "error.generic", caller.lang, **exc.params)
                except Exception:  # the error handler logs it; the user still gets an apology, not a spinner
                    toast = svc.texts.plain("error.sorry_short", caller.lang)
                    raise
        finally:
            _EDITED.reset(token)
            toast = toast_for(toast, edited)
            await query.answer(toast[:200] if toast else None)

    run.__name__ = f"cb_{getattr(handler, '__name__', 'button')}"
    return run


def conversation_button(
    role: Role | None, handler: CallbackHandlerFn, *, key: str, state: int, private: bool = True
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, int]]:
    """A button that opens a conversation: the guarded handler runs (role checked, query answered) and
    leaves ``user_data[key]`` set when the conversation should wait for text in ``state``.

    The entry stops further handling either way: the query is answered, and the catch-all for unknown
    buttons (a later group) must not answer it again.
    """
    guarded = guarded_callback(role, handler, private=private)

    async def entry(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert context.user_data is not None
        context.user_data.pop(key, None)
        await guarded(update, context)
        raise ApplicationHandlerStop(state if context.user_data.get(key) else ConversationHandler.END)

    entry.__name__ = f"conv_{getattr(handler, '__name__', 'button')}"
    return entry

