"""Migrations: they build the schema the models describe, on both stores, and survive concurrent starts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from bot.bootstrap import bootstrap
from storage.db import Database
from storage.migrate import current_revision, head_revision
from tests import factories

# these tests are about running the migrations: each gets an empty store (tests/conftest.py)
pytestmark = pytest.mark.blank_store


def test_migrations_match_the_models(db: Database) -> None:
    assert current_revision(db) == head_revision(db)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == [], diff


def test_concurrent_bootstraps_do_not_collide(db_url: str, tmp_path: object) -> None:
    settings = factories.settings(tmp_path, database={"url": db_url})  # type: ignore[arg-type]
    errors: list[BaseException] = []

    def start() -> None:
        database = Database(db_url)
        try:
            bootstrap(settings, database, datetime(2026, 3, 20, tzinfo=UTC))
        except BaseException as exc:
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_branches_dropped_from_the_config_stop_taking_members(db_url: str, tmp_path: object) -> None:
    from storage import members as member_store
    from storage import registration
    from storage.registration import NewUser, Outcome

    database = Database(db_url)
    now = datetime(2026, 3, 20, tzinfo=UTC)
    bootstrap(factories.settings(tmp_path), database, now)  # type: ignore[arg-type]
    bootstrap(factories.settings(tmp_path, branches=[  # type: ignore[arg-type]
        {"key": "other", "name": "另一支部", "invite_code": "other-code"}]), database, now)
    with database.session() as session:
        result = registration.register(session=session, user=NewUser(5, "张三"), invite_code=factories.INVITE,
                                       now=now)
        assert result.outcome == Outcome.BAD_CODE
        assert [b.key for b in member_store.list_branches(session=session)] == ["other"]
    database.dispose()
