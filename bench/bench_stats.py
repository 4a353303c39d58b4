"""Benchmark: secretaries' figures over a year of a large deployment, on SQLite and on PostgreSQL.

Seeds 20 branches × 500 members (10,000), 500 meetings with attendance and leave, a year of study
deliveries (one snippet a member a week) and 3.6 million answers, then times, in a fresh process so the
peak memory is the query's own:

    /stats            branch_stats + attendance_warnings for one branch (the whole screen)
    /stats <member>   member_stats for one member
    committee         committee_table + warnings for all 20 branches (what /committee does)
    /export           the ledger workbook of one branch for the year (peak RSS is measured right after it)
    committee export  the committee's workbook over the 20 branches for the year

Targets (issue 10): /stats < 300 ms on SQLite and < 150 ms on PostgreSQL; /export of one branch < 5 s and
< 300 MB.  Also prints the query plans the aggregates rely on.

Run: ``.venv/bin/python bench/bench_stats.py [--answers 3600000] [--only sqlite|postgresql] [--keep]``;
``--keep`` leaves the seeded databases and prints the ``--measure URL`` line that times them again.
PostgreSQL: ``ZHIBU_TEST_PG`` or postgresql://postgres@127.0.0.1:5432/test (a scratch schema is made and dropped).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

BRANCHES, PER_BRANCH, MEETINGS, QUESTIONS_PER_BRANCH, UNITS = 20, 500, 500, 120, 60
YEAR_START = datetime(2025, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
PG_URL = os.environ.get("ZHIBU_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _stamp(value: datetime, sqlite: bool) -> object:
    return value.replace(tzinfo=None).isoformat(sep=" ") if sqlite else value


def seed(db: Database, answers: int) -> None:
    """Bulk-load with the DB-API directly (executemany / COPY): the ORM would take longer than the queries."""
    sqlite = db.dialect == "sqlite"
    rng = random.Random(2026)
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    ph = "?" if sqlite else "%s"

    def many(table: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
        if not rows:
            return
        if sqlite:
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([ph] * len(columns))})",
                            rows)
        else:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)

    def stamp(value: datetime) -> object:
        return _stamp(value, sqlite)

    many("branch", ["id", "key", "name", "invite_code", "active", "created_at"],
         [(b, f"b{b}", f"第{b}党支部", f"code{b}", True, stamp(YEAR_START)) for b in range(1, BRANCHES + 1)])
    members, questions, units = [], [], []
    for b in range(1, BRANCHES + 1):
        for i in range(PER_BRANCH):
            mid = (b - 1) * PER_BRANCH + i + 1
            role = "secretary" if i == 0 else "member"
            standing = "probationary" if i % 10 == 9 else "full"
            members.append((mid, b, 100000 + mid, mid, f"党员{mid}", "zh", role, standing, "active", True,
                            stamp(YEAR_START), stamp(YEAR_START), stamp(YEAR_START)))
        for q in range(QUESTIONS_PER_BRANCH):
            qid = (b - 1) * QUESTIONS_PER_BRANCH + q + 1
            questions.append((qid, b, f"q-{qid}", "single", f"题目{qid}（　）", "[]", '["A"]', "", f"d{q % 6}",
                              f"文件{q % 6}", "原句", "generated", 0.0, "published", False, stamp(YEAR_START), 1))
        for u in range(UNITS):
            uid = (b - 1) * UNITS + u + 1
            units.append((uid, b, f"u-{uid}", f"d{u % 6}", f"第{u}篇", "正文" * 100, u, True))
    many("member", ["id", "branch_id", "tg_user_id", "chat_id", "name", "language", "role", "standing", "status",
                    "reachable", "joined_at", "created_at", "updated_at"], members)
    many("question", ["id", "branch_id", "qkey", "qtype", "stem", "options", "answer", "explanation", "doc_key",
                      "document", "sentence", "origin", "score", "status", "edited", "updated_at", "revision"],
         questions)
    many("studyunit", ["id", "branch_id", "unit_key", "doc_key", "title", "text", "position", "active"], units)
    progress = []
    for mid in range(1, BRANCHES * PER_BRANCH + 1):
        b = (mid - 1) // PER_BRANCH + 1
        for week in range(52):
            delivered = YEAR_START + timedelta(weeks=week, hours=rng.randrange(0, 100))
            read = delivered + timedelta(hours=2) if rng.random() < 0.7 else None
            progress.append((b, mid, (b - 1) * UNITS + week % UNITS + 1, stamp(delivered),
                             stamp(read) if read else None))
    many("studyprogress", ["branch_id", "member_id", "unit_id", "delivered_at", "read_at"], progress)
    del progress
    meetings, attendance, rsvps = [], [], []
    kinds = ["党员大会", "支委会", "党小组会", "党课", "主题党日"]
    for m in range(1, MEETINGS + 1):
        b = (m - 1) % BRANCHES + 1
        start = YEAR_START + timedelta(days=(m - 1) // BRANCHES * 14 + 3, hours=7)
        meetings.append((m, b, f"m{m}", kinds[m % 5], f"第{m}次会议", stamp(start), stamp(start + timedelta(hours=2)),
                         "会议室", "[]", "scheduled", stamp(YEAR_START)))
        for i in range(PER_BRANCH):
            mid = (b - 1) * PER_BRANCH + i + 1
            roll = rng.random()
            if roll < 0.8:
                attendance.append((b, m, mid, stamp(start), "self"))
            elif roll < 0.9:
                rsvps.append((b, m, mid, "leave", "出差", stamp(start - timedelta(days=1))))
    many("meeting", ["id", "branch_id", "key", "kind", "topic", "starts_at", "ends_at", "place", "materials",
                     "status", "created_at"], meetings)
    many("attendance", ["branch_id", "meeting_id", "member_id", "checked_in_at", "method"], attendance)
    many("rsvp", ["branch_id", "meeting_id", "member_id", "response", "reason", "responded_at"], rsvps)
    span = (NOW - YEAR_START).total_seconds()
    batch: list[tuple[object, ...]] = []
    columns = ["branch_id", "member_id", "question_id", "attempt_key", "chosen", "correct", "is_review", "answered_at",
               "revision"]
    for n in range(answers):
        mid = rng.randrange(1, BRANCHES * PER_BRANCH + 1)
        b = (mid - 1) // PER_BRANCH + 1
        qid = (b - 1) * QUESTIONS_PER_BRANCH + rng.randrange(QUESTIONS_PER_BRANCH) + 1
        at = YEAR_START + timedelta(seconds=rng.random() * span)
        batch.append((b, mid, qid, f"a{n}", '["A"]', rng.random() < 0.75, False, stamp(at), 1))
        if len(batch) == 100_000:
            many("quizanswer", columns, batch)
            batch = []
    many("quizanswer", columns, batch)
    raw.commit()
    if not sqlite:
        cur.execute("ANALYZE")
        raw.commit()
    else:
        cur.execute("ANALYZE")
        raw.commit()
    raw.close()


def measure(url: str) -> dict[str, object]:
    """Runs in its own process: time the queries and the export, and report this process's peak RSS."""
    from bot.ledger import write_committee, write_ledger
    from bot.texts import Catalog
    from storage import member_figures, stats
    from storage.committee import committee_table
    from storage.scope import Scope
    from storage.stats import Window

    db = Database(url)
    every = Scope.everything()  # the committee's view: every branch
    tz = ZoneInfo("Asia/Shanghai")
    window_month = Window(datetime(2026, 10, 31, 16, tzinfo=UTC), NOW)
    since = NOW - timedelta(days=90)

    def timed(fn: object, repeat: int = 7) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()  # type: ignore[operator]
            runs.append(time.perf_counter() - start)
        return median(runs) * 1000

    def screen() -> None:
        stats_row = db.call(stats.branch_stats, scope=every, branch_id=7, window=window_month, now=NOW)
        warned = db.call(member_figures.attendance_warnings, scope=every, branch_id=7, since=since, now=NOW)
        assert stats_row.answers > 0 and isinstance(warned, list)

    def member() -> None:
        assert db.call(member_figures.member_stats, scope=every, branch_id=7, member_id=3007, window=Window(None, NOW),
                       now=NOW, tz=tz)

    def committee() -> None:
        db.call(committee_table, scope=every, branch_ids=list(range(1, BRANCHES + 1)), window=window_month, now=NOW)
        for branch_id in range(1, BRANCHES + 1):
            db.call(member_figures.attendance_warnings, scope=every, branch_id=branch_id, since=since, now=NOW)

    result: dict[str, object] = {"stats_ms": timed(screen), "member_ms": timed(member),
                                 "committee_ms": timed(committee, 3)}
    texts = Catalog.load()
    start, cpu = time.perf_counter(), time.process_time()
    out = io.BytesIO()
    counts = db.call(write_ledger, scope=every, branch_id=7, window=Window(YEAR_START, NOW), now=NOW, tz=tz,
                     texts=texts,
                     lang="zh", out=out)
    result["export_s"] = time.perf_counter() - start
    result["export_cpu_s"] = time.process_time() - cpu  # this process only (not the PostgreSQL server)
    result["export_rows"] = sum(counts.values())
    result["export_mb"] = len(out.getvalue()) / 1e6
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    db.call(write_committee, scope=every, branch_ids=list(range(1, BRANCHES + 1)), window=Window(YEAR_START, NOW),
            now=NOW, tz=tz, texts=texts, lang="zh", warn_since=since, out=io.BytesIO())
    result["committee_export_s"] = time.perf_counter() - start
    plans = []
    with db.engine.connect() as connection:
        explain = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
        window_sql = ("SELECT count(*), sum(CASE WHEN correct THEN 1 ELSE 0 END) FROM quizanswer "
                      "WHERE branch_id = 7 AND answered_at >= :s AND answered_at < :e")
        params = {"s": _stamp(window_month.start, db.dialect == "sqlite"),  # type: ignore[arg-type]
                  "e": _stamp(NOW, db.dialect == "sqlite")}
        for row in connection.execute(text(explain + window_sql), params):
            plans.append(" ".join(str(c) for c in row))
    result["plan"] = plans
    db.dispose()
    return result


