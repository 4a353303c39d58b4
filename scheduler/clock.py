"""The one source of "now".

Every layer asks a :class:`Clock` instead of calling ``datetime.now`` so that tests and ``zhibu chat``
can move time forward (``:clock +1d``) and watch scheduled work fire without sleeping.  All values are
timezone-aware UTC; conversion to the branch's timezone happens only when a text is rendered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to; used by tests and the offline chat."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 20, 0, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now
