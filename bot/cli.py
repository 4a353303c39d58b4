"""The ``zhibu`` command line.

    zhibu chat                 the real bot over the offline Bot API, in this terminal
    zhibu run                  the real bot against Telegram (or a self-hosted Bot API server)
    zhibu db upgrade|current   migrations
    zhibu config check         validate the config and say what it holds
    zhibu content build|check|export   the study-material pipeline

``--config`` (or ``ZHIBU_CONFIG``) names the YAML; without one the embedded defaults apply.  A bad
config prints one line naming the key and exits 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.config import ConfigError, Settings, config_path, load_settings, require_real_branches

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhibu", description="支部 — a Telegram bot for a Party branch")
    parser.add_argument("--config", help="YAML config file (default: $ZHIBU_CONFIG, else embedded defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    common = argparse.ArgumentParser(add_help=False)  # the same options, accepted after the sub-command
    common.add_argument("--config", dest="sub_config", help=argparse.SUPPRESS)
    common.add_argument("-v", "--verbose", dest="sub_verbose", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", parents=[common],
                          help="run the bot offline in this terminal (reads lines from stdin)")
    chat.add_argument("--db", help="database URL for the offline session (default: <data_dir>/chat.sqlite3)")
    chat.add_argument("--fresh", action="store_true", help="start from an empty offline database")

    sub.add_parser("run", parents=[common], help="migrate the database, then run the bot against the Telegram Bot API")
    sub.add_parser("health", parents=[common],
                   help="exit 0 when the running bot ticked recently (for container health checks)")

    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current"])

    config = sub.add_parser("config", parents=[common], help="configuration")
    config.add_argument("action", choices=["check"])

    from content import cli as content_cli

    content_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # durations from PTB as timedelta (its announced future default) instead of deprecated ints
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    args.config = getattr(args, "sub_config", None) or args.config
    args.verbose = getattr(args, "sub_verbose", False) or args.verbose
    from bot.logging_setup import setup_logging

    try:
        if args.command == "content":
            from content import cli as content_cli

            return content_cli.run(args)
        settings = load_settings(config_path(args.config))
        if args.command == "config":
            return _config_check(settings)
        if args.command == "db":
            return _db(settings, args.action)
        if args.command == "run":
            setup_logging(args.verbose)
            from bot.runner import run_bot

            require_real_branches(settings)
            _db(settings, "upgrade")  # migrations first: a broken database stops us before Telegram is touched
            return run_bot(settings)
        if args.command == "health":
            return _health(settings)
        if args.command == "chat":
            setup_logging(args.verbose, quiet=True)
            settings = chat_settings(settings, args.db, has_config=config_path(args.config) is not None)
            if args.fresh:
                _wipe(settings)
            return asyncio.run(_chat(settings))
    except ConfigError as exc:
        print(f"zhibu: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_CONFIG


def _config_check(settings: Settings) -> int:
    from bot.config import read_token

    require_real_branches(settings)
    token = read_token(settings)
    print(f"config ok: {len(settings.branches)} branch(es), {len(settings.meetings)} meeting(s), "
          f"timezone {settings.timezone}, language {settings.language}, database {_safe_url(settings.database_url)}, "
          f"token {'set' if token else 'not set'}")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _db(settings: Settings, action: str) -> int:
    from storage.db import Database
    from storage.migrate import current_revision, head_revision

    db = Database(settings.database_url)
    try:
        if action == "upgrade":
            from bot.bootstrap import bootstrap

            bootstrap(settings, db, datetime.now(UTC))
            print(f"database at revision {current_revision(db)} ({_safe_url(settings.database_url)})")
        else:
            print(f"current {current_revision(db)}, head {head_revision(db)}")
        return 0
    finally:
        db.dispose()


def _health(settings: Settings) -> int:
    from scheduler.tick import heartbeat_age

    age = heartbeat_age(settings.data_dir / "heartbeat", datetime.now(UTC))
    limit = 3 * settings.schedule.tick_seconds + 30
    if age is None or age > limit:
        print(f"unhealthy: last tick {'never' if age is None else f'{age:.0f}s ago'} (limit {limit}s)")
        return 1
    print(f"healthy: last tick {age:.0f}s ago")
    return 0


def chat_settings(settings: Settings, db_url: str | None, *, has_config: bool) -> Settings:
    """The offline session keeps its own folder (database, uploads, downloads) under ``<data_dir>/chat`` so a
    demo never mixes with a real branch's data."""
    data_dir = settings.data_dir / "chat"
    url = db_url or f"sqlite:///{(data_dir / 'chat.sqlite3').as_posix()}"
    update: dict[str, object] = {"data_dir": data_dir,
                                 "database": settings.database.model_copy(update={"url": url})}
    if not has_config:  # the demo publishes verified questions at once
        update["content"] = settings.content.model_copy(update={"auto_publish": True})
    return settings.model_copy(update=update)


def _wipe(settings: Settings) -> None:
    """``--fresh``: forget the previous offline session (its database, uploads and downloads)."""
    if settings.data_dir.name == "chat":
        shutil.rmtree(settings.data_dir, ignore_errors=True)


async def _chat(settings: Settings) -> int:
    from bot.chat import run_chat
    from bot.offline_chat import chat_hooks
    from scheduler.clock import FakeClock

    clock = FakeClock(datetime.now(UTC).replace(second=0, microsecond=0))
    hooks = chat_hooks(settings, clock)
    return await run_chat(settings, stdin=sys.stdin, stdout=sys.stdout, clock=clock, **hooks)
