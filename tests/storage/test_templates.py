"""The stores tests get from the templates (tests/conftest.py) are the stores a real migration builds.

``db_url`` copies a migrated SQLite file or replays recorded statements on PostgreSQL instead of
running Alembic for every test; if that ever drifted from ``upgrade head`` (a migration that branches
on what it reads, say), every other test would be testing a schema the product never has.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from storage.db import Database
from storage.migrate import current_revision, head_revision, upgrade
from tests.conftest import Replay, replay

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
_INDEXES = "SELECT indexname, replace(indexdef, :schema || '.', '') FROM pg_indexes WHERE schemaname = :schema"


def _described(items: list[Any]) -> list[str]:
    """Reflected items as sorted text, without the memory addresses of the objects some carry."""
    return sorted(_ADDRESS.sub("", repr(item)) for item in items)


def shape(db: Database) -> dict[str, object]:
    """Tables, columns, keys, indexes, constraints and the rows every table holds."""
    found: dict[str, object] = {}
    inspector = inspect(db.engine)
    with db.engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            found[table] = (
                [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in inspector.get_columns(table)
                ],
                inspector.get_pk_constraint(table),
                _described(inspector.get_foreign_keys(table)),
                _described(inspector.get_indexes(table)),
                _described(inspector.get_unique_constraints(table)),
                _described(inspector.get_check_constraints(table)),
                _described(list(connection.execute(text(f'SELECT * FROM "{table}"')).all())),
            )
        if db.dialect == "postgresql":
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            found["pg_indexes"] = sorted(map(tuple, connection.execute(text(_INDEXES), {"schema": schema}).all()))
    return found


def test_the_sqlite_template_is_a_migrated_file(sqlite_template: Path, tmp_path: Path) -> None:
    migrated = Database(f"sqlite:///{tmp_path}/migrated.sqlite3")
    upgrade(migrated)
    template = Database(f"sqlite:///{sqlite_template}")
    try:
        assert current_revision(template) == head_revision(template)
        assert shape(template) == shape(migrated)
    finally:
        template.dispose()
        migrated.dispose()


def test_a_replayed_postgresql_schema_is_a_migrated_one(pg_template: Replay, pg_url: str, other_pg_url: str) -> None:
    migrated, replayed = Database(pg_url), Database(other_pg_url)
    upgrade(migrated)
    replay(other_pg_url, pg_template)
    try:
        assert current_revision(replayed) == head_revision(replayed)
        assert shape(replayed) == shape(migrated)
    finally:
        migrated.dispose()
        replayed.dispose()


def test_db_url_is_at_head(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert current_revision(db) == head_revision(db)
    finally:
        db.dispose()


@pytest.mark.blank_store
def test_a_blank_store_is_empty(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert current_revision(db) is None
        assert inspect(db.engine).get_table_names() == []
    finally:
        db.dispose()
