"""``zhibu chat``: talk to the real bot in a terminal, with Telegram replaced by the offline fake.

Every line typed is a Telegram message from the current user; lines starting with ``:`` belong to the
client (press a button, switch user, move the clock, answer a poll, upload a file).  Whatever the bot
sends — to anyone — is printed with its addressee, HTML reduced to what a phone shows::

    张三> /start
    → 张三: 欢迎加入支部学习。
        [1] 今日学习  [2] 自测

``:group`` moves the typing into the branch group (the prompt becomes ``张三@支部群>``; what the bot posts
there is marked ``→ [群] …``) and ``:private`` back, so group behaviour — who is answered where, what the
group sees — can be tried by hand like the private chat.

It works interactively and from a pipe (``printf '/start\\n:press 1\\n' | zhibu chat``): lines are read
one at a time, and everything the bot does because of a line is printed before the next is read.  A
bad client command prints one line starting with ``!`` — never a traceback.  The client's own lines come
from the catalog (``chat.*`` in ``bot/locale/*/cli.yaml``) in the session's language, like the bot's.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError, SentMessage
from bot.fakeapi.session import AppFactory, OfflineSession, SessionError
from bot.stdin_lines import StdinLines
from bot.terminal_render import ChatOutput
from bot.terminal_time import BadMoment, parse_moment
from bot.texts import Catalog
from scheduler.clock import FakeClock

_LOG = logging.getLogger(__name__)
DEFAULT_USER_ID = 10001
DEFAULT_USER_NAME = "张三"
TYPING_PAUSE = timedelta(seconds=2)
KEYBOARDS_LISTED = 5  # :keyboards shows the newest few
SIMULATED_GROUP_ID = -1009990000001  # a supergroup-shaped id no real group has


@dataclass(frozen=True)
class GroupChat:
    """The branch group ``:group`` speaks in.  ``simulated`` when the config names none: the offline session
    then gives the branch this one (``bot.chat_hooks``), so notices and ``/groupquiz`` have a group to go to."""

    chat_id: int
    title: str
    simulated: bool = False


class ClientError(ValueError):
    """A client command that cannot be carried out; its text is already in the session's language."""

class _Person:
    def __init__(self, user_id: int, name: str) -> None:
        self.user_id = user_id
        self.name = name
        self.secretary = False

    def label(self) -> str:
        return f"{self.name} [secretary]" if self.secretary else self.name


