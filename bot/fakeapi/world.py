"""The state of the fake Telegram: who exists, which chats are open, what was said in them.

Both sides of the conversation write here: the bot through Bot API methods (``methods*.py``) and the
test or terminal user through update builders (``updates.py``).  Message ids are counted per chat and
shared by both sides, as in a real private chat, so a callback query can point at the message the bot
sent and an edit can find it again.

The rules that make delivery code honest live here too: a user who never opened the chat cannot be
messaged (403 "bot can't initiate conversation"), a user who blocked the bot answers 403, an upgraded
group answers 400 with ``migrate_to_chat_id``, an unknown chat is 400 "chat not found".
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from typing import Any

from bot.fakeapi.records import BotApiError, Keyboard, SentMessage, parse_inline_keyboard
from scheduler.clock import Clock


@dataclass
class StoredMessage:
    """A message in a chat plus what the fake needs to know about it beyond its JSON."""

    json: dict[str, Any]
    from_bot: bool
    touched: int = 0


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None
    mime_type: str | None


@dataclass
class PollState:
    poll_id: str
    chat_id: int
    message_id: int
    json: dict[str, Any]
    votes: dict[int, list[int]] = field(default_factory=dict)


class World:
    """Everything the fake Telegram knows; no I/O, no waiting."""

    def __init__(self, *, token: str, clock: Clock, bot_username: str, bot_name: str) -> None:
        self.token = token
        self.clock = clock
        self.local_mode = False  # a self-hosted ("--local") Bot API server: plain-HTTP webhooks allowed
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 777000
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.opened: set[int] = set()
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.polls: dict[str, PollState] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, bool] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.updates: list[dict[str, Any]] = []
        self.outbox: list[SentMessage] = []
        self.deleted: list[tuple[int, int]] = []
        self.pinned: dict[int, int] = {}
        self.reactions: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self._next_message_id: dict[int, int] = {}
        self._touch = 0
        self._counter = 0

    # ----------------------------------------------------------------- basics
    def now(self) -> int:
        return int(self.clock.now().timestamp())

    def serial(self) -> int:
        """A process-wide increasing number for ids that only need to be unique."""
        self._counter += 1
        return self._counter

    def chat(self, chat_id: int) -> dict[str, Any]:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise BotApiError.bad_request("chat not found")
        return chat

    def resolve_chat(self, ref: int | str) -> int:
        """A chat id from an id or ``@username``, following no upgrade and checking no permission."""
        if isinstance(ref, str):
            for chat_id, chat in self.chats.items():
                if chat.get("username") and f"@{chat['username']}".lower() == ref.lower():
                    return chat_id
            raise BotApiError.bad_request("chat not found")
        self.chat(ref)
        return ref

    def chat_for_send(self, ref: int | str) -> int:
        """The chat the bot may post to, or the refusal Telegram gives for it."""
        if isinstance(ref, int) and ref in self.migrated:
            raise BotApiError.migrated(self.migrated[ref])
        chat_id = self.resolve_chat(ref)
        if self.chats[chat_id]["type"] == "private":
            if chat_id in self.blocked:
                raise BotApiError.blocked()
            if chat_id not in self.opened:
                raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif self.members.get((chat_id, self.bot_user["id"])) in {"left", "kicked"}:
            raise BotApiError(403, "Forbidden: bot was kicked from the group chat")
        return chat_id

    # --------------------------------------------------------------- messages
    def new_message(self, chat_id: int, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        """Store a new message in ``chat_id`` and return its JSON."""
        message_id = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = message_id
        message = {"message_id": message_id, "date": self.now(), "chat": self.chats[chat_id], "from": sender}
        message.update({k: v for k, v in content.items() if v is not None and v != []})
        self._touch += 1
        stored = StoredMessage(message, from_bot=sender["id"] == self.bot_user["id"], touched=self._touch)
        self.messages[(chat_id, message_id)] = stored
        return message

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self.messages.get((chat_id, message_id))

    def touch(self, stored: StoredMessage) -> None:
        self._touch += 1
        stored.touched = self._touch

    def last_keyboard(self, chat_id: int) -> Keyboard | None:
        """The inline keyboard on the bot message in this chat that was sent or edited most recently."""
        shown = self.keyboards(chat_id)
        return shown[0] if shown else None

    def keyboards(self, chat_id: int) -> list[Keyboard]:
        """Every inline keyboard still shown on a bot message in this chat, the most recently touched first:
        an older one (a request answered a tick before a notice) can still be pressed, as in the app."""
        shown = sorted(
            (
                stored
                for (cid, _), stored in self.messages.items()
                if cid == chat_id and stored.from_bot and parse_inline_keyboard(stored.json.get("reply_markup"))
            ),
            key=lambda s: s.touched,
            reverse=True,
        )
        return [Keyboard(chat_id, s.json["message_id"], parse_inline_keyboard(s.json["reply_markup"])) for s in shown]

    def message_text(self, chat_id: int, message_id: int) -> str:
        stored = self.messages.get((chat_id, message_id))
        return "" if stored is None else str(stored.json.get("text") or stored.json.get("caption") or "")

    # ------------------------------------------------------------------ files
    def store_file(self, content: bytes, file_name: str | None, mime_type: str | None, *, kind: str) -> StoredFile:
        """Keep uploaded bytes so ``getFile`` and the file URL can hand them back."""
        n = self.serial()
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1].lower()
        elif kind == "photos":
            ext = ".jpg"
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        prefix = "AgAD" if kind == "photos" else "BQAD"
        stored = StoredFile(
            file_id=f"{prefix}offline{n:06d}",
            file_unique_id=f"AQAD{n:06d}",
            file_path=f"{kind}/file_{n}{ext}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # ------------------------------------------------------------------ users
    def user_name(self, chat_id: int) -> str:
        """How a person would name this chat: the user's name, or the group's title."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return str(chat_id)
        if chat["type"] == "private":
            return " ".join(p for p in (chat.get("first_name"), chat.get("last_name")) if p)
        return str(chat.get("title", chat_id))
