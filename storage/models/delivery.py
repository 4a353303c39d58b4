"""The outbox scheduled messages go through, so a restart neither loses one nor silently sends it twice.

A producer inserts rows (idempotent on ``dedup_key``); the sender claims, sends and records them.  The
states tell a message that surely left from one whose fate is unknown (``uncertain``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from storage.models.fields import utc_field


class DeliveryState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    UNCERTAIN = "uncertain"  # may or may not have reached Telegram (lease lost, read timeout)
    FAILED = "failed_permanent"
    EXPIRED = "expired"


class Delivery(SQLModel, table=True):
    """The outbox: one row per (kind, subject, offset, recipient); the unique key makes inserts idempotent."""

    __table_args__ = (Index("ix_delivery_state_due", "state", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    dedup_key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=32)
    subject_id: int | None = None
    member_id: int | None = Field(default=None, foreign_key="member.id")
    chat_id: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = utc_field()
    expires_at: datetime | None = utc_field(default=None)
    state: str = Field(default=DeliveryState.PENDING, max_length=20)
    attempts: int = 0  # requests that may have reached Telegram (counted when recorded, before they leave)
    claimed_by: str | None = Field(default=None, max_length=64)
    # set, and committed, just before this claim's request leaves; NULL on a claim means "never tried", so a
    # sender killed before it got to the row hands it back to pending instead of calling it uncertain
    attempted_at: datetime | None = utc_field(default=None)
    # the last time this row's fate was unknown; kept after a resend so the figures can count duplicates
    uncertain_at: datetime | None = utc_field(default=None)
    lease_until: datetime | None = utc_field(default=None)
    sent_at: datetime | None = utc_field(default=None)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc_field()


class FlowState(SQLModel, table=True):
    """A half-finished conversation and the user data it keeps (a /newmeeting draft, the meeting a 请假
    reason is for), so a restart in the middle of a flow does not lose it (trial T3; ``bot.flow_store``).
    ``scope`` is ``user`` or ``conv:<flow name>``; ``value`` is the pickled value the bot wrote itself."""

    scope: str = Field(max_length=64, primary_key=True)
    key: str = Field(max_length=64, primary_key=True)
    value: bytes = Field(sa_type=LargeBinary)
    updated_at: datetime = utc_field()
