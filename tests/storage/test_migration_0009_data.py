"""0009 on a store that already holds answers and review cards (every live install), both ways.

On SQLite the batch recreation of ``question`` drops the old table while ``quizanswer`` and ``reviewitem``
rows point at it; with the engine's ``foreign_keys=ON`` that used to fail half-way and leave the file stuck.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from storage.db import Database
from storage.migrate import alembic_config, current_revision, head_revision, upgrade

_ROWS = [
    "INSERT INTO branch (id, key, name, invite_code, created_at, active) "
    "VALUES (1, 'b', '支部', 'code', '2026-03-01 00:00:00', TRUE)",
    "INSERT INTO member (id, branch_id, tg_user_id, name, language, role, standing, status, reachable, "
    "created_at, updated_at, push_paused) VALUES (1, 1, 42, '张三', 'zh', 'MEMBER', 'FULL', 'ACTIVE', TRUE, "
    "'2026-03-01 00:00:00', '2026-03-01 00:00:00', FALSE)",
    "INSERT INTO question (id, branch_id, qkey, qtype, stem, options, answer, explanation, doc_key, document, "
    "sentence, origin, score, status, edited, updated_at) VALUES (7, 1, 'q7', 'SINGLE', '题干', '[\"甲\", \"乙\"]', "
    "'[0]', '解析', 'd', '文件', '原句', 'GENERATED', 1.0, 'PUBLISHED', FALSE, '2026-03-01 00:00:00')",
    "INSERT INTO quizanswer (id, branch_id, member_id, question_id, attempt_key, chosen, correct, is_review, "
    "answered_at) VALUES (1, 1, 1, 7, 'k1', '[0]', TRUE, FALSE, '2026-03-02 00:00:00')",
    "INSERT INTO reviewitem (id, branch_id, member_id, question_id, streak, lapses, due_at, fsrs_state, reps, "
    "in_wrongbook) VALUES (1, 1, 1, 7, 1, 0, '2026-03-05 00:00:00', 2, 1, FALSE)",
]

# the store starts empty and is migrated step by step here (tests/conftest.py)
pytestmark = pytest.mark.blank_store


@pytest.fixture
def at_0008(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    upgrade(database, "0008")
    with database.engine.begin() as connection:
        for statement in _ROWS:
            connection.execute(text(statement))
    yield database
    database.dispose()


def _data(connection: Connection) -> tuple[object, ...]:
    return (
        connection.execute(text("SELECT id, stem FROM question")).all(),
        connection.execute(text("SELECT id, question_id, correct FROM quizanswer")).all(),
        connection.execute(text("SELECT id, question_id, reps FROM reviewitem")).all(),
    )


def test_0009_upgrades_and_downgrades_a_store_holding_answers(at_0008: Database) -> None:
    with at_0008.engine.connect() as connection:
        before = _data(connection)
    upgrade(at_0008, "0009")
    assert current_revision(at_0008) == "0009"
    with at_0008.engine.connect() as connection:
        assert _data(connection) == before
        assert connection.execute(text("SELECT revision FROM question")).scalar_one() == 1
        assert connection.execute(text("SELECT revision FROM quizanswer")).scalar_one() == 1
        if at_0008.dialect == "sqlite":  # the app's connections keep enforcing foreign keys afterwards
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    command.downgrade(alembic_config(at_0008), "0008")
    assert current_revision(at_0008) == "0008"
    with at_0008.engine.connect() as connection:
        assert _data(connection) == before
        assert "revision" not in {c["name"] for c in inspect(connection).get_columns("question")}
        assert "questionrevision" not in inspect(connection).get_table_names()
    upgrade(at_0008, "0009")
    assert current_revision(at_0008) == "0009"
    upgrade(at_0008)  # and on to the head (0010: quizsession.shown_at), down and up again, data kept
    command.downgrade(alembic_config(at_0008), "0009")
    upgrade(at_0008)
    assert current_revision(at_0008) == head_revision(at_0008)
    with at_0008.engine.connect() as connection:
        assert _data(connection) == before


def test_a_failed_sqlite_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    """A migration that fails part-way on SQLite rolls back its DDL, so the next start runs it afresh."""
    database = Database(f"sqlite:///{tmp_path / 'half.db'}")
    upgrade(database, "0008")
    with database.engine.begin() as connection:
        for statement in _ROWS:
            connection.execute(text(statement))
    # an answer pointing at no question (written by hand with the checks off): the migration's final
    # foreign-key check refuses it, and the file must be left at 0008 with nothing of 0009 in it
    raw = sqlite3.connect(tmp_path / "half.db")
    raw.execute("INSERT INTO quizanswer (id, branch_id, member_id, question_id, attempt_key, chosen, correct, "
                "is_review, answered_at) VALUES (2, 1, 1, 999, 'k2', '[0]', 1, 0, '2026-03-02 00:00:00')")
    raw.commit()
    raw.close()
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        upgrade(database, "0009")
    assert current_revision(database) == "0008"
    with database.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert "questionrevision" not in tables
        assert not any(name.startswith("_alembic_tmp") for name in tables)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM quizanswer WHERE id = 2"))
    upgrade(database, "0009")
    assert current_revision(database) == "0009"
    database.dispose()


def test_a_half_done_0009_from_an_older_build_is_finished(tmp_path: Path) -> None:
    """The state the old 0009 left behind (new table and a temp copy made, version still 0008) upgrades."""
    database = Database(f"sqlite:///{tmp_path / 'stuck.db'}")
    upgrade(database, "0008")
    with database.engine.begin() as connection:
        for statement in _ROWS:
            connection.execute(text(statement))
        connection.execute(text(
            "CREATE TABLE questionrevision (id INTEGER NOT NULL PRIMARY KEY, question_id INTEGER NOT NULL, "
            "revision INTEGER NOT NULL, stem TEXT NOT NULL, options JSON NOT NULL, answer JSON NOT NULL, "
            "explanation TEXT NOT NULL, replaced_by BIGINT, replaced_at DATETIME NOT NULL, "
            "FOREIGN KEY(question_id) REFERENCES question (id), "
            "CONSTRAINT uq_revision_question_number UNIQUE (question_id, revision))"))
        connection.execute(text("CREATE INDEX ix_questionrevision_question_id ON questionrevision (question_id)"))
        connection.execute(text("ALTER TABLE question ADD COLUMN revision INTEGER DEFAULT '1' NOT NULL"))
        connection.execute(text("ALTER TABLE quizanswer ADD COLUMN revision INTEGER DEFAULT '1' NOT NULL"))
        connection.execute(text("CREATE TABLE _alembic_tmp_question (id INTEGER NOT NULL PRIMARY KEY)"))
    upgrade(database, "0009")
    assert current_revision(database) == "0009"
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT revision FROM quizanswer")).scalar_one() == 1
        assert "_alembic_tmp_question" not in inspect(connection).get_table_names()
    database.dispose()
