"""Callback data: short, typed, versioned strings that always fit Telegram's 64-byte limit.

Format ``v1:<feature>:<action>:<arg>…``.  The version prefix lets an old keyboard still sitting in a
member's chat be recognised after an upgrade and answered with "this button has expired" instead of
being misread.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64


@dataclass(frozen=True)
class CallbackData:
    feature: str
    action: str
    args: tuple[str, ...] = ()

    def encode(self) -> str:
        data = ":".join((VERSION, self.feature, self.action, *self.args))
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"callback data too long: {data!r}")
        return data

    def int_arg(self, index: int = 0) -> int:
        return int(self.args[index])


def decode(data: str | None) -> CallbackData | None:
    """Parse callback data; ``None`` for anything stale, foreign or malformed."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != VERSION:
        return None
    return CallbackData(parts[1], parts[2], tuple(parts[3:]))


def pattern(feature: str) -> str:
    """The regex a ``CallbackQueryHandler`` uses to receive one feature's buttons."""
    return rf"^{VERSION}:{feature}:"
