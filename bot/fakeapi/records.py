"""What the offline Bot API remembers about a conversation, in shapes tests can assert on.

Tests of a Telegram bot want to say "the bot sent 张三 a message with two buttons, 批准 and 拒绝", not
to dig through request JSON.  So every call the bot makes is kept as an :class:`ApiCall` (raw, for
tests of delivery and retries), and every message it sent or edited is kept as a :class:`SentMessage`
(digested: the text the user sees, the buttons row by row, the file it attached).

:class:`BotApiError` is the one way the fake says no; the request adapters turn it into the JSON error
body and HTTP status real Telegram sends, so PTB raises its own ``BadRequest``, ``Forbidden``,
``RetryAfter`` or ``ChatMigrated`` exactly as it would in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class BotApiError(Exception):
    """A refusal by the Bot API: HTTP status plus Telegram's description and response parameters."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def body(self) -> dict[str, Any]:
        """The JSON object Telegram answers with (``ok`` false, ``error_code``, ``parameters``)."""
        data: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            data["parameters"] = parameters
        return data

    # The refusals a delivery pipeline must handle, spelled as Telegram spells them.
    @classmethod
    def bad_request(cls, what: str) -> BotApiError:
        return cls(400, f"Bad Request: {what}")

    @classmethod
    def blocked(cls) -> BotApiError:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def flood(cls, seconds: int) -> BotApiError:
        return cls(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    @classmethod
    def migrated(cls, new_chat_id: int) -> BotApiError:
        return cls(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=new_chat_id)

    @classmethod
    def not_found(cls) -> BotApiError:
        return cls(404, "Not Found")

    @classmethod
    def server_error(cls) -> BotApiError:
        return cls(502, "Bad Gateway")


class SimulatedTimeout(Exception):
    """The request reached Telegram (or not) but the answer never came back to the bot.

    ``delivered`` tells whether the method took effect first — the case PTB issue #1045 is about: a read
    timeout after which the message may already be on the user's phone.
    """

    def __init__(self, method: str, *, delivered: bool) -> None:
        super().__init__(f"simulated timeout on {method} ({'delivered' if delivered else 'not delivered'})")
        self.method = method
        self.delivered = delivered


class UploadedFile(NamedTuple):
    """One multipart file part as the bot sent it."""

    filename: str
    content: bytes
    mime_type: str | None = None


@dataclass
class ApiCall:
    """One Bot API request, with its parameters decoded to Python values and its outcome."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    result: Any = None
    error: BotApiError | None = None
    timed_out: bool = False


class Button(NamedTuple):
    """One inline button: its label and what pressing it does (callback data, or a link)."""

    text: str
    callback_data: str | None = None
    url: str | None = None


Rows = tuple[tuple[Button, ...], ...]


@dataclass
class SentMessage:
    """Something the bot put in front of a user: a message, an edit, a poll, a document or a photo.

    ``text`` is what the bot sent (HTML and all); ``plain`` is what the user reads after Telegram parsed
    the markup.  For polls ``text`` is the question and ``options`` the answers; for documents and photos
    ``text`` is the caption.
    """

    chat_id: int
    message_id: int
    kind: str
    text: str = ""
    plain: str = ""
    parse_mode: str | None = None
    buttons: Rows = ()
    reply_keyboard: tuple[tuple[str, ...], ...] = ()
    options: tuple[str, ...] = ()
    poll_id: str | None = None
    poll_type: str | None = None
    correct_option_ids: tuple[int, ...] = ()
    explanation: str | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    mime_type: str | None = None

    def button_list(self) -> list[Button]:
        """The inline buttons in reading order (row by row, left to right)."""
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class Keyboard:
    """The inline keyboard currently shown under one bot message."""

    chat_id: int
    message_id: int
    rows: Rows

    def buttons(self) -> list[Button]:
        return [button for row in self.rows for button in row]


def parse_inline_keyboard(markup: Any) -> Rows:
    """Rows of :class:`Button` from a ``reply_markup`` object; empty for anything but an inline one."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return ()
    rows = []
    for row in markup["inline_keyboard"]:
        rows.append(
            tuple(
                Button(str(b.get("text", "")), b.get("callback_data"), b.get("url")) for b in row if isinstance(b, dict)
            )
        )
    return tuple(rows)


def parse_reply_keyboard(markup: Any) -> tuple[tuple[str, ...], ...]:
    """Rows of labels from a ``ReplyKeyboardMarkup`` (buttons may be strings or objects)."""
    if not isinstance(markup, dict) or "keyboard" not in markup:
        return ()
    return tuple(tuple(b if isinstance(b, str) else str(b.get("text", "")) for b in row) for row in markup["keyboard"])
