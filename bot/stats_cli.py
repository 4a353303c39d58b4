"""``zhibu chart`` and ``zhibu export`` — the same chart and ledgers as in chat, written to a file.

::

    zhibu export --out FILE [--branch KEY] [--period month|week|YYYY-MM|all]   one branch's ledger workbook
    zhibu export --out FILE --all [--period …]                                the committee's workbook
    zhibu chart  --out FILE [--branch KEY] [--period …]                        the weekly PNG

For a secretary or a committee office that wants the file on a shared drive every month (a cron line),
without opening Telegram.  ``--branch`` defaults to the only branch when there is one.  Errors are one
line and exit 2 (a bad branch or period), like every other ``zhibu`` command.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.stats_view import Period
from bot.texts import Catalog
from storage.db import Database
from storage.models import Branch
from storage.scope import Scope
from storage.stats import Window


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    for name, helptext in (("export", "write the ledger workbook (.xlsx) of a branch, or --all branches"),
                           ("chart", "write the weekly participation chart (.png) of a branch")):
        parser = sub.add_parser(name, parents=[common], help=helptext)
        parser.add_argument("--out", type=Path, required=True, help="the file to write")
        parser.add_argument("--branch", help="branch key (default: the only branch)")
        parser.add_argument("--period", default="month", help="week | month | YYYY-MM | all (default: month)")
        if name == "export":
            parser.add_argument("--all", action="store_true", help="every branch side by side (committee)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import bootstrap
    from bot.stats_view import PeriodNotStarted, parse_period
    from storage import members as member_store

    now = datetime.now(UTC)
    try:
        period = parse_period(args.period, now, settings.tz)
    except PeriodNotStarted as exc:  # a month ahead: refused, as /stats refuses it (trial T23)
        raise ConfigError(f"{args.period!r} has not started yet", key="--period") from exc
    if period is None:
        raise ConfigError(f"{args.period!r} is not a period (week, month, YYYY-MM or all)", key="--period")
    texts = Catalog.load(default=settings.language)
    lang = settings.language
    db = Database(settings.database_url)
    try:
        bootstrap(settings, db, now)
        branches = db.call(member_store.list_branches)
        if args.command == "export" and args.all:
            ids = [b.id for b in branches if b.id is not None]
            data = _committee(db, settings, texts, lang, ids, period.window, now)
        else:
            chosen = [b for b in branches if args.branch in (None, b.key)]
            if len(chosen) != 1 or chosen[0].id is None:
                keys = ", ".join(b.key for b in branches)
                raise ConfigError(f"name one branch with --branch (one of: {keys})", key="--branch")
            data = (_ledger(db, settings, texts, lang, chosen[0].id, period.window, now) if args.command == "export"
                    else _chart(db, settings, texts, lang, chosen[0], period, now))
    finally:
        db.dispose()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def _ledger(db: Database, settings: Settings, texts: Catalog, lang: str, branch_id: int, window: Window,
            now: datetime) -> bytes:
    from bot.ledger import write_ledger

    out = io.BytesIO()
    db.call(write_ledger, scope=Scope.everything(), branch_id=branch_id, window=window, now=now, tz=settings.tz,
            texts=texts, lang=lang,
            out=out)
    return out.getvalue()


def _committee(db: Database, settings: Settings, texts: Catalog, lang: str, ids: list[int], window: Window,
               now: datetime) -> bytes:
    from bot.ledger import write_committee

    out = io.BytesIO()
    since = now - timedelta(days=30 * settings.schedule.inactivity_months)
    db.call(write_committee, scope=Scope.everything(), branch_ids=ids, window=window, now=now, tz=settings.tz,
            texts=texts, lang=lang,
            warn_since=since, out=out)
    return out.getvalue()


def _chart(db: Database, settings: Settings, texts: Catalog, lang: str, branch: Branch, period: Period,
           now: datetime) -> bytes:
    from bot.charts import branch_chart

    assert branch.id is not None
    return db.call(branch_chart, scope=Scope.everything(), branch_id=branch.id, branch_name=branch.name,
                   period=period, now=now,
                   tz=settings.tz, texts=texts, lang=lang)
