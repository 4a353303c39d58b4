"""``Database.run_quick``: SQLite's short transactions on the event loop, a busy file sends them to a worker."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import QUICK_BUSY_TIMEOUT_MS, SQLITE_BUSY_TIMEOUT_MS, Database


def _setup(url: str) -> Database:
    db = Database(url)
    with db.session() as s:
        s.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        s.execute(text("INSERT INTO counter VALUES (0)"))
    return db


def _bump(*, connection: Connection, seen: list[tuple[int, int]]) -> int:
    """Add one to the counter; note the thread it ran on and the busy timeout it ran with."""
    timeout = connection.execute(text("PRAGMA busy_timeout")).scalar_one()
    seen.append((threading.get_ident(), timeout))
    connection.execute(text("UPDATE counter SET n = n + 1"))
    return int(connection.execute(text("SELECT n FROM counter")).scalar_one())


def _busy_timeout(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(text("PRAGMA busy_timeout")).scalar_one())


def test_sqlite_runs_on_the_loop_with_a_short_timeout_and_gives_the_connection_back_patient(sqlite_url: str) -> None:
    db = _setup(sqlite_url)
    seen: list[tuple[int, int]] = []

    async def go() -> int:
        return await db.run_quick(_bump, seen=seen)

    assert asyncio.run(go()) == 1
    assert seen == [(threading.get_ident(), QUICK_BUSY_TIMEOUT_MS)]
    assert _busy_timeout(db) == SQLITE_BUSY_TIMEOUT_MS  # the pooled connection is patient again
    db.dispose()


def test_a_failure_rolls_back_and_restores_the_timeout(sqlite_url: str) -> None:
    db = _setup(sqlite_url)

    def fail(*, connection: Connection) -> None:
        connection.execute(text("UPDATE counter SET n = 99"))
        raise ValueError("boom")

    async def go() -> None:
        await db.run_quick(fail)

    with pytest.raises(ValueError):
        asyncio.run(go())
    with db.session() as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 0
    assert _busy_timeout(db) == SQLITE_BUSY_TIMEOUT_MS
    db.dispose()


def test_a_busy_file_sends_the_transaction_to_a_worker_that_waits(sqlite_url: str) -> None:
    """Another writer holds the file longer than the loop may wait: the answer is still stored, once, by a
    worker thread with the patient timeout, and the loop was not held for the whole wait."""
    db = _setup(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as another process's long transaction would
    release = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    seen: list[tuple[int, int]] = []
    ticks: list[Any] = []

    async def ticker() -> None:
        while True:
            ticks.append(None)
            await asyncio.sleep(0.01)

    async def go() -> int:
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        release.start()
        try:
            return await db.run_quick(_bump, seen=seen)
        finally:
            task.cancel()

    assert asyncio.run(go()) == 1
    release.join()
    holder.close()
    loop_thread = threading.get_ident()
    assert seen[0] == (loop_thread, QUICK_BUSY_TIMEOUT_MS)  # tried on the loop first ...
    assert seen[-1][0] != loop_thread and seen[-1][1] == SQLITE_BUSY_TIMEOUT_MS  # ... then waited on a worker
    assert len(ticks) >= 10  # the loop kept serving while the worker waited
    with db.session() as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 1
    db.dispose()


def test_postgresql_keeps_the_worker_thread(pg_url: str) -> None:
    db = Database(pg_url)
    threads: list[int] = []

    def where(*, connection: Connection) -> int:
        threads.append(threading.get_ident())
        return int(connection.execute(text("SELECT 1")).scalar_one())

    async def go() -> int:
        return await db.run_quick(where)

    assert asyncio.run(go()) == 1
    assert threads and threads[0] != threading.get_ident()
    db.dispose()
