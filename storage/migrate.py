"""Alembic, driven from code so ``zhibu db upgrade`` needs no alembic.ini next to the database.

The bot runs ``upgrade`` on every start: a deployer who pulls a new image gets the schema it needs.  On
PostgreSQL several processes may start at once (webhook workers behind a load balancer), so the upgrade
and the start-up sync run under a session-level advisory lock: the second process waits, then finds the
revision applied and the rows present.  On an SQLite file the same role is played by an exclusive
``flock`` on a lock file beside the database (Alembic's first CREATE TABLE is not safe to race).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
STARTUP_LOCK_KEY = 0x7A686931  # "zhi1": one process at a time migrates and syncs the config


@contextmanager
def startup_lock(db: Database) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock, or an SQLite file's lock file, for the block."""
    if db.dialect == "sqlite":
        database = db.engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with Path(f"{database}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": STARTUP_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": STARTUP_LOCK_KEY})
            connection.commit()


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    cfg.attributes["engine"] = db.engine
    return cfg


def upgrade(db: Database, revision: str = "head", *, lock: bool = True) -> None:
    """Migrate to ``revision``; ``lock=False`` when the caller already holds :func:`startup_lock`."""
    if lock:
        with startup_lock(db):
            command.upgrade(alembic_config(db), revision)
    else:
        command.upgrade(alembic_config(db), revision)


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(db: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()
