"""FakeBotApi: an in-memory Telegram for zhibu's tests and ``zhibu chat``.

Telegram is unreachable where zhibu is developed and tested, so the bot talks to this instead — at the
HTTP-request boundary, never by patching PTB::

    test / terminal user                         the bot (a real PTB Application)
    ─────────────────────                        ─────────────────────────────────
    api.message_update(10001, "/start") ──┐      Bot.send_message(...)
    api.callback_update(...)              │        │  BaseRequest.post(url, RequestData)
    api.poll_answer_update(...)           ▼        ▼
                          ┌──────────── FakeBotApi.call(method, params, files) ────────────┐
                          │ World: users, chats, messages, polls, files, commands, webhook │
                          │ recording: calls (every request), outbox (what users now see)  │
                          │ faults: fail_next / time_out_next / block / latency            │
                          └─────────────────────────────────────────────────────────────────┘
    updates → OfflineSession.feed (process_update)        OfflineRequest (in process)
            → or getUpdates long polling                  serve() (HTTP on 127.0.0.1)

Results are the JSON Telegram would return; refusals are :class:`BotApiError`, which the adapters turn
into Telegram's error body and status so PTB raises ``BadRequest``, ``Forbidden``, ``RetryAfter`` or
``ChatMigrated`` for real.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot.fakeapi import updates as client
from bot.fakeapi.methods import METHODS
from bot.fakeapi.methods.setup import visible_commands
from bot.fakeapi.params import Params, decode_params
from bot.fakeapi.polling import UpdateQueue
from bot.fakeapi.records import (
    ApiCall,
    BotApiError,
    Keyboard,
    SentMessage,
    SimulatedTimeout,
    UploadedFile,
)
from bot.fakeapi.world import World
from scheduler.clock import Clock, SystemClock

DEFAULT_TOKEN = "123456789:OFFLINE-zhibu-test-token"


@dataclass
class _Fault:
    method: str
    error: BotApiError | SimulatedTimeout
    chat_id: int | str | None
    times: int


class FakeBotApi:
    """In-memory Telegram Bot API; see the module docstring for the picture."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        clock: Clock | None = None,
        bot_username: str = "zhibu_bot",
        bot_name: str = "支部助手",
    ) -> None:
        self.world = World(token=token, clock=clock or SystemClock(), bot_username=bot_username, bot_name=bot_name)
        self.calls: list[ApiCall] = []
        self._faults: list[_Fault] = []
        self._latency: dict[str | None, float] = {}
        self.updates = UpdateQueue(self.world)

    # ------------------------------------------------------------ properties
    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.world.bot_user

    @property
    def outbox(self) -> list[SentMessage]:
        return self.world.outbox

    @property
    def deleted(self) -> list[tuple[int, int]]:
        return self.world.deleted

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        return self.world.callback_answers

    # ------------------------------------------------------------ the server
    def check_token(self, token: str) -> None:
        """Refuse a request for another bot, as Telegram does for a revoked token."""
        if token != self.world.token:
            raise BotApiError(401, "Unauthorized")

    async def call(self, method: str, params: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
        """Run one Bot API method; returns its ``result`` JSON or raises :class:`BotApiError`."""
        key = method.lower()
        canonical = "getUpdates" if key == "getupdates" else METHODS.get(key, (method, None))[0]
        record = ApiCall(canonical, decode_params(params), _uploads(files or {}))
        self.calls.append(record)
        delay = self._latency.get(canonical, self._latency.get(None, 0.0))
        if delay:
            await asyncio.sleep(delay)
        fault: BotApiError | SimulatedTimeout | None = None
        try:
            if key != "getupdates" and key not in METHODS:
                raise BotApiError.not_found()
            fault = self._take_fault(canonical, record.params)
            if isinstance(fault, BotApiError) or (isinstance(fault, SimulatedTimeout) and not fault.delivered):
                raise fault
            if key == "getupdates":
                result = await self.updates.get_updates(Params(record.params))
            else:
                result = METHODS[key][1](self.world, Params(record.params), record.files)
        except BotApiError as error:
            record.error = error
            raise
        except SimulatedTimeout:
            record.timed_out = True
            raise
        record.result = result
        if fault is not None:
            record.timed_out = True
            raise fault
        return result

    def download(self, file_path: str) -> bytes:
        """The bytes behind a ``file_path`` from ``getFile`` (what the file URL serves)."""
        stored = self.world.file_by_path(file_path)
        if stored is None:
            raise BotApiError.not_found()
        return stored.content

    # ---------------------------------------------------------------- faults
    def fail_next(self, method: str, error: BotApiError, chat_id: int | str | None = None, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``, if given) fail with ``error``."""
        self._faults.append(_Fault(method.lower(), error, chat_id, times))

    def time_out_next(
        self, method: str, *, delivered: bool = True, chat_id: int | str | None = None, times: int = 1
    ) -> None:
        """Make the next calls time out on the bot's side; ``delivered`` says whether they took effect."""
        self._faults.append(_Fault(method.lower(), SimulatedTimeout(method, delivered=delivered), chat_id, times))

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay every call (or one method's calls) by ``seconds`` before it is handled."""
        self._latency[method] = seconds

    def _take_fault(self, method: str, params: dict[str, Any]) -> BotApiError | SimulatedTimeout | None:
        for fault in self._faults:
            if fault.method != method.lower() or fault.times <= 0:
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            fault.times -= 1
            if fault.times == 0:
                self._faults.remove(fault)
            return fault.error
        return None

    def block(self, user_id: int) -> dict[str, Any]:
        """The user blocks the bot: sends to them now answer 403; returns the ``my_chat_member`` update."""
        self.world.blocked.add(user_id)
        return self._enqueue(client.my_chat_member_update(self.world, user_id, "member", "kicked"))

    def unblock(self, user_id: int) -> dict[str, Any]:
        self.world.blocked.discard(user_id)
        return self._enqueue(client.my_chat_member_update(self.world, user_id, "kicked", "member"))

    def migrate_group(self, chat_id: int, new_chat_id: int) -> None:
        """Upgrade a group to a supergroup: the old id answers 400 with ``migrate_to_chat_id``."""
        old = self.world.chat(chat_id)
        client.add_group(self.world, new_chat_id, str(old.get("title", "")), supergroup=True)
        for (cid, uid), status in list(self.world.members.items()):
            if cid == chat_id:
                self.world.members[(new_chat_id, uid)] = status
        self.world.migrated[chat_id] = new_chat_id

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Make ``user_id`` a creator/administrator/member/left/kicked of ``chat_id``."""
        if status not in {"creator", "administrator", "member", "left", "kicked"}:
            raise ValueError(f"unsupported chat member status {status!r}")
        self.world.members[(chat_id, user_id)] = status

    # ----------------------------------------------------------- the client
    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        *,
        started: bool = True,
    ) -> dict[str, Any]:
        """A Telegram user; ``started=False`` models one who never opened the bot (sends answer 403)."""
        return client.add_user(self.world, user_id, first_name, last_name, username, language_code, started=started)

    def add_group(self, chat_id: int, title: str, *, supergroup: bool = False) -> dict[str, Any]:
        return client.add_group(self.world, chat_id, title, supergroup=supergroup)

    def message_update(self, user_id: int, text: str, chat_id: int | None = None) -> dict[str, Any]:
        return self._enqueue(client.message_update(self.world, user_id, text, chat_id))

    def group_message_update(self, user_id: int, chat_id: int, text: str, title: str | None = None) -> dict[str, Any]:
        return self._enqueue(client.group_message_update(self.world, user_id, chat_id, text, title))

    def callback_update(self, user_id: int, message_id: int, data: str, chat_id: int | None = None) -> dict[str, Any]:
        _, body = client.callback_update(self.world, user_id, message_id, data, chat_id)
        return self._enqueue(body)

    def poll_answer_update(self, user_id: int, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
        return self._enqueue(client.poll_answer_update(self.world, user_id, poll_id, list(option_ids)))

    def document_update(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        body = client.document_update(self.world, user_id, file_name, content, mime_type, caption, chat_id)
        return self._enqueue(body)

    def _enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.updates.enqueue(body)

    def confirm(self, update_id: int) -> None:
        """Forget updates up to ``update_id``, as a ``getUpdates`` with a higher offset would."""
        self.updates.confirm(update_id)

    def close(self) -> None:
        """Answer every waiting ``getUpdates`` now, with what it has (used when a server shuts down)."""
        self.updates.release()

    # ------------------------------------------------------------- reading
    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot sent or edited in ``chat_id``, oldest first."""
        return [m for m in self.world.outbox if m.chat_id == chat_id]

    def last_keyboard(self, chat_id: int) -> Keyboard | None:
        """The inline keyboard on the most recently sent or edited bot message in ``chat_id``."""
        return self.world.last_keyboard(chat_id)

    def last_poll(self, chat_id: int) -> SentMessage | None:
        return next((m for m in reversed(self.world.outbox) if m.chat_id == chat_id and m.kind == "poll"), None)

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def visible_commands(self, user_id: int, chat_id: int | None = None) -> list[dict[str, str]]:
        """The "/" menu this user sees, resolved across command scopes as Telegram does."""
        return visible_commands(self.world, user_id, chat_id)

    def unanswered_callbacks(self) -> list[str]:
        return [query_id for query_id, answered in self.world.callbacks.items() if not answered]


def _uploads(files: dict[str, Any]) -> dict[str, UploadedFile]:
    """Multipart parts as :class:`UploadedFile`, accepting bare bytes or PTB's (name, content, mime)."""
    uploads: dict[str, UploadedFile] = {}
    for name, value in files.items():
        if isinstance(value, UploadedFile):
            uploads[name] = value
        elif isinstance(value, bytes | bytearray):
            uploads[name] = UploadedFile(name, bytes(value))
        else:
            filename, content, mime = value
            if hasattr(content, "read"):
                content = content.read()
            uploads[name] = UploadedFile(filename or name, bytes(content), mime)
    return uploads
