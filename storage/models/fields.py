"""Column helpers shared by the table modules, so every timestamp column is declared the same way."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field

from storage.types import UTCDateTime


def utc_field(**kw: Any) -> Any:
    """A ``UTCDateTime`` column: aware UTC in and out, so no table can grow a naive timestamp by accident."""
    return Field(sa_type=UTCDateTime, **kw)  # type: ignore[call-overload]
