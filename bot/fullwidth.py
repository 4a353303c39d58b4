"""Commands typed on a Chinese keyboard: ``／ｑｕｉｚ``, ``／quiz``, ``/stats ３`` work like ``/quiz``, ``/stats 3``.

Why at the entry: a Chinese input method in full-width mode types ``／`` (U+FF0F) and full-width letters and
digits.  Telegram then attaches no ``bot_command`` entity, so no command handler would see the message; it
would fall to the catch-all (or be taken for a typed 填空 answer).  One handler, registered before every other
group, rewrites such a message into the command a half-width keyboard would have produced — the full-width
ASCII forms (U+FF01–FF5E) become their ASCII twins in the command, full-width letters, digits and the
ideographic space in its arguments — and hands the rewritten update to the application again, so flood
control, guards and handlers all see an ordinary command.  Chinese text in the arguments (a name, a
title) is left as it is.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, TypeHandler

FULL_SLASH = "／"
_WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# in the arguments only letters, digits and spaces: a Chinese sentence keeps its own ，：（）
_WIDE_WORDS = {code: to for code, to in _WIDE.items() if chr(to).isalnum() or to == 0x20}
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")
_SPACE = re.compile(r"[\s\u3000]")


def half_width(text: str, table: dict[int, int] = _WIDE) -> str:
    """Full-width ASCII forms and the ideographic space as their ASCII twins; everything else unchanged."""
    return text.translate(table)


def as_command(text: str) -> str | None:
    """The command ``text`` was meant to be when it was typed (partly) in full width, else ``None`` (an
    ordinary command, or no command at all)."""
    if not text.startswith((FULL_SLASH, "/")):
        return None
    space = _SPACE.search(text)
    cut = space.start() if space else len(text)
    normal = half_width(text[:cut]) + half_width(text[cut:], _WIDE_WORDS)
    if normal == text or _COMMAND.match(normal) is None:
        return None
    return normal


def _entity_length(command: str) -> int:
    return len(command.encode("utf-16-le")) // 2


async def normalise(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-dispatch a full-width command as its ASCII form; every other update passes untouched."""
    message = update.message
    text = as_command(message.text) if message is not None and message.text else None
    if text is None:
        return
    data: dict[str, Any] = update.to_dict()
    match = _COMMAND.match(text)
    assert match is not None
    data["message"]["text"] = text
    # the rewrite keeps every character's length, so other entities (a mention) keep their offsets
    others = [e for e in data["message"].get("entities", []) if not (e["type"] == "bot_command" and e["offset"] == 0)]
    data["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": _entity_length(match.group(0))},
                                   *others]
    await context.application.process_update(Update.de_json(data, context.bot))
    raise ApplicationHandlerStop()


def handler() -> TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    return TypeHandler(Update, normalise)
