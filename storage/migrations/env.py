"""Alembic environment: uses the engine handed over by ``storage.migrate`` (or builds one from the URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite(connection: Connection) -> None:
    """SQLite: foreign keys off and one explicit transaction around the whole run, checked before commit.

    Batch mode rebuilds a table by copy, drop and rename; with ``foreign_keys=ON`` (the engine's setting)
    the drop fails as soon as another table's rows point at it, i.e. on every store holding answers.  The
    pragma only takes effect outside a transaction, so it is set first.  pysqlite opens no transaction
    for DDL by itself, which once left a failed migration half applied; the explicit BEGIN makes the run
    all-or-nothing.  ``foreign_key_check`` then refuses to commit rows the new schema orphaned.
    """
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        connection.exec_driver_sql("BEGIN")
        try:
            _run(connection)
            orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if orphans:
                raise RuntimeError(f"migration left rows breaking a FOREIGN KEY: {orphans[:5]}")
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_sqlite(connection)
            return
        _run(connection)
        connection.commit()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
