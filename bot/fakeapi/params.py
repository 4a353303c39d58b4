"""Method parameters as the Bot API receives them: strings on the wire, typed values inside.

PTB sends every non-string parameter JSON-encoded (``chat_id=10001``, ``reply_markup={...}``) whether the
transport is JSON, url-encoded or multipart, and the HTTP server receives only strings.  Telegram coerces
by field; :func:`decode_params` does the same once, up front, so recorded calls hold Python values and the
method implementations read them through :class:`Params`, which answers a missing or mistyped field with
the 400 Telegram would send.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import re
from typing import Any

from bot.fakeapi.records import BotApiError

_JSON_KEYS = frozenset(
    {
        "reply_markup",
        "media",
        "entities",
        "caption_entities",
        "options",
        "correct_option_ids",
        "commands",
        "scope",
        "menu_button",
        "allowed_updates",
        "reaction",
        "link_preview_options",
        "reply_parameters",
        "explanation_entities",
        "question_entities",
        "description_entities",
    }
)
_INT_KEYS = frozenset(
    {
        "chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "open_period",
        "close_date",
        "correct_option_id",
        "from_chat_id",
    }
)
_BOOL_KEYS = frozenset(
    {
        "show_alert",
        "is_anonymous",
        "allows_multiple_answers",
        "allows_revoting",
        "is_closed",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_content_type_detection",
        "disable_web_page_preview",
        "is_big",
        "only_if_banned",
        "allow_sending_without_reply",
    }
)
_INTEGER = re.compile(r"-?\d+")


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Python values for wire strings, by field name; values already decoded pass through."""
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            if key in _JSON_KEYS:
                # A malformed value stays a string; the method then answers 400 for the wrong type.
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in _INT_KEYS and _INTEGER.fullmatch(value.strip()):
                value = int(value)
            elif key in _BOOL_KEYS and value.lower() in {"true", "false", "1", "0"}:
                value = value.lower() in {"true", "1"}
        decoded[key] = value
    return decoded


class Params:
    """Typed, Telegram-worded access to one call's decoded parameters."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def int(self, key: str) -> int:
        value = self.values.get(key)
        if value is None or value == "":
            raise BotApiError.bad_request(f"{key} is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise BotApiError.bad_request(f"invalid {key} specified")
        return value

    def opt_int(self, key: builtins.str) -> builtins.int | None:
        return self.int(key) if self.has(key) else None

    def str(self, key: builtins.str, default: builtins.str | None = None) -> builtins.str | None:
        value = self.values.get(key, default)
        if value is None:
            return None
        if isinstance(value, dict | list):
            raise BotApiError.bad_request(f"can't parse {key}: expected a string")
        return str(value)

    def bool(self, key: builtins.str, default: builtins.bool) -> builtins.bool:
        value = self.values.get(key)
        return default if value is None else bool(value)

    def obj(self, key: builtins.str) -> dict[builtins.str, Any] | None:
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise BotApiError.bad_request(f"can't parse {key} JSON object")
        return value

    def list(self, key: builtins.str) -> builtins.list[Any] | None:
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise BotApiError.bad_request(f"can't parse {key} JSON array")
        return value

    def chat_ref(self) -> builtins.int | builtins.str:
        """``chat_id`` as given: a number, or an ``@username`` string."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise BotApiError.bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            return value
        raise BotApiError.bad_request("chat not found")
