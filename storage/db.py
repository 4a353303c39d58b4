"""Engine, sessions, and running database work off the event loop.

Why a ``Database`` object instead of a module-level engine: nothing is created at import time, tests
open as many independent stores as they like (SQLite file, PostgreSQL), and the bot hands one object to
every layer.  SQLite gets WAL (readers never wait for the writer), a busy timeout (a second writer
waits instead of failing) and foreign keys; PostgreSQL gets a pre-ping pool.  Handlers call
``await db.run(fn, ...)`` so the short synchronous transaction runs in a worker thread and the event
loop keeps serving other chats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 5000


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver zhibu installs), not psycopg2."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """One store: the engine plus the unit-of-work helpers every layer uses."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, echo=echo)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any error, always close."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        with self.session() as session:
            return fn(*args, session=session, **kwargs)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, session=…, **kwargs)`` in one transaction on a worker thread."""
        return await asyncio.to_thread(self.call, fn, *args, **kwargs)

    def dispose(self) -> None:
        self.engine.dispose()
