"""Callback data: short, typed, versioned strings that always fit Telegram's 64-byte limit.

Format ``v1:<feature>:<action>:<arg>…``, packed by :meth:`CallbackData.encode` and unpacked by
:func:`decode` — nowhere else.  The version prefix lets an old keyboard still sitting in a member's chat
be recognised after an upgrade and answered with "this button has expired" instead of being misread.

Anyone can send any callback data (a modified client needs no button to press), so unpacking trusts
nothing: :meth:`CallbackData.int_arg` parses an argument as a row id within the store's range and raises
:class:`BadCallback` for anything else; the button guard (``bot.commands.guarded_callback``) turns that
into the polite "expired" answer before anything is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.inputs import MAX_ROW_ID

VERSION = "v1"
MAX_BYTES = 64
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,24}$")  # feature and action names
_DIGITS = re.compile(r"^[0-9]{1,10}$")


class BadCallback(ValueError):
    """Callback data that is malformed, forged or out of range: answered as an expired button."""


@dataclass(frozen=True)
class CallbackData:
    feature: str
    action: str
    args: tuple[str, ...] = ()

    def encode(self) -> str:
        for token in (self.feature, self.action):
            if not _TOKEN.match(token):
                raise ValueError(f"callback feature/action must be short and plain: {token!r}")
        data = ":".join((VERSION, self.feature, self.action, *self.args))
        if any(":" in arg for arg in self.args) or len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"callback data too long or ambiguous: {data!r}")
        return data

    def int_arg(self, index: int = 0, *, low: int = 1, high: int = MAX_ROW_ID) -> int:
        """Argument ``index`` as an integer in ``[low, high]`` (by default a row id); else ``BadCallback``."""
        if index >= len(self.args) or not _DIGITS.match(self.args[index]):
            raise BadCallback(f"argument {index} of {self} is not a number")
        number = int(self.args[index])
        if not low <= number <= high:
            raise BadCallback(f"argument {index} of {self} is out of range")
        return number

    def str_arg(self, index: int = 0) -> str:
        if index >= len(self.args) or not _TOKEN.match(self.args[index]):
            raise BadCallback(f"argument {index} of {self} is missing or malformed")
        return self.args[index]


def pack(feature: str, action: str, *args: int | str) -> str:
    """The data string for a button: ``pack("mem", "rm", 12)`` → ``"v1:mem:rm:12"``."""
    return CallbackData(feature, action, tuple(str(a) for a in args)).encode()


def decode(data: str | None) -> CallbackData | None:
    """Parse callback data; ``None`` for anything stale, foreign or malformed."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != VERSION or not _TOKEN.match(parts[1]) or not _TOKEN.match(parts[2]):
        return None
    return CallbackData(parts[1], parts[2], tuple(parts[3:]))


def pattern(feature: str) -> str:
    """The regex a ``CallbackQueryHandler`` uses to receive one feature's buttons."""
    return rf"^{VERSION}:{feature}:"
