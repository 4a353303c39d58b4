"""Commands are declared once, as data, and everything else is derived from the table.

A ``Command`` names its minimum role, its handler, and (through the catalog) its description and usage.
From that one table the wiring registers ``CommandHandler``s, ``/help`` lists what the caller may use,
and ``set_my_commands`` gives each role its menu.  The guard around every handler is here too, so a
secretary-only command cannot be registered without its role check: a member gets a polite refusal
and the attempt is logged and audited; an unknown user is pointed to the registration path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import ContextTypes

from bot.callbacks import CallbackData, decode
from bot.context import Caller, Services, load_caller, reply, services
from storage import members as member_store
from storage.errors import DomainError
from storage.models import Role

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Caller], Awaitable[None]]


class UsageError(Exception):
    """The command's arguments are malformed: the user gets the command's usage line."""


@dataclass(frozen=True)
class Command:
    name: str
    role: Role | None  # None: anyone, registered or not
    handler: Handler
    section: str = "general"  # help section: general / study / meetings / secretary

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


def visible(commands: Iterable[Command], caller: Caller) -> list[Command]:
    return [c for c in commands if c.allowed(caller)]


def for_role(commands: Iterable[Command], role: Role | None) -> list[Command]:
    """Commands a user of ``role`` may use (``None``: not registered yet)."""
    rank = {None: -1, Role.MEMBER: 0, Role.SECRETARY: 1, Role.ADMIN: 2}
    return [c for c in commands if c.role is None or rank[c.role] <= rank[role]]


def bot_commands(commands: Iterable[Command], svc: Services, lang: str) -> list[BotCommand]:
    return [BotCommand(c.name, svc.texts.plain(c.description_key, lang)[:256]) for c in commands]


def guarded(command: Command) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """Wrap a command handler with caller lookup, the role check, usage hints and domain errors."""

    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        svc = services(context)
        caller = await load_caller(update, svc)
        if caller is None:
            return
        if command.role is not None and not caller.active:
            await reply(update, svc.texts.t(not_joined_key(caller), caller.lang))
            return
        if not command.allowed(caller):
            log.warning("refused /%s to user %s (role %s)", command.name, caller.user_id,
                        caller.member.role if caller.member else None)
            await svc.db.run(member_store.audit, branch_id=caller.member.branch_id if caller.member else None,
                             actor=caller.user_id, action="refused", detail=f"/{command.name}",
                             now=svc.clock.now())
            await reply(update, svc.texts.t("auth.refused", caller.lang, command=command.name))
            return
        try:
            await command.handler(update, context, caller)
        except UsageError:
            usage = svc.texts.t(command.usage_key, caller.lang)
            await reply(update, svc.texts.t("usage.hint", caller.lang, usage=usage))
        except DomainError as exc:
            await reply(update, render_error(svc, exc, caller.lang))

    run.__name__ = f"cmd_{command.name}"
    return run


def not_joined_key(caller: Caller) -> str:
    """What to tell someone who is not an active member: it depends on where their request stands."""
    status = caller.member.status if caller.member is not None else None
    return {"pending": "register.still_pending", "rejected": "register.rejected_help"}.get(
        str(status), "register.needed")


def render_error(svc: Services, exc: DomainError, lang: str) -> str:
    key = f"error.{exc.code}"
    if not svc.texts.has(key):
        key = "error.generic"
    return svc.texts.t(key, lang, **exc.params)


def args_of(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return list(context.args or [])


def int_arg(value: str) -> int:
    try:
        number = int(value.lstrip("#"))
    except ValueError:
        raise UsageError() from None
    if number <= 0 or number > 2**53:
        raise UsageError()
    return number


CallbackHandlerFn = Callable[[Update, ContextTypes.DEFAULT_TYPE, Caller, CallbackData], Awaitable[str | None]]


def guarded_callback(
    role: Role | None, handler: CallbackHandlerFn
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """Wrap a button handler: check the role, decode the data, and *always* answer the query.

    The handler returns the toast text (or ``None``); domain errors become a toast too, so a double tap
    on "approve" says "already decided" instead of failing silently.
    """
    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        svc = services(context)
        caller = await load_caller(update, svc)
        data = decode(query.data)
        toast: str | None = None
        try:
            if caller is None or data is None:
                toast = svc.texts.plain("button.expired", caller.lang if caller else None)
            elif role is not None and not caller.at_least(role):
                log.warning("refused button %s to user %s", query.data, caller.user_id)
                toast = svc.texts.plain("auth.refused_button", caller.lang)
            else:
                try:
                    toast = await handler(update, context, caller, data)
                except (ValueError, IndexError):
                    toast = svc.texts.plain("button.expired", caller.lang)
                except DomainError as exc:
                    key = f"error.{exc.code}"
                    toast = svc.texts.plain(key if svc.texts.has(key) else "error.generic", caller.lang, **exc.params)
                except Exception:  # the error handler logs it; the user still gets an apology, not a spinner
                    toast = svc.texts.plain("error.sorry_short", caller.lang)
                    raise
        finally:
            await query.answer(toast[:200] if toast else None)

    run.__name__ = f"cb_{getattr(handler, '__name__', 'button')}"
    return run

