"""Engine, sessions, and running database work off the event loop.

Why a ``Database`` object instead of a module-level engine: nothing is created at import time, tests
open as many independent stores as they like (SQLite file, PostgreSQL), and the bot hands one object to
every layer.  SQLite gets WAL (readers never wait for the writer), a busy timeout (a second writer
waits instead of failing), ``synchronous=NORMAL`` (a commit waits for no fsync; WAL keeps the file
consistent) and foreign keys; PostgreSQL gets a pre-ping pool.  Handlers call ``await db.run(fn, ...)``
so the short synchronous transaction runs in a worker thread and the event loop keeps serving other
chats.

Write generations: every INSERT / UPDATE / DELETE this process sends (ORM flush, Core or text) bumps a
counter for its table, and its commit bumps it again.  An in-memory copy taken at generation *g* is
current as long as the table is still at *g* — how the bot keeps who-is-speaking off the database for
every tap (``bot.context``) without ever answering from a role or status that has changed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

T = TypeVar("T")
log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
QUICK_BUSY_TIMEOUT_MS = 20  # how long ``run_quick`` may hold the event loop waiting for another writer
INSERT_CHUNK = 500  # rows per INSERT statement: well under SQLite's bound-parameter limit
_WRITTEN = "zhibu.written"  # connection.info: tables written in the open transaction
# the table a DML statement writes, whatever produced it (ORM flush, Core, text)
_DML_TABLE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?',
                        re.IGNORECASE)
_READ_ONLY = re.compile(r"^\s*(?:SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SHOW|SET)\b", re.IGNORECASE)
ANY_TABLE = "*"


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
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()
        event.listen(self.engine, "after_cursor_execute", self._noted)
        event.listen(self.engine, "commit", self._committed)
        event.listen(self.engine, "rollback", self._rolled_back)

    # ----------------------------------------------------------------- write generations

    def generation(self, *tables: str) -> int:
        """A number that changes whenever any of ``tables`` is written by this process (never goes back)."""
        with self._lock:
            return sum(self._generations.get(table, 0) for table in (*tables, ANY_TABLE))

    def _bump(self, tables: set[str]) -> None:
        with self._lock:
            for table in tables:
                self._generations[table] = self._generations.get(table, 0) + 1

    def _noted(self, conn: Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any,
               _executemany: bool) -> None:
        match = _DML_TABLE.match(statement)
        if match is not None:
            table = match.group(1).lower()
        elif _READ_ONLY.match(statement):
            return
        else:  # a write whose table is not plain to see (a CTE, a DDL): every copy is out of date
            table = ANY_TABLE
        conn.info.setdefault(_WRITTEN, set()).add(table)
        self._bump({table})  # a copy read before the commit must not outlive it: bumped now and at commit

    def _committed(self, conn: Connection) -> None:
        written = conn.info.pop(_WRITTEN, None)
        if written:
            self._bump(written)

    def _rolled_back(self, conn: Connection) -> None:
        conn.info.pop(_WRITTEN, None)

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

    async def run_quick(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, connection=…, **kwargs)`` — SQLAlchemy Core on one ``Connection``, no ORM
        session — in one transaction known to be short (a quiz answer: a few indexed statements).

        With SQLite it runs right here on the event loop: the hop to a worker thread and back costs more
        than such a transaction (and far more on a loaded machine), and nothing else can run on the loop
        meanwhile anyway.  The loop never waits long for the file: the connection's busy timeout drops to
        :data:`QUICK_BUSY_TIMEOUT_MS`, and when another writer holds the file longer the transaction is
        rolled back and run again on a worker thread with the usual patient timeout — so ``fn`` must be
        safe to run twice when the first attempt failed (any pure store function is: its writes were rolled
        back).  PostgreSQL always takes the worker thread (its network round trips would stall every chat).
        """
        if self.dialect != "sqlite":
            return await asyncio.to_thread(self._call_core, fn, *args, **kwargs)
        try:
            return self._call_core(fn, *args, quick=True, **kwargs)
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
            log.debug("quick transaction found the database busy; retried on a worker thread")
        return await asyncio.to_thread(self._call_core, fn, *args, **kwargs)

    def _call_core(self, fn: Callable[..., T], /, *args: Any, quick: bool = False, **kwargs: Any) -> T:
        with self.engine.connect() as connection:
            # on the driver's connection itself: a PRAGMA is no write, and SQLAlchemy need not see it
            raw = connection.connection.dbapi_connection if quick else None
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout={QUICK_BUSY_TIMEOUT_MS}")
            try:
                try:
                    result = fn(*args, connection=connection, **kwargs)
                finally:  # before the connection can go back to the pool: its usual patience again
                    if raw is not None:
                        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
            return result

    def dispose(self) -> None:
        self.engine.dispose()


def _is_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "busy": another connection holds the write lock."""
    message = str(exc.orig).lower()
    return "locked" in message or "busy" in message


def insert_absent(session: Session | Connection, table: Table, rows: Sequence[Mapping[str, Any]], *,
                  unique: Sequence[str], returning: str = "id") -> list[Any]:
    """Insert the rows whose ``unique`` columns match no stored row; the ``returning`` values of those added.

    ``INSERT … ON CONFLICT (unique) DO NOTHING`` (SQLite and PostgreSQL both have it), one statement per
    :data:`INSERT_CHUNK` rows: a row another transaction or process stored first is skipped by the
    database itself, so no check-then-insert race and no SAVEPOINT.  ``session`` may be an ORM session or
    a Core connection (``Database.run_quick``).
    """
    if not rows:
        return []
    connection = session if isinstance(session, Connection) else session.connection()
    statement = _insert_absent_statement(connection.dialect.name, table, tuple(unique), returning)
    added: list[Any] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        # one compiled statement; SQLAlchemy sends a chunk's rows as one multi-row INSERT ("insertmanyvalues")
        added.extend(connection.execute(statement, list(rows[start:start + INSERT_CHUNK])).scalars())
    return added


@functools.cache
def _insert_absent_statement(dialect: str, table: Table, unique: tuple[str, ...], returning: str) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c[returning])
            .execution_options(insertmanyvalues_page_size=INSERT_CHUNK))
