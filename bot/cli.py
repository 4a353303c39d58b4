"""The ``zhibu`` command line.

    zhibu chat                 the real bot over the offline Bot API, in this terminal
    zhibu run                  the real bot against Telegram (or a self-hosted Bot API server)
    zhibu db upgrade|current   migrations
    zhibu db backup FILE       a consistent copy of the database (PostgreSQL: the pg_dump command)
    zhibu config check         validate the config and say what it holds
    zhibu content build|check|export   the study-material pipeline
    zhibu export|chart --out FILE      a branch's ledger workbook or weekly chart (export --all: the committee's)
    zhibu --version

``--config`` (or ``ZHIBU_CONFIG``) names the YAML; without one the embedded defaults apply.  Every way a
command can end is one line on stderr and an exit code — 2 for a config (or token) problem, 3 when
another ``zhibu run`` already holds the database, 1 for anything else — never a traceback and never the
token (``-v`` logs the traceback, redacted).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.config import (
    ENV_TOKEN,
    ConfigError,
    Settings,
    config_path,
    config_warnings,
    load_settings,
    read_token,
    require_real_branches,
)
from bot.logging_setup import redact

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_ALREADY_RUNNING = 3  # another ``zhibu run`` holds the database: restarting this one will not help
log = logging.getLogger("zhibu")


class DatabaseUnavailable(Exception):
    """The database could not be opened or migrated; the message names it with the password masked."""


def _version() -> str:
    try:
        return version("zhibu")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhibu", description="支部 — a Telegram bot for a Party branch")
    parser.add_argument("--version", action="version", version=f"zhibu {_version()}")
    parser.add_argument("--config", help="YAML config file (default: $ZHIBU_CONFIG, else embedded defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    common = argparse.ArgumentParser(add_help=False)  # the same options, accepted after the sub-command
    common.add_argument("--config", dest="sub_config", help=argparse.SUPPRESS)
    common.add_argument("-v", "--verbose", dest="sub_verbose", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", parents=[common],
                          help="run the bot offline in this terminal (reads lines from stdin)")
    chat.add_argument("--db", help="database URL for the offline session (default: <data_dir>/chat/chat.sqlite3, "
                                   "or <data_dir>/chat-<config>-<hash>/chat.sqlite3 with --config)")
    chat.add_argument("--fresh", action="store_true",
                      help="start from an empty offline session (wipes its folder and its database, --db's too)")
    chat.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'",
                      help="start the driven clock at this local time (configured timezone); default: now")

    sub.add_parser("run", parents=[common], help="migrate the database, then run the bot against the Telegram Bot API")
    sub.add_parser("health", parents=[common],
                   help="exit 0 when the running bot ticked recently (for container health checks)")

    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current", "backup"])
    db.add_argument("file", nargs="?", type=Path, help="backup: the file to write (SQLite)")

    config = sub.add_parser("config", parents=[common], help="configuration")
    config.add_argument("action", choices=["check"])

    from bot import stats_cli
    from content import cli as content_cli

    stats_cli.add_parsers(sub, common)
    content_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # durations from PTB as timedelta (its announced future default) instead of deprecated ints
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    args.config = getattr(args, "sub_config", None) or args.config
    args.verbose = getattr(args, "sub_verbose", False) or args.verbose
    if args.command == "db" and (args.action == "backup") != (args.file is not None):
        parser.error("db backup needs a FILE (and only backup takes one)")
    try:
        return _dispatch(parser, args)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:  # every other ending is one line too; the traceback only with -v
        log.debug("zhibu %s failed", args.command, exc_info=True)
        return _fatal(exc)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from bot.logging_setup import setup_logging

    if args.command == "content":
        from content import cli as content_cli

        path = config_path(args.config)
        if path is None:
            return content_cli.run(args)
        from bot.content_service import branch_build

        return content_cli.run(args, branch_build(load_settings(path), args.branch))
    setup_logging(args.verbose, quiet=args.command != "run")
    path = config_path(args.config)
    settings = load_settings(path)
    if args.command == "config":
        return _config_check(settings)
    if args.command == "db":
        if args.action == "backup":
            return _backup(settings, args.file)
        return _db(settings, args.action)
    if args.command == "run":
        return _run(settings)
    if args.command == "health":
        return _health(settings)
    if args.command == "chat":
        return _chat_command(parser, settings, args, path)
    if args.command in ("export", "chart"):
        from bot import stats_cli

        require_real_branches(settings)
        return stats_cli.run(settings, args)
    parser.error(f"unknown command {args.command}")
    return EXIT_CONFIG


def _fail(message: str, code: int) -> int:
    print(f"zhibu: {redact(' '.join(message.split()))}", file=sys.stderr)
    return code


def _fatal(exc: Exception) -> int:
    """One line for an unexpected ending, worded by what failed."""
    from sqlalchemy.exc import SQLAlchemyError
    from telegram.error import TelegramError

    from bot.runner import AlreadyRunning, StartFailure, TokenRejected

    if isinstance(exc, TokenRejected):
        return _fail(str(exc), EXIT_CONFIG)
    if isinstance(exc, AlreadyRunning):
        return _fail(str(exc), EXIT_ALREADY_RUNNING)
    if isinstance(exc, StartFailure | DatabaseUnavailable):
        return _fail(str(exc), EXIT_FAILURE)
    if isinstance(exc, SQLAlchemyError):
        return _fail(f"database error: {_db_reason(exc)}", EXIT_FAILURE)
    if isinstance(exc, TelegramError):
        return _fail(f"the Bot API refused: {type(exc).__name__}: {exc}", EXIT_FAILURE)
    return _fail(f"stopped by an unexpected error: {type(exc).__name__}: {exc} (run with -v for details)",
                 EXIT_FAILURE)


def _db_reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def _config_check(settings: Settings) -> int:
    require_real_branches(settings)
    token = read_token(settings)
    for warning in config_warnings(settings):
        print(f"warning: {warning}", file=sys.stderr)
    print(f"config ok: {len(settings.branches)} branch(es), {len(settings.meetings)} meeting(s), "
          f"timezone {settings.timezone}, language {settings.language}, database {_safe_url(settings.database_url)}, "
          f"token {'set' if token else 'not set'}")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _run(settings: Settings) -> int:
    """Config, then the token, then the database, then Telegram: each stops the start in one line, and a
    missing token stops it before anything is migrated."""
    from bot.runner import run_bot, sole_process

    require_real_branches(settings)
    token = read_token(settings)
    if token is None:
        raise ConfigError("no bot token: set it in the environment, or name a file with telegram.token_file",
                          key=ENV_TOKEN)
    for warning in config_warnings(settings):
        log.warning("%s", warning)
    with contextlib.ExitStack() as held:
        with _unavailable(settings):  # one process per database, polling or webhook (R2.5)
            held.enter_context(sole_process(settings))
        _db(settings, "upgrade")
        return run_bot(settings, token.get_secret_value())


def _db(settings: Settings, action: str) -> int:

    from storage.db import Database
    from storage.migrate import current_revision, head_revision

    url = _safe_url(settings.database_url)
    with _unavailable(settings):
        db = Database(settings.database_url)
        try:
            if action == "upgrade":
                from bot.bootstrap import bootstrap

                bootstrap(settings, db, datetime.now(UTC))
                print(f"database at revision {current_revision(db)} ({url})")
            else:
                print(f"current {current_revision(db)}, head {head_revision(db)}")
        finally:
            db.dispose()
    return 0


@contextlib.contextmanager
def _unavailable(settings: Settings) -> Iterator[None]:
    """A database that cannot be reached or written, in one line with the password masked."""
    from sqlalchemy.exc import SQLAlchemyError

    url = _safe_url(settings.database_url)
    try:
        yield
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot use the database {url}: {_db_reason(exc)}") from exc
    except OSError as exc:  # an SQLite folder that cannot be created or written
        raise DatabaseUnavailable(f"cannot use the database {url}: {exc.strerror or exc}") from exc


def _backup(settings: Settings, target: Path) -> int:
    from bot.backup import BackupError, backup

    try:
        lines = backup(settings.database_url, target)
    except BackupError as exc:
        return _fail(f"no backup made: {exc}", EXIT_FAILURE)
    for line in lines:
        print(line)
    return 0


def _health(settings: Settings) -> int:
    from scheduler.tick import heartbeat_age

    age = heartbeat_age(settings.data_dir / "heartbeat", datetime.now(UTC))
    limit = 3 * settings.schedule.tick_seconds + 30
    if age is None or age > limit:
        print(f"unhealthy: last tick {'never' if age is None else f'{age:.0f}s ago'} (limit {limit}s)")
        return 1
    print(f"healthy: last tick {age:.0f}s ago")
    return 0


def _chat_command(parser: argparse.ArgumentParser, settings: Settings, args: argparse.Namespace,
                  path: Path | None) -> int:
    from bot.chat_hooks import chat_settings, start_time, wipe

    start = datetime.now(UTC).replace(second=0, microsecond=0)
    if args.at:
        try:
            start = start_time(args.at, settings.tz).astimezone(UTC)
        except ValueError as exc:
            parser.error(f"--at: {exc}")
    settings = chat_settings(settings, args.db, path)
    if args.fresh:
        wipe(settings)
    return asyncio.run(_chat(settings, start))


async def _chat(settings: Settings, start: datetime) -> int:
    from bot.chat_hooks import chat_hooks
    from bot.terminal import run_chat
    from scheduler.clock import FakeClock

    clock = FakeClock(start)
    hooks = chat_hooks(settings, clock)
    return await run_chat(settings, stdin=sys.stdin, stdout=sys.stdout, clock=clock, **hooks)
