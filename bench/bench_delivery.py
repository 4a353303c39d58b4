"""Benchmark: one reminder to 10,000 members through zhibu's sender, PTB's AIORateLimiter and a plain loop.

The Bot API is a fake server in its own process (the offline Bot API behind HTTP, plus what a benchmark
needs): it answers after 100 ms ± 30 ms, admits at most 30 messages in any second, one per chat per
second and twenty per group per minute — refusing the excess with 429 ``retry_after`` like Telegram,
counted as *our own pacing's* 429s — and on top injects 5 % random 429s and 1 % timeouts (the message
is accepted, or not, half the time each, and the answer never comes).  It records every accepted
message with its arrival time, so the figures are what Telegram would have seen:

* rate ÷ ceiling — accepted fan-out messages per second between the first and last arrival, over the
  configured ceiling (25/s);  makespan ÷ ideal — start to last arrival, over rows ÷ ceiling;
* 429s from our own pacing; the most fan-out messages in any one-second window (ceiling 25, Telegram 30);
* duplicates (a member who got it twice — allowed only for rows the sender marked uncertain) and losses;
* p95 latency of interactive replies sent during the fan-out (one every 0.25 s, not through the bulk
  limiter, to chats outside the fan-out) over the same p95 measured idle just before.

Then ``--trials`` times: a real ``zhibu run`` process (the product's command line, with a reminder-like
kind added: ``tests/scheduler/run_with_kind.py``) sends ``--kill-rows`` reminders, is killed with
SIGKILL at a random point of its fan-out, restarted, and left to finish; duplicates and losses counted.

Run from the repository root::

    .venv/bin/python bench/bench_delivery.py            # 10,000 rows; comparisons on 2,000; 20 kill trials of 500
    .venv/bin/python bench/bench_delivery.py --quick    # 1,000 rows; comparisons on 300; 5 kill trials
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlmodel import select  # noqa: E402
from telegram import Bot  # noqa: E402
from telegram.error import RetryAfter, TelegramError  # noqa: E402
from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bench.bench_telegram import FIRST_MEMBER, GROUP, INTERACTIVE, INTERACTIVE_CHATS, TOKEN  # noqa: E402
from bench.delivery_figures import (  # noqa: E402
    LoopLag,
    PassLog,
    Result,
    describe_busiest,
    describe_delays,
    describe_excess,
    describe_handler_lag,
    describe_refusals,
    figures,
    p95,
    table,
)
from scheduler import outbox  # noqa: E402
from scheduler import request as request_module  # noqa: E402
from scheduler.clock import SystemClock  # noqa: E402
from scheduler.ratelimit import DEFAULT_CEILING, SendRateLimiter  # noqa: E402
from scheduler.request import retry_seconds  # noqa: E402
from scheduler.tick import drain  # noqa: E402
from storage import members as member_store  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Delivery, DeliveryState  # noqa: E402
from tests.scheduler.run_with_kind import DRILL, KIND  # noqa: E402

# --------------------------------------------------------------------------- the client side


class Server:
    """The fake Telegram as a subprocess, and a client for its statistics."""

    def __init__(self, members: int) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.members = members
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "bench_telegram.py"), "--port", str(self.port),
            "--members", str(self.members),
            stdout=asyncio.subprocess.PIPE)
        assert self.proc.stdout is not None
        await asyncio.wait_for(self.proc.stdout.readline(), 120)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()

    async def call(self, method: str, **params: Any) -> Any:
        async with httpx.AsyncClient(timeout=60) as client:
            response = await client.post(f"{self.base_url}{TOKEN}/{method}", json=params)
        return response.json()["result"]


def _bot(server: Server, *, limited: bool = False) -> Bot:
    request = HTTPXRequest(connection_pool_size=64, read_timeout=5.0)
    if limited:
        return ExtBot(TOKEN, base_url=server.base_url, request=request, rate_limiter=AIORateLimiter(max_retries=3))
    return Bot(TOKEN, base_url=server.base_url, request=request)


async def _probe(bot: Bot, until: Callable[[], bool], samples: list[float]) -> None:
    """An interactive reply every 0.25 s (not through the bulk limiter), timed request to answer."""
    n = 0
    while not until():
        start = time.perf_counter()
        try:
            await bot.send_message(INTERACTIVE + n % INTERACTIVE_CHATS, "收到")
            samples.append(time.perf_counter() - start)
        except TelegramError:
            pass
        n += 1
        await asyncio.sleep(max(0.0, 0.25 - (time.perf_counter() - start)))


async def _idlep95(bot: Bot, seconds: float) -> float:
    samples: list[float] = []
    end = time.monotonic() + seconds
    await _probe(bot, lambda: time.monotonic() > end, samples)
    return p95(samples)


def _prepare(url: str, chats: list[int]) -> Database:
    db = Database(url)
    upgrade(db)
    now = SystemClock().now()
    with db.session() as s:
        branch = member_store.ensure_branch(session=s, key="bench", name="基准支部", invite_code="bench",
                                           group_chat_id=GROUP, now=now)
        assert branch.id is not None
        for chat in chats:
            outbox.enqueue(session=s, branch_id=branch.id, kind=KIND, dedup_key=f"r:{chat}", chat_id=chat,
                           due_at=now, now=now)
    return db


def _unfinished(db: Database) -> int:
    with db.session() as s:
        rows = s.exec(select(Delivery).where(Delivery.state.in_([  # type: ignore[attr-defined]
            DeliveryState.PENDING, DeliveryState.CLAIMED, DeliveryState.UNCERTAIN]))).all()
        return sum(1 for r in rows if r.state != DeliveryState.UNCERTAIN or r.attempts < DRILL.policy.max_attempts)


def _uncertain(db: Database) -> set[int]:
    with db.session() as s:
        return {r.chat_id for r in s.exec(select(Delivery).where(Delivery.uncertain_at.is_not(None))).all()}  # type: ignore[union-attr]


class _LoggedLimiter(SendRateLimiter):
    """zhibu's limiter, noting the wall-clock moment each request passes (the server stamps arrivals so)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.log = PassLog()
        self.prepares: list[float] = []

    async def acquire(self, chat_id: int, prepare: Callable[[], Awaitable[bool]] | None = None,
                      follow: bool = True) -> bool:
        timed = prepare
        if prepare is not None:
            async def timed_prepare() -> bool:  # how long recording the attempt takes inside the gate
                begun = time.monotonic()
                try:
                    return await prepare()
                finally:
                    self.prepares.append(time.monotonic() - begun)
            timed = timed_prepare
        passed = await super().acquire(chat_id, timed, follow)
        if passed:
            self.log.passed(chat_id, time.time() - (time.monotonic() - self.last_passed))
        return passed