class ChatClient:
    """Turns typed lines into updates and prints what the bot did; one instance per ``zhibu chat``."""

    def __init__(
        self,
        session: OfflineSession,
        out: TextIO,
        *,
        tz: ZoneInfo,
        clock: FakeClock,
        on_clock: Callable[[datetime], Awaitable[None]] | None,
        make_secretary: Callable[[int, str], Awaitable[None]] | None,
        is_secretary: Callable[[int], Awaitable[bool]] | None = None,
        texts: Catalog | None = None,
        language: str = "zh",
        group: GroupChat | None = None,
    ) -> None:
        self.session = session
        self.api = session.api
        self.out = out
        self.tz = tz
        self.clock = clock
        self.on_clock = on_clock
        self.make_secretary = make_secretary
        self.is_secretary = is_secretary
        self.texts = texts or Catalog.load(default=language)
        self.language = language
        self.group = group or GroupChat(SIMULATED_GROUP_ID, self.say("group_title"), simulated=True)
        self.in_group = False  # where typed lines, :press, :answer and :upload happen
        self.people: dict[str, _Person] = {}
        self.current = self._person(DEFAULT_USER_NAME, DEFAULT_USER_ID)
        self.output = ChatOutput(self.api, self.write, self.say, self._addressee)

    def say(self, key: str, **params: object) -> str:
        """The client's own line ``chat.<key>`` in the session's language."""
        return self.texts.plain(f"chat.{key}", self.language, **params)

    def _error(self, key: str, **params: object) -> ClientError:
        return ClientError(self.say(key, **params))

    def where(self) -> int | None:
        """The chat the current user acts in: None for their private chat, else the group's id."""
        return self.group.chat_id if self.in_group else None

    def _chat_id(self) -> int:
        return self.group.chat_id if self.in_group else self.current.user_id

    def prompt(self) -> str:
        label = self.current.label()  # with the [secretary] tag the store gives them
        return f"{label}@{self.say('group_short')}> " if self.in_group else f"{label}> "

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _person(self, name: str, user_id: int | None = None) -> _Person:
        person = self.people.get(name)
        if person is None and user_id is None:  # someone an earlier session already introduced
            user_id = next((uid for uid, user in self.api.world.users.items()
                            if user.get("first_name") == name and not user.get("last_name")), None)
            if user_id is not None:
                person = self.people[name] = _Person(user_id, name)
                return person
        if person is None:
            taken = {p.user_id for p in self.people.values()} | set(self.api.world.users)
            user_id = user_id or max(taken | {DEFAULT_USER_ID}) + 1
            self.api.add_user(user_id, name)
            person = self.people[name] = _Person(user_id, name)
        return person

    # --------------------------------------------------------------- lines
    async def handle(self, line: str) -> bool:
        """Act on one input line; False means the user asked to quit."""
        line = line.strip()
        if not line:
            return True
        keep_going = True
        try:
            if line.startswith(":"):
                keep_going = await self._command(line)
            else:
                # a person types a line every few seconds; the driven clock should see that too, or the
                # flood guard would count a whole session as one burst
                self.clock.advance(TYPING_PAUSE)
                await self.session.send(self.current.user_id, line, self.where())
        except (SessionError, BotApiError, ValueError, OSError) as exc:
            self.write(f"! {exc}")
        except Exception as exc:  # a bug in the bot must not end the chat with a traceback
            _LOG.debug("chat line %r failed", line, exc_info=True)
            self.write("! " + self.say("failed", error=f"{type(exc).__name__}: {exc}"))
        self.flush()
        return keep_going

    async def _command(self, line: str) -> bool:
        name, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if name in {"quit", "exit", "q"}:
            return False
        if name == "help":
            self.write(self.say("help"))
        elif name == "who":
            await self._refresh_role(self.current)
            self.write(self.say("who", label=self.current.label(), id=self.current.user_id))
        elif name == "press":  # ":press N" or ":press N @MSG" (an older keyboard, numbered by :keyboards)
            number, _, message = rest.partition("@")
            await self._press(
                self._number(number, "usage.press"), self._number(message, "usage.press") if message else None
            )
        elif name == "keyboards":
            self._list_keyboards()
        elif name == "as":
            await self._switch(rest)
        elif name == "clock":
            await self._move_clock(rest)
        elif name == "answer":
            await self._answer([self._number(part, "usage.answer") for part in rest.split()])
        elif name == "upload":
            await self._upload(rest)
        elif name == "group":
            self.in_group = True
            key = "group_simulated" if self.group.simulated else "group_entered"
            self.write(self.say(key, title=self.group.title, id=self.group.chat_id))
        elif name == "private":
            self.in_group = False
            self.write(self.say("private"))
        else:
            self.write("! " + self.say("unknown", name=name))
        return True

    def _number(self, text: str, usage: str) -> int:
        if not text.strip().isdigit():
            raise self._error(usage)
        return int(text)

    def _list_keyboards(self) -> None:
        """The keyboards still shown here, newest first, each with its message number for ``:press N @MSG``."""
        shown = self.api.world.keyboards(self._chat_id())[:KEYBOARDS_LISTED]
        if not shown:
            raise self._error("no_keyboard")
        for keyboard in shown:
            first = (self.api.world.message_text(keyboard.chat_id, keyboard.message_id).splitlines() or [""])[0]
            labels = "  ".join(f"[{i}] {b.text}" for i, b in enumerate(keyboard.buttons(), 1))
            self.write(self.say("keyboard", id=keyboard.message_id, text=first[:40], labels=labels))

    async def _press(self, n: int, message_id: int | None = None) -> None:
        """Check what the user can see before pressing, so a mistake is told in the session's language."""
        shown = self.api.world.keyboards(self._chat_id())
        keyboard = next((k for k in shown if message_id in (None, k.message_id)), None)
        if keyboard is None:
            raise self._error("no_keyboard" if message_id is None else "no_keyboard_at", id=message_id)
        buttons = keyboard.buttons()
        if not 1 <= n <= len(buttons):
            labels = "  ".join(f"[{i}] {b.text}" for i, b in enumerate(buttons, 1))
            raise self._error("no_button", n=n, count=len(buttons), labels=labels)
        button = buttons[n - 1]
        if button.callback_data is None:
            raise self._error("not_callback", n=n, label=button.text, target=button.url or "?")
        await self.session.press(self.current.user_id, n, self.where(), message_id)

    async def _answer(self, numbers: list[int]) -> None:
        if not numbers:
            raise self._error("usage.answer")
        poll = self.api.last_poll(self._chat_id())
        if poll is None or poll.poll_id is None:
            raise self._error("no_poll")
        for n in numbers:
            if not 1 <= n <= len(poll.options):
                raise self._error("no_option", n=n, count=len(poll.options))
        state = self.api.world.polls.get(poll.poll_id)  # what Telegram's app would refuse, in the session's language
        if state is not None:
            if state.json["is_closed"]:
                raise self._error("poll_closed")
            if len(set(numbers)) != len(numbers) or (len(numbers) > 1 and not state.json["allows_multiple_answers"]):
                raise self._error("one_answer")
            if self.current.user_id in state.votes and not state.json.get("allows_revoting", False):
                raise self._error("already_voted")
        await self.session.answer_poll(self.current.user_id, [n - 1 for n in numbers], self.where())

    async def _switch(self, rest: str) -> None:
        words = rest.split()
        grant = bool(words) and words[-1].lower() == "secretary"
        if grant:
            words = words[:-1]
        if not words:
            raise self._error("usage.as")
        person = self._person(" ".join(words))
        if grant:
            grant_role = self.make_secretary
            if grant_role is None:
                self.write("! " + self.say("no_grant_hook"))
            else:
                await self.session.run(lambda: grant_role(person.user_id, person.name))
                person.secretary = True
        await self._refresh_role(person)
        self.current = person
        self.write(self.say("switched", label=person.label(), id=person.user_id))

    async def _refresh_role(self, person: _Person) -> None:
        """The ``[secretary]`` tag follows the stored role, not this session's memory: a secretary granted
        in an earlier run (or demoted since) is labelled as the store has them."""
        lookup = self.is_secretary
        if lookup is not None:
            person.secretary = await lookup(person.user_id)

    async def _move_clock(self, rest: str) -> None:
        if rest:
            target = self._parse_time(rest)
            if target < self.clock.now():
                raise self._error("clock_backwards")
            self.clock.set(target)
        now = self.clock.now()
        self.write(self.say("clock_now", time=f"{now.astimezone(self.tz):%Y-%m-%d %H:%M}", zone=self.tz.key))
        if rest and self.on_clock is not None:
            hook = self.on_clock
            await self.session.run(lambda: hook(now))

    def _parse_time(self, text: str) -> datetime:
        try:
            return parse_moment(text, self.clock.now(), self.tz)
        except BadMoment as exc:
            raise self._error(exc.key) from None

    async def _upload(self, rest: str) -> None:
        if not rest:
            raise self._error("usage.upload")
        path, content = await asyncio.to_thread(_read_file, rest)
        mime = mimetypes.guess_type(path.name)[0]
        await self.session.feed(self.api.document_update(self.current.user_id, path.name, content, mime,
                                                         chat_id=self.where()))

    # -------------------------------------------------------------- output
    @property
    def downloads(self) -> Path | None:
        """Where files the bot sends are saved, so they can be opened (None: not saved)."""
        return self.output.downloads

    @downloads.setter
    def downloads(self, folder: Path | None) -> None:
        self.output.downloads = folder

    def flush(self) -> None:
        """Print everything the bot did since the last flush (``bot.terminal_render``)."""
        self.output.flush()

    def render(self, sent: SentMessage) -> str:
        return self.output.render(sent)

    def _addressee(self, chat_id: int) -> str:
        for person in self.people.values():
            if person.user_id == chat_id:
                return person.label()
        name = self.api.world.user_name(chat_id)
        chat = self.api.world.chats.get(chat_id)
        return name if chat is None or chat["type"] == "private" else self.say("group_label", title=name)


