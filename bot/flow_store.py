"""Half-finished conversations kept in the database, so a restart does not lose them (trial T3).

A guided flow (the 请假 reason, the guided /newmeeting, the review's edit prompt) is a PTB
``ConversationHandler``: its state and the draft it builds in ``user_data`` lived in memory, so a deploy
in the middle of the day dropped them and the user's next message got "I work mostly through commands"
— their leave was never filed and nothing said so.  Quiz sessions already live in the store; this gives
the conversations the same footing through PTB's own persistence hook::

    update handled ──▶ PTB marks the conversation / user_data changed
                   ──▶ FlowApplication writes through at once (and PTB on stop): update_conversation /
                       update_user_data ──▶ FlowState rows (scope "conv:<name>" or "user", key, pickled
                       value), skipped when the value is what was last written
    start-up       ──▶ get_conversations / get_user_data ──▶ the flow continues where it was

Only conversations and ``user_data`` are kept: ``bot_data`` holds the live services, and the bot keeps no
chat data.  Values are pickled because a draft carries a ``datetime``; they are written only by the bot.
"""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, delete, select
from telegram import Update
from telegram.ext import Application, BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database
from storage.migrate import upgrade
from storage.models import FlowState

# PTB's own timer is only a safety net: FlowApplication writes after every update, so a process killed
# between two updates loses nothing (a short timer's churn of waiting tasks also never lets the offline
# session settle)
UPDATE_SECONDS = 3600
USER = "user"
T = TypeVar("T")


def _conv(name: str) -> str:
    return f"conv:{name}"


def _rows(scope: str, *, session: Session) -> list[tuple[str, bytes]]:
    return [(r.key, r.value) for r in session.exec(select(FlowState).where(FlowState.scope == scope)).all()]


def _put(scope: str, key: str, blob: bytes | None, now: datetime, *, session: Session) -> None:
    row = session.get(FlowState, (scope, key))
    if blob is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(FlowState(scope=scope, key=key, value=blob, updated_at=now))
    else:
        row.value, row.updated_at = blob, now
        session.add(row)


def _clear(scope: str, key: str, *, session: Session) -> None:
    session.exec(delete(FlowState).where(col(FlowState.scope) == scope, col(FlowState.key) == key))  # type: ignore[call-overload]


class FlowStore(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB persistence over the ``flowstate`` table: conversations and ``user_data`` only."""

    def __init__(self, db: Database) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                     callback_data=False), update_interval=UPDATE_SECONDS)
        self.db = db
        self._ready = False
        self._written: dict[tuple[str, str], bytes | None] = {}  # what the store holds, as last read or written

    async def _write(self, scope: str, key: str, value: object | None) -> None:
        """Store ``value`` (``None``: remove it) unless the store already holds exactly that: every update
        marks its user's data changed, and most leave it as it was."""
        blob = None if value is None else pickle.dumps(value)
        if (scope, key) in self._written and self._written[(scope, key)] == blob:
            return
        await self._run(_put, scope, key, blob, datetime.now(UTC))
        self._written[(scope, key)] = blob

    async def _run(self, fn: Callable[..., T], /, *args: Any) -> T:
        if not self._ready:  # PTB reads the store before post_init migrates the schema: migrate first
            await asyncio.to_thread(upgrade, self.db)
            self._ready = True
        return await asyncio.to_thread(self.db.call, fn, *args)

    # ------------------------------------------------------------------ user_data
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        rows = await self._run(_rows, USER)
        self._written.update({(USER, key): blob for key, blob in rows})
        return {int(key): pickle.loads(blob) for key, blob in rows}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._write(USER, str(user_id), data or None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._run(_clear, USER, str(user_id))
        self._written[(USER, str(user_id))] = None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None  # this process is the only writer: memory is never behind the store

    # ------------------------------------------------------------------ conversations
    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self._run(_rows, _conv(name))
        self._written.update({(_conv(name), key): blob for key, blob in rows})
        return {tuple(json.loads(key)): pickle.loads(blob) for key, blob in rows}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        await self._write(_conv(name), json.dumps(list(key)), new_state)

    # ------------------------------------------------------------------ not kept
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None  # every write above is committed as it is made


class FlowApplication(Application):  # type: ignore[type-arg]
    """The Application, writing the persistence through after every update it handles (see UPDATE_SECONDS)."""

    async def start(self) -> None:
        await super().start()
        # let PTB's persistence timer reach its wait now, so its waiting task exists before the first update
        # (the offline session waits for the tasks an update starts, and that one waits for an hour)
        await asyncio.sleep(0)

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if self.persistence is not None and isinstance(update, Update):
            await self.update_persistence()
