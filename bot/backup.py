"""``zhibu db backup FILE``: a consistent copy of the database while the bot keeps running.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page inside one read
transaction, so the copy is consistent even while the bot writes (WAL lets the writer go on); it is
written next to ``FILE`` and renamed into place only when complete, and checked before it is announced.
PostgreSQL: zhibu does not shell out to ``pg_dump`` — the command to run is printed, the URL's password
masked (a backup command lands in shell history and in logs).
"""

from __future__ import annotations

import shlex
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import ConfigError


class BackupError(Exception):
    """Why no backup was made, in one line."""


def backup(url: str, target: Path) -> list[str]:
    """Back the database at ``url`` up to ``target``; returns the lines to print."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return [_sqlite(parsed.database, target)]
    if backend == "postgresql":
        return pg_dump_command(url, target)
    raise ConfigError(f"cannot back up a {backend} database", key="database.url")


def _sqlite(database: str | None, target: Path) -> str:
    if not database or database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    source = Path(database)
    if not source.is_file():
        raise BackupError(f"there is no database at {source} yet (zhibu db upgrade creates it)")
    if target.exists():
        raise BackupError(f"{target} already exists; name a new file")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # all pages in one step: one read transaction, a consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            check = dst.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise BackupError(f"the copy failed its integrity check ({check})")
        partial.replace(target)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return f"backed up {source} to {target} ({target.stat().st_size // 1024} KB)"


def pg_dump_command(url: str, target: Path) -> list[str]:
    """The ``pg_dump`` line for this database: libpq's URL (no SQLAlchemy driver suffix), password masked."""
    parsed = make_url(url).set(drivername="postgresql")
    masked = parsed.render_as_string(hide_password=True)
    note = "zhibu does not run pg_dump itself; run:"
    if parsed.password:
        note = "zhibu does not run pg_dump itself; run this, with the password in place of ***:"
    return [note, f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(masked)}"]
