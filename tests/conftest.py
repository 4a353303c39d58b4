"""Shared fixtures: real stores (an SQLite file, and PostgreSQL when it is running) and a driven clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on an SQLite file and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return request.getfixturevalue(name)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    upgrade(database)
    yield database
    database.dispose()
