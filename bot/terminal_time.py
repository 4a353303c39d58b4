"""The moments ``:clock`` accepts in ``zhibu chat``: a step forward (``+2d``, ``+1w3h``, ``+90m``) or a local
date and time (``2026-03-27 14:30``, ``2026-03-27``).  Kept apart from the client (``bot/terminal.py``) as
plain parsing: the client turns a refusal's key into its line in the session's language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_STEP = re.compile(r"(\d+)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


class BadMoment(ValueError):
    """``key``: the client's ``chat.<key>`` line that says what was wrong."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_moment(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``text`` names; a step is counted from ``now`` and only forward (the clock never goes back)."""
    if text.startswith(("+", "-")):
        steps = _STEP.findall(text[1:])
        if not steps or "".join(n + u for n, u in steps) != text[1:]:
            raise BadMoment("usage.step")
        if text.startswith("-"):
            raise BadMoment("clock_backwards")
        return now + sum((timedelta(**{_UNITS[u]: int(n)}) for n, u in steps), timedelta())
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    raise BadMoment("usage.time")
