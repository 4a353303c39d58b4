"""What a delivery kind is to the scheduler: a policy, a renderer and an after-send hook.

An outbox row holds only *what* to deliver (kind, subject, recipient, a few small parameters).  *How* it
reads is decided at send time by the kind's renderer, from current data and in the recipient's current
language, so a meeting moved after its reminder was queued is announced with the new time.  Renderers
live in ``bot/`` (they need the text catalog); features hand them to the wiring through the feature
contract, and the wiring passes them here as a plain mapping — ``scheduler/`` never imports ``bot/``.

    row ──render(session, row)──▶ Outgoing | None      (None: the subject is gone → the row expires)
                                  | Later               (not yet: back to pending until then, untried)
        ──sender sends it──▶ Message
        ──after_send(session, row, message)──▶ same transaction that marks the row sent
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Message

from storage.models import Delivery


@dataclass(frozen=True)
class KindPolicy:
    """How a kind behaves when a send's fate is unknown: a reminder is better twice than never."""

    resend_uncertain: bool = False
    max_attempts: int = 5


DEFAULT_POLICY = KindPolicy()


@dataclass(frozen=True)
class QuizPoll:
    """A native quiz poll (Bot API 10: ``correct_option_ids``)."""

    question: str
    options: Sequence[str]
    correct_option_ids: Sequence[int]
    explanation: str | None = None
    is_anonymous: bool = False
    allows_multiple_answers: bool = False


@dataclass(frozen=True)
class Outgoing:
    """One message as a renderer built it; the sender chooses the Bot API method from what is set.

    Exactly one of: ``text`` alone (a message), ``poll``, ``document`` or ``photo`` (``text`` is then the
    caption) — or ``edit``: the id of a message the bot sent to that chat earlier, which then reads ``text``
    (if set) with ``markup`` as its buttons (``None``: none; a cancelled meeting's notice in the group
    says so and loses its 参加 / 请假).  ``markup``
    rides on messages, documents and photos.
    """

    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    poll: QuizPoll | None = None
    document: bytes | None = None
    photo: bytes | None = None
    filename: str | None = None
    edit: int | None = None

    @property
    def method(self) -> Literal["message", "poll", "document", "photo", "edit"]:
        if self.edit is not None:
            return "edit"
        if self.poll is not None:
            return "poll"
        if self.document is not None:
            return "document"
        if self.photo is not None:
            return "photo"
        return "message"


@dataclass(frozen=True)
class Later:
    """A renderer's "not yet": the row waits, untried, until ``until`` — a message that must follow another
    one still waiting for its send (a 不批准's reason after the 不批准 itself, review R3.4).  The sender puts it
    back to pending at that moment; rows due at the same moment go out in queueing order."""

    until: datetime


Renderer = Callable[[Session, Delivery], Outgoing | Later | None]
AfterSend = Callable[[Session, Delivery, Message], None]


@dataclass(frozen=True)
class DeliveryKind:
    """One kind of notification as the sender needs it; the renderer runs in a short read transaction."""

    name: str
    render: Renderer
    policy: KindPolicy = field(default_factory=KindPolicy)
    after_send: AfterSend | None = None


Kinds = Mapping[str, DeliveryKind]
