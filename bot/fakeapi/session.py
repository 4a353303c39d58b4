"""OfflineSession: a real PTB Application, running over the FakeBotApi, driven one update at a time.

End-to-end tests and ``zhibu chat`` need the whole bot — handler groups, filters, conversation state,
the error handler, ``create_task`` background work — but deterministically: "after 张三 says /start, the
bot has sent exactly these messages".  The session gives that::

    async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as s:
        replies = await s.send(10001, "/start")          # list[SentMessage]
        replies = await s.press(10001, 2)                # 2nd button of the latest inline keyboard
        replies = await s.answer_poll(10001, [0])        # 0-based option ids of the latest poll

The application is started as in production (``initialize`` → ``post_init`` → ``start``) but without
an Updater: each update goes straight to ``Application.process_update``, which runs handler groups and
routes exceptions to the registered error handlers exactly as polling would.  After each update the
session waits for every task spawned while handling it (``Application.create_task``, ``block=False``
handlers) so the replies it returns are complete.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import SentMessage
from bot.fakeapi.request import OfflineRequest
from scheduler.clock import Clock, FakeClock

AppFactory = Callable[..., Application | Awaitable[Application]]
"""Called as ``factory(request=..., clock=...)``, e.g. ``functools.partial(build_application, settings)``."""


class SessionError(RuntimeError):
    """A script asked for something the conversation does not offer (no keyboard, no such button…)."""


class OfflineSession:
    """Runs an Application over a :class:`FakeBotApi` and feeds it updates one by one."""

    def __init__(
        self,
        app_factory: AppFactory,
        *,
        api: FakeBotApi | None = None,
        clock: Clock | None = None,
        settle_timeout: float = 10.0,
        require_callback_answers: bool = True,
    ) -> None:
        self.clock = clock or FakeClock()
        self.api = api or FakeBotApi(clock=self.clock)
        self._factory = app_factory
        self._settle_timeout = settle_timeout
        self._require_answers = require_callback_answers
        self._app: Application | None = None

    @property
    def app(self) -> Application:
        if self._app is None:
            raise SessionError("the session is not running; use `async with OfflineSession(...)`")
        return self._app

    def request(self) -> BaseRequest:
        """A fresh request object bound to this session's fake (for building extra Bots)."""
        return OfflineRequest(self.api)

    # ------------------------------------------------------------- lifecycle
    async def __aenter__(self) -> OfflineSession:
        built = self._factory(request=OfflineRequest(self.api), clock=self.clock)
        app = await built if inspect.isawaitable(built) else built
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)
            await app.start()
        except BaseException:
            await app.shutdown()
            raise
        self._app = app
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        app, self._app = self._app, None
        if app is None:
            return
        try:
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
        finally:
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)

    # --------------------------------------------------------------- feeding
    async def feed(self, update: dict[str, Any]) -> list[SentMessage]:
        """Deliver one Update dict to the application; return what the bot sent or edited meanwhile."""
        app = self.app
        mark = len(self.api.outbox)
        before = asyncio.all_tasks()
        self.api.confirm(update["update_id"])
        await app.process_update(Update.de_json(update, app.bot))
        await self._settle(before)
        return self.api.outbox[mark:]

    async def _settle(self, before: set[asyncio.Task[Any]]) -> None:
        """Wait for tasks started while handling the update (and for the tasks those start)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settle_timeout
        me = asyncio.current_task()
        while True:
            await asyncio.sleep(0)
            pending = {t for t in asyncio.all_tasks() if t not in before and t is not me and not t.done()}
            if not pending:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = ", ".join(sorted(t.get_name() for t in pending))
                raise SessionError(f"tasks still running {self._settle_timeout}s after the update: {names}")
            await asyncio.wait(pending, timeout=remaining)

    async def run(self, work: Callable[[], Awaitable[Any]]) -> list[SentMessage]:
        """Run something that is not an update (a scheduler tick, a job) and collect what it sent."""
        mark = len(self.api.outbox)
        before = asyncio.all_tasks()
        await work()
        await self._settle(before)
        return self.api.outbox[mark:]

    # ------------------------------------------------------------ shortcuts
    async def send(self, user_id: int, text: str, chat_id: int | None = None) -> list[SentMessage]:
        """``user_id`` types ``text`` in their private chat (or in group ``chat_id``)."""
        return await self.feed(self.api.message_update(user_id, text, chat_id))

    async def press(
        self, user_id: int, n: int, chat_id: int | None = None, message_id: int | None = None
    ) -> list[SentMessage]:
        """Press button ``n`` (1-based, reading order) of the latest inline keyboard in the chat, or of the
        one under message ``message_id``."""
        chat = user_id if chat_id is None else chat_id
        shown = self.api.world.keyboards(chat)
        keyboard = next((k for k in shown if message_id in (None, k.message_id)), None)
        if keyboard is None:
            raise SessionError(f"the bot shows no inline keyboard in chat {chat} (message {message_id})")
        buttons = keyboard.buttons()
        if not 1 <= n <= len(buttons):
            labels = "  ".join(f"[{i}] {b.text}" for i, b in enumerate(buttons, 1))
            raise SessionError(f"no button {n}: the keyboard has {len(buttons)} ({labels})")
        button = buttons[n - 1]
        if button.callback_data is None:
            raise SessionError(f"button {n} ({button.text}) opens {button.url or 'something else'}, not a callback")
        update = self.api.callback_update(user_id, keyboard.message_id, button.callback_data, chat_id)
        query_id = update["callback_query"]["id"]
        sent = await self.feed(update)
        if self._require_answers and query_id in self.api.unanswered_callbacks():
            raise SessionError(f"the bot did not answer the callback query for button {n} ({button.text})")
        return sent

    async def answer_poll(
        self, user_id: int, option_indices: list[int], chat_id: int | None = None
    ) -> list[SentMessage]:
        """Vote in the latest poll the bot sent to the chat; indices are 0-based, as Telegram's."""
        chat = user_id if chat_id is None else chat_id
        poll = self.api.last_poll(chat)
        if poll is None or poll.poll_id is None:
            raise SessionError(f"the bot has sent no poll in chat {chat}")
        try:
            update = self.api.poll_answer_update(user_id, poll.poll_id, list(option_indices))
        except ValueError as exc:
            raise SessionError(str(exc)) from exc
        return await self.feed(update)

    async def upload(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> list[SentMessage]:
        """``user_id`` sends a file as a document."""
        return await self.feed(self.api.document_update(user_id, file_name, content, mime_type, caption))