def _read_file(name: str) -> tuple[Path, bytes]:
    path = Path(name).expanduser()
    return path, path.read_bytes()


def _default_factory(settings: Any) -> AppFactory:
    from bot.app import build_application  # imported late: it wires every handler module

    return functools.partial(build_application, settings)


async def run_chat(
    settings: Any,
    *,
    stdin: TextIO,
    stdout: TextIO,
    clock: FakeClock,
    on_clock: Callable[[datetime], Awaitable[None]] | None = None,
    make_secretary: Callable[[int, str], Awaitable[None]] | None = None,
    is_secretary: Callable[[int], Awaitable[bool]] | None = None,
    app_factory: AppFactory | None = None,
    api: FakeBotApi | None = None,
    group: GroupChat | None = None,
) -> int:
    """Run the terminal chat until ``:quit`` or end of input; returns the process exit code.

    ``app_factory`` defaults to ``partial(bot.app.build_application, settings)``; it is called with
    ``request=`` and ``clock=``.  ``on_clock(now)`` runs after every ``:clock`` move so due work fires;
    ``make_secretary(user_id, name)`` grants the role for ``:as NAME secretary``; ``is_secretary(user_id)``
    reads the stored role for the ``[secretary]`` tag (so it survives a restart).  ``group`` is the branch
    group ``:group`` speaks in (default: a simulated one); it exists, with the bot in it, from the start.
    """
    tz = ZoneInfo(str(getattr(settings, "timezone", "Asia/Shanghai")))
    language = str(getattr(settings, "language", "zh"))
    texts = Catalog.load(default=language)
    api = api or FakeBotApi(clock=clock)
    factory = app_factory or _default_factory(settings)
    stdout.write(texts.plain("chat.banner", language, name=DEFAULT_USER_NAME, id=DEFAULT_USER_ID) + "\n")
    stdout.flush()
    api.add_user(DEFAULT_USER_ID, DEFAULT_USER_NAME)
    group = group or GroupChat(SIMULATED_GROUP_ID, texts.plain("chat.group_title", language), simulated=True)
    if group.chat_id not in api.world.chats:
        api.add_group(group.chat_id, group.title, supergroup=group.chat_id < -1000000000000)
    try:
        session = OfflineSession(factory, api=api, clock=clock)
        async with session, StdinLines(stdin) as lines:
            client = ChatClient(session, stdout, tz=tz, clock=clock, on_clock=on_clock, make_secretary=make_secretary,
                                is_secretary=is_secretary, texts=texts, language=language, group=group)
            data_dir = getattr(settings, "data_dir", None)
            client.downloads = Path(data_dir) / "downloads" if data_dir is not None else None
            client.flush()
            while True:
                if lines.fd is not None:
                    stdout.write(client.prompt())
                    stdout.flush()
                line = await lines.readline()
                if line is None or not await client.handle(line):
                    break
    except Exception as exc:
        _LOG.debug("zhibu chat could not run the bot", exc_info=True)
        stdout.write("! " + texts.plain("chat.cannot_run", language, error=f"{type(exc).__name__}: {exc}") + "\n")
        return 1
    return 0
