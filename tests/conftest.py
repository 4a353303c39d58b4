"""Shared fixtures: real stores (an SQLite file, and PostgreSQL when it is running) and a driven clock.

Running every migration for every test was the largest fixed cost of the suite (0.2–0.5 s a test, on
~1,000 tests), so ``db_url`` and ``db`` hand out a store that is *already at head*, made from a template
migrated once per test process: a copy of a migrated SQLite file, or on PostgreSQL a fresh private schema
into which the statements a real ``alembic upgrade head`` ran are replayed (tests/storage/test_templates.py
checks that the result equals a migrated schema).  The application still runs ``upgrade`` at start-up; it
finds head and does nothing.  A test about migrating itself is marked ``blank_store`` and gets an empty
store; ``sqlite_url`` and ``pg_url`` are always empty.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from scheduler.clock import FakeClock
from storage.db import Database
from storage.migrate import upgrade

# PTB 22 hands out durations as timedelta when opted in (the future default); zhibu handles both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PG_URL = os.environ.get("ZHIBU_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"),
                               connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL is not reachable at {PG_URL} ({type(exc).__name__}); start it to run these tests"
    return None


_PG_SKIP = _pg_available()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/zhibu.sqlite3"


@contextmanager
def _private_schema() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, as a URL that uses it; dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        # commits need not wait for the WAL flush: a test's data is thrown away
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A private schema per test on the PostgreSQL server, dropped afterwards."""
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    with _private_schema() as url:
        yield url


@pytest.fixture
def other_pg_url(pg_url: str) -> Iterator[str]:
    """A second schema on the same server: another deployment, or another engineer's tests."""
    with _private_schema() as url:
        yield url


# ------------------------------------------------------------------ stores migrated once per process

Replay = list[tuple[str, Any, bool]]
"""What ``alembic upgrade head`` sent to PostgreSQL that changed something: (SQL, parameters, executemany)."""

# what need not be replayed: Alembic's reflection of the catalogue and the start-up advisory lock
_SKIPPED = re.compile(r"^\s*SELECT\b.*\b(pg_catalog|information_schema|pg_advisory_(un)?lock)\b", re.I | re.S)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head, checkpointed so that the file alone holds everything."""
    path = tmp_path_factory.mktemp("template") / "head.sqlite3"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Replay:
    """Migrate one private schema for real and record the statements that built it."""
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    recorded: Replay = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if not _SKIPPED.match(statement):
            recorded.append((statement, parameters, many))

    with _private_schema() as url:
        database = Database(url)
        event.listen(database.engine, "before_cursor_execute", note)
        upgrade(database)
        database.dispose()
    return recorded


def replay(url: str, statements: Replay) -> None:
    """Build the migrated schema in the (empty) schema ``url`` uses, in one transaction."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters, many in statements:
            if many:
                cursor.executemany(statement, parameters)
            elif parameters:
                cursor.execute(statement, parameters)
            else:
                cursor.execute(statement)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on an SQLite file and once on PostgreSQL, the store already migrated to head.

    Marked ``blank_store``, the test gets an empty store instead (for tests of the migrations themselves).
    """
    blank = request.node.get_closest_marker("blank_store") is not None
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        if not blank:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), url.removeprefix("sqlite:///"))
        return url
    url = request.getfixturevalue("pg_url")
    if not blank:
        replay(url, request.getfixturevalue("pg_template"))
    return url


@pytest.fixture
def db(request: pytest.FixtureRequest, db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    if request.node.get_closest_marker("blank_store") is not None:
        upgrade(database)  # a test of the migrations gets them run for real
    yield database
    database.dispose()
