"""Checks and bookkeeping shared by the Bot API method implementations.

Each method is a plain function ``(world, params, files) -> result JSON``; the helpers here hold the
validation Telegram applies to every outgoing message (keyboards, text after HTML parsing), the rules
every edit follows (which message may be edited, how its content is replaced), and the step that turns
a stored message into a :class:`~bot.fakeapi.records.SentMessage` for the outbox.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from telegram.constants import InlineKeyboardButtonLimit

from bot.fakeapi.html import render, utf16_len
from bot.fakeapi.params import Params
from bot.fakeapi.records import (
    BotApiError,
    SentMessage,
    UploadedFile,
    parse_inline_keyboard,
    parse_reply_keyboard,
)
from bot.fakeapi.world import StoredMessage, World

Method = Callable[[World, Params, dict[str, UploadedFile]], Any]

_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)


def check_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Refuse keyboards Telegram refuses; return the markup to echo in the Message (inline only)."""
    if markup is None:
        return None
    if "inline_keyboard" not in markup:
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise BotApiError.bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise BotApiError.bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise BotApiError.bad_request("BUTTON_TEXT_INVALID")
            if not any(button.get(action) is not None for action in _BUTTON_ACTIONS):
                raise BotApiError.bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode("utf-8"))
                if not 1 <= size <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
                    raise BotApiError.bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not _URL.fullmatch(str(url)):
                raise BotApiError.bad_request("BUTTON_URL_INVALID")
    return markup


def checked_text(
    text: str, parse_mode: str | None, *, limit: int, empty: str | None, too_long: str
) -> tuple[str, list[dict[str, Any]]]:
    """The text and entities the user will see, after Telegram's parsing, emptiness and length checks."""
    plain, entities = render(text, parse_mode)
    if not plain and empty is not None:
        raise BotApiError.bad_request(empty)
    if utf16_len(plain) > limit:
        raise BotApiError.bad_request(too_long)
    return plain, entities


def reply_target(world: World, chat_id: int, params: Params) -> dict[str, Any] | None:
    """The message being replied to, honouring ``allow_sending_without_reply`` as Telegram does."""
    reply = params.obj("reply_parameters") or {}
    message_id = reply.get("message_id", params.opt_int("reply_to_message_id"))
    if message_id is None:
        return None
    stored = world.message(int(reply.get("chat_id", chat_id)), int(message_id))
    if stored is None:
        if reply.get("allow_sending_without_reply") or params.bool("allow_sending_without_reply", False):
            return None
        raise BotApiError.bad_request("message to be replied not found")
    return stored.json


def editable(world: World, p: Params) -> StoredMessage:
    """The bot's own message an edit method names; Telegram's errors for anything else."""
    if p.has("inline_message_id"):
        raise BotApiError.bad_request("inline messages are not supported by the offline Bot API")
    chat_id = world.chat_for_send(p.chat_ref())
    stored = world.message(chat_id, p.int("message_id"))
    if stored is None:
        raise BotApiError.bad_request("message to edit not found")
    if not stored.from_bot:
        raise BotApiError.bad_request("message can't be edited")
    return stored


def apply_edit(world: World, stored: StoredMessage, **fields: Any) -> dict[str, Any]:
    """Replace ``fields`` of the message and stamp the edit; a field given empty (no entities, no
    keyboard) is removed, as an edit without ``reply_markup`` removes the keyboard on Telegram."""
    updated = {k: v for k, v in stored.json.items() if k not in fields}
    updated.update({k: v for k, v in fields.items() if v})
    updated["edit_date"] = world.now()
    stored.json = updated
    world.touch(stored)
    return updated


def record(world: World, kind: str, message: dict[str, Any], **extra: Any) -> SentMessage:
    """Append what the user now sees for ``message`` to the outbox."""
    markup = extra.pop("markup", message.get("reply_markup"))
    sent = SentMessage(
        chat_id=message["chat"]["id"],
        message_id=message["message_id"],
        kind=kind,
        buttons=parse_inline_keyboard(markup),
        reply_keyboard=parse_reply_keyboard(markup),
        **extra,
    )
    world.outbox.append(sent)
    return sent