def run_store(name: str, answers: int, keep: bool = False) -> dict[str, object]:
    if name == "sqlite":
        folder = tempfile.mkdtemp(prefix="zhibu-bench-")
        url = f"sqlite:///{folder}/bench.sqlite3"
        cleanup = None
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    db = Database(url)
    upgrade(db)
    start = time.perf_counter()
    seed(db, answers)
    seeded = time.perf_counter() - start
    db.dispose()
    done = subprocess.run([sys.executable, __file__, "--measure", url], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"measuring {name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["seed_s"] = seeded
    if keep:
        print(f"kept: re-measure with  {sys.argv[0]} --measure '{url}'", file=sys.stderr)
    elif cleanup is not None:
        cleanup()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=3_600_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--measure", help="measure an already seeded database (URL) and print JSON")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases for --measure")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    print(f"{BRANCHES} branches × {PER_BRANCH} members, {MEETINGS} meetings, {args.answers:,} answers, "
          f"{BRANCHES * PER_BRANCH * 52:,} study deliveries")
    print("| store | seed | /stats | /stats <member> | committee (20) | /export one branch | rows | peak RSS "
          "| committee export (20, a year) |")
    print("|---|---|---|---|---|---|---|---|---|")
    plans = {}
    for name in ("sqlite", "postgresql"):
        if args.only and name != args.only:
            continue
        r = run_store(name, args.answers, args.keep)
        plans[name] = r["plan"]
        print(f"| {name} | {r['seed_s']:.0f} s | {r['stats_ms']:.0f} ms | {r['member_ms']:.0f} ms | "
              f"{r['committee_ms']:.0f} ms | {r['export_s']:.2f} s, cpu {r['export_cpu_s']:.2f} s "
              f"({r['export_mb']:.1f} MB) | {r['export_rows']:,} | "
              f"{r['peak_rss_mb']:.0f} MB | {r['committee_export_s']:.2f} s |", flush=True)
    for name, plan in plans.items():
        print(f"\nplan ({name}) for one branch's answers in a month:")
        for line in plan:  # type: ignore[union-attr]
            print("   ", line)


if __name__ == "__main__":
    main()
