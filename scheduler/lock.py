"""One sender at a time on every database.

SQLite: an exclusive, non-blocking ``flock`` on ``<database>.sender.lock`` — the kernel drops it when the
process dies, so a ``kill -9`` never leaves a stale lock, and two processes on one file (the fault a
fault-injection run found: 41 messages/s, 149 same-chat gaps under a second) can no longer both send.
PostgreSQL: a session advisory lock whose key is a hash of the database and schema, so two deployments
(or two test schemas) on one server do not block each other.

:func:`run_lock` is the same rule for the whole process (review R2.5): ``zhibu run`` holds it from start to
exit, polling and webhook alike.  Long polling was kept to one process by Telegram's own 409 ("terminated by
other getUpdates request"), but a webhook has no such guard — a second process on the same database would
re-register the webhook URL to itself and tick beside the first — so the second start now ends at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storage.db import Database

_LOCK_KEY_SQL = text("SELECT hashtextextended('zhibu.sender:' || current_database() || ':' || current_schema(), 0)")
_RUN_KEY_SQL = text("SELECT hashtextextended('zhibu.run:' || current_database() || ':' || current_schema(), 0)")


@asynccontextmanager
async def sender_lock(db: Database) -> AsyncIterator[bool]:
    """Whether this process may send now; held for the block.

    SQLite: an exclusive, non-blocking ``flock`` on ``<database>.sender.lock`` — the kernel drops it when
    the process dies, so a ``kill -9`` never leaves a stale lock.  PostgreSQL: ``pg_try_advisory_lock`` on
    its own AUTOCOMMIT connection (never idle in a transaction while Telegram is called), keyed by a hash
    of the database and schema.  Both are taken and released in a worker thread.
    """
    if db.dialect == "sqlite":
        async with _file_lock(db) as got:
            yield got
        return
    connection = await asyncio.to_thread(lambda: db.engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
    try:
        def take() -> tuple[bool, int]:
            key = int(connection.execute(_LOCK_KEY_SQL).scalar_one())
            return bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()), key

        got, key = await asyncio.to_thread(take)
        try:
            yield got
        finally:
            if got:
                await asyncio.to_thread(lambda: connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key}))
    finally:
        await asyncio.to_thread(connection.close)


@asynccontextmanager
async def _file_lock(db: Database) -> AsyncIterator[bool]:
    path = _beside(db, "sender")
    if path is None:
        yield True
        return
    with _flock(path) as got:
        yield got


def _beside(db: Database, name: str) -> Path | None:
    """``<database>.<name>.lock`` beside an SQLite file; ``None`` for an in-memory database (one process)."""
    database = db.engine.url.database
    return None if not database or database == ":memory:" else Path(f"{database}.{name}.lock")


@contextmanager
def _flock(path: Path) -> Iterator[bool]:
    """An exclusive, non-blocking ``flock`` on ``path`` for the block; ``False`` while another process holds it.

    The kernel drops it when the process dies, so a ``kill -9`` never blocks the restart."""
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def run_lock(db: Database) -> Iterator[bool]:
    """Whether this is the only ``zhibu run`` on ``db``; held for the block (the life of the process).

    SQLite: an exclusive, non-blocking ``flock`` on ``<database>.run.lock`` (not the sender's file: that
    one is taken and dropped by every tick of this very process).  PostgreSQL: ``pg_try_advisory_lock`` on
    a key of its own, on a dedicated AUTOCOMMIT connection kept open for the block — the server drops it
    when the process dies, as the kernel drops the flock, so a ``kill -9`` never blocks the restart.
    """
    if db.dialect == "sqlite":
        path = _beside(db, "run")
        if path is None:
            yield True
            return
        with _flock(path) as got:
            yield got
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        key = int(connection.execute(_RUN_KEY_SQL).scalar_one())
        got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        try:
            yield got
        finally:
            if got:  # a connection the server already dropped holds nothing to give back
                with contextlib.suppress(SQLAlchemyError):
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
