"""Confirm → apply → toast, built once.

Actions that are rare and hard to undo by hand (removing a member, transferring one, publishing a whole
bank) first ask with two buttons.  ``confirm_keyboard`` builds that question's buttons; the button
handler calls ``run_confirmed``, which either applies the action or notes the cancellation, replaces the
question with the outcome (so the buttons cannot be pressed twice) and returns the toast.  A double tap
lands on an edit that changes nothing, which counts as done (``edit_own_message``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import CallbackData, pack
from bot.commands import edit_own_message
from bot.context import Caller, Services

CANCEL = "no"
Outcome = tuple[str, Mapping[str, Any]]  # a catalog key and its parameters


def confirm_keyboard(
    svc: Services, lang: str, feature: str, action: str, args: tuple[int | str, ...], *, yes_key: str,
    no_key: str,
) -> InlineKeyboardMarkup:
    """[yes] runs ``action`` with ``args``; [no] cancels.  Both carry the args so the toast can name them."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(svc.texts.plain(yes_key, lang), callback_data=pack(feature, action, *args)),
        InlineKeyboardButton(svc.texts.plain(no_key, lang), callback_data=pack(feature, CANCEL, *args)),
    ]])


async def run_confirmed(
    update: Update, svc: Services, caller: Caller, data: CallbackData, apply: Callable[[], Awaitable[Outcome]],
    *, cancelled_key: str,
) -> str:
    """Apply (or cancel), put the outcome in place of the question, and return it as the toast."""
    key, params = (cancelled_key, {}) if data.action == CANCEL else await apply()
    await edit_own_message(update, svc.texts.t(key, caller.lang, **params))
    return svc.texts.plain(key, caller.lang, **params)
