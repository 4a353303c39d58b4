"""``zhibu db backup FILE``: a consistent SQLite copy while writes go on; for PostgreSQL the pg_dump line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from bot.backup import BackupError, backup
from tests import factories


def _cli(tmp_path: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    config = factories.write_config(tmp_path, factories.config_dict(tmp_path))
    env = {k: v for k, v in os.environ.items() if k not in {"ZHIBU_DATABASE_URL", "ZHIBU_DATA_DIR"}}
    env["ZHIBU_CONFIG"] = str(config)
    if url is not None:
        env["ZHIBU_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)


def test_backup_of_the_bots_database(tmp_path: Path) -> None:
    assert _cli(tmp_path, "db", "upgrade").returncode == 0
    done = _cli(tmp_path, "db", "backup", "copy.sqlite3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backed up {tmp_path}/data/zhibu.sqlite3 to copy.sqlite3 (")
    with closing(sqlite3.connect(tmp_path / "copy.sqlite3")) as copy:
        assert copy.execute("select key from branch").fetchall() == [("csfz",)]
        assert copy.execute("pragma journal_mode").fetchone() == ("delete",)  # one self-contained file
    again = _cli(tmp_path, "db", "backup", "copy.sqlite3")
    assert again.returncode == 1
    assert again.stderr == "zhibu: no backup made: copy.sqlite3 already exists; name a new file\n"


def test_backup_needs_a_file(tmp_path: Path) -> None:
    done = _cli(tmp_path, "db", "backup")
    assert done.returncode == 2 and "db backup needs a FILE" in done.stderr


def test_backup_is_consistent_while_another_connection_writes(tmp_path: Path) -> None:
    """Each write moves one unit between two accounts in one transaction: any consistent copy sums to 0."""
    source = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(source)) as db:
        db.execute("pragma journal_mode=wal")
        db.execute("create table account (id integer primary key, balance integer)")
        db.executemany("insert into account values (?, 0)", [(1,), (2,)])
        db.execute("create table filler (blob text)")
        db.executemany("insert into filler values (?)", [("x" * 2000,)] * 3000)  # enough pages to take a while
        db.commit()
    stop = threading.Event()
    moves = 0

    def writer() -> None:
        nonlocal moves
        with closing(sqlite3.connect(source, timeout=30)) as db:
            while not stop.is_set():
                with db:
                    db.execute("update account set balance = balance - 1 where id = 1")
                    db.execute("update account set balance = balance + 1 where id = 2")
                    db.execute("insert into filler values (?)", ("y" * 500,))
                moves += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for n in range(3):
            target = tmp_path / f"copy{n}.sqlite3"
            backup(f"sqlite:///{source}", target)
            copies.append(target)
    finally:
        stop.set()
        thread.join()
    assert moves > 0
    for target in copies:
        with closing(sqlite3.connect(target)) as copy:
            balances = dict(copy.execute("select id, balance from account").fetchall())
            rows = copy.execute("select count(*) from filler").fetchone()[0]
        assert balances[1] + balances[2] == 0
        assert rows == 3000 - balances[1]  # the filler row of each move came with it, no more, no less
    assert not list(tmp_path.glob("*.partial"))


def test_backup_refuses_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="there is no database at"):
        backup(f"sqlite:///{tmp_path / 'none.sqlite3'}", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "none.sqlite3").exists()  # asking did not create it


def test_postgresql_gets_the_pg_dump_command_with_the_password_masked(tmp_path: Path) -> None:
    done = _cli(tmp_path, "db", "backup", "zhibu.dump", url="postgresql+psycopg://zhibu:hunter2@db.internal:5432/zhibu")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "zhibu does not run pg_dump itself; run this, with the password in place of ***:",
        "pg_dump --format=custom --file=zhibu.dump 'postgresql://zhibu:***@db.internal:5432/zhibu'",
    ]
    assert "hunter2" not in done.stdout + done.stderr