def _log_writes(log: PassLog) -> Callable[[], None]:
    """Note, beside each pass, when the request's body was written (httpcore's trace); returns the undo."""
    product_trace = request_module._trace

    async def trace(event: str, info: dict[str, Any]) -> None:
        await product_trace(event, info)
        if event.endswith("send_request_body.complete"):
            gate = request_module._GATE.get()
            if gate is not None:
                log.written(gate.chat_id, time.time())

    request_module._trace = trace  # type: ignore[assignment]

    def undo() -> None:
        request_module._trace = product_trace  # type: ignore[assignment]
    return undo


async def run_zhibu(server: Server, chats: list[int], workdir: Path) -> Result:
    db = _prepare(f"sqlite:///{workdir}/zhibu-fanout.sqlite3", [*chats, GROUP])
    bot = _bot(server)
    await bot.initialize()
    idle = await _idlep95(bot, 8.0)
    await server.call("benchStats", reset=1)
    limiter = _LoggedLimiter.under_ceiling(DEFAULT_CEILING)
    undo = _log_writes(limiter.log)
    started = time.time()
    done = False
    samples: list[float] = []
    probe = asyncio.create_task(_probe(bot, lambda: done, samples))
    lag, paused = LoopLag(), 0
    lag.start()
    for _ in range(20):  # each drain settles uncertain rows first (the reminder resends them), as a tick does
        report = await drain(bot=bot, db=db, clock=SystemClock(), limiter=limiter, worker="bench", kinds={KIND: DRILL})
        paused += report.send.paused
        if not _unfinished(db):
            break
    done = True
    lag.stop()
    await probe
    stats = await server.call("benchStats", reset=1)
    undo()
    uncertain = _uncertain(db)
    await bot.shutdown()
    db.dispose()
    result = figures("zhibu sender", [*chats, GROUP], stats, started, p95(samples), idle, uncertain)
    print(describe_excess(result, lag, paused) + f"; passes moved past a stall {limiter.restamped}", flush=True)
    bulk = [(t, c) for t, c in stats["accepted"] if c < INTERACTIVE]
    print(describe_delays(limiter.log.delays(bulk)), flush=True)
    print(describe_refusals(stats["refusals"]), flush=True)
    passes = sorted(t for times in limiter.log.passes.values() for t in times)
    if len(passes) > 100:
        low, high = passes[len(passes) // 100], passes[len(passes) * 99 // 100]
        gaps = sum(b - a for a, b in itertools.pairwise(passes) if b - a > 2.5 * limiter.interval)
        print(f"passes: {len(passes)}, {(len(passes) * 98 // 100) / (high - low):.2f}/s between the 1st and 99th "
              f"percentile (designed {limiter.per_second:.2f}/s); gaps over 2.5 intervals {gaps:.2f} s", flush=True)
    prepares = sorted(limiter.prepares)
    if prepares:
        print(f"recording the attempt inside the gate (ms): p50 {prepares[len(prepares) // 2] * 1000:.1f}, "
              f"p90 {prepares[len(prepares) * 9 // 10] * 1000:.1f}, "
              f"p99 {prepares[len(prepares) * 99 // 100] * 1000:.1f}, "
              f"max {prepares[-1] * 1000:.1f}; longer than the limiter's lead "
              f"({limiter.lead * 1000:.0f} ms): {sum(1 for d in prepares if d > limiter.lead)} of {len(prepares)}",
              flush=True)
    print(describe_handler_lag(stats), flush=True)
    print(describe_busiest(bulk, limiter.log, int(DEFAULT_CEILING)), flush=True)
    return result


async def _send_all(bot: Bot, chats: list[int], loop_style: bool) -> None:
    async def one(chat: int) -> None:
        for _ in range(5):
            try:
                await bot.send_message(chat, "提醒：支部党员大会明天 09:00 开始")
                return
            except RetryAfter as exc:  # the loop honours Telegram's wait; the limiter retried already
                if not loop_style:
                    return
                await asyncio.sleep(retry_seconds(exc))
            except TelegramError:
                return

    if loop_style:
        for chat in chats:
            await one(chat)
    else:
        await asyncio.gather(*(one(chat) for chat in chats))


async def run_baseline(server: Server, chats: list[int], name: str) -> Result:
    limited = name.startswith("PTB")
    bot = _bot(server, limited=limited)
    await bot.initialize()
    idle = await _idlep95(bot, 8.0)
    await server.call("benchStats", reset=1)
    started = time.time()
    done = False
    samples: list[float] = []
    probe = asyncio.create_task(_probe(bot, lambda: done, samples))
    await _send_all(bot, [*chats, GROUP], loop_style=not limited)
    done = True
    await probe
    stats = await server.call("benchStats", reset=1)
    await bot.shutdown()
    result = figures(name, [*chats, GROUP], stats, started, p95(samples), idle, None)
    print(describe_excess(result), flush=True)
    return result


# --------------------------------------------------------------------------- kill -9 trials


async def _zhibu_run(workdir: Path, server: Server) -> asyncio.subprocess.Process:
    config = workdir / "config.yaml"
    config.write_text(json.dumps({
        "data_dir": str(workdir / "data"),
        "telegram": {"base_url": server.base_url, "base_file_url": server.base_url.replace("/bot", "/file/bot")},
        "schedule": {"tick_seconds": 5},
        "branches": [{"key": "bench", "name": "基准支部", "invite_code": "bench", "secretaries": [1]}],
    }), encoding="utf-8")
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
    with (workdir / "run.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.scheduler.run_with_kind", "run",
                                                    env=env, cwd=workdir, stdout=log, stderr=asyncio.subprocess.STDOUT)


async def _wait(predicate: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while not await predicate():
        if time.monotonic() > end:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def kill_trial(server: Server, rows: int, workdir: Path, rng: random.Random) -> tuple[int, int, bool, int]:
    """One trial: (duplicates, losses, duplicates only among uncertain rows, rows marked uncertain)."""
    chats = list(range(FIRST_MEMBER, FIRST_MEMBER + rows))
    first = await _zhibu_run(workdir, server)
    db_file = workdir / "data" / "zhibu.sqlite3"
    polls = (await server.call("benchStats"))["polls"]

    async def started() -> bool:
        return (await server.call("benchStats"))["polls"] > polls

    await _wait(started, 120, "zhibu run to start")
    await server.call("benchStats", reset=1)
    db = Database(f"sqlite:///{db_file}")
    now = SystemClock().now()
    with db.session() as s:
        branch = member_store.branch_by_key(session=s, key="bench")
        assert branch is not None and branch.id is not None
        for chat in chats:
            outbox.enqueue(session=s, branch_id=branch.id, kind=KIND, dedup_key=f"r:{chat}", chat_id=chat,
                           due_at=now, now=now)
    kill_at = int(rows * rng.uniform(0.05, 0.95))

    async def far_enough() -> bool:
        return int(await server.call("benchCount")) >= kill_at

    await _wait(far_enough, 600, "the fan-out to reach the kill point")
    first.kill()
    await first.wait()
    second = await _zhibu_run(workdir, server)

    async def finished() -> bool:
        return _unfinished(db) == 0

    await _wait(finished, 900, "the restarted process to finish")
    second.send_signal(signal.SIGTERM)
    await second.wait()
    stats = await server.call("benchStats", reset=1)
    per_chat = Counter(c for _, c in stats["accepted"] if FIRST_MEMBER <= c < INTERACTIVE)
    uncertain = _uncertain(db)
    db.dispose()
    duplicated = {c for c, n in per_chat.items() if n > 1}
    return (sum(per_chat[c] - 1 for c in duplicated), sum(1 for c in chats if per_chat[c] == 0),
            duplicated <= uncertain, len(uncertain))


# --------------------------------------------------------------------------- main


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    server = Server(max(args.rows, args.kill_rows, args.compare_rows))
    await server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="zhibu-bench-") as tmp:
            workdir = Path(args.workdir or tmp)
            await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
            results: list[Result] = []
            parts = set(args.parts.split(","))
            if "fanout" in parts:
                results.append(await run_zhibu(server, list(range(FIRST_MEMBER, FIRST_MEMBER + args.rows)), workdir))
                print(table(results), flush=True)
            compare = list(range(FIRST_MEMBER, FIRST_MEMBER + args.compare_rows))
            for name in ("PTB AIORateLimiter", "plain loop") if "compare" in parts else ():
                results.append(await run_baseline(server, compare, name))
                print(table(results[-1:]).splitlines()[-1], flush=True)
            trials = []
            for trial in range(args.trials if "kill" in parts else 0):
                trial_dir = workdir / f"trial{trial}"
                trial_dir.mkdir()
                trials.append(await kill_trial(server, args.kill_rows, trial_dir, rng))
                print(f"kill trial {trial + 1}: duplicates {trials[-1][0]}, lost {trials[-1][1]}, "
                      f"duplicates only among uncertain rows: {trials[-1][2]}, uncertain rows {trials[-1][3]}",
                      flush=True)
    finally:
        await server.stop()
    print()
    print(table(results))
    if trials:
        print(f"\nkill -9 mid fan-out, {len(trials)} trials of {args.kill_rows:,} rows: duplicates "
              f"{sum(t[0] for t in trials)} (only among uncertain rows: {all(t[2] for t in trials)}), "
              f"lost {sum(t[1] for t in trials)}, rows marked uncertain {sum(t[3] for t in trials)}")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 rows, comparisons on 300, 5 kill trials")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--compare-rows", type=int)
    parser.add_argument("--kill-rows", type=int)
    parser.add_argument("--trials", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workdir", help="keep databases and zhibu run logs here (default: a temporary folder)")
    parser.add_argument("--parts", default="fanout,compare,kill", help="which parts to run (comma-separated)")
    args = parser.parse_args()
    quick = {"rows": 1_000, "compare_rows": 300, "kill_rows": 300, "trials": 5}
    full = {"rows": 10_000, "compare_rows": 2_000, "kill_rows": 500, "trials": 20}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


if __name__ == "__main__":
    asyncio.run(main(_args()))
