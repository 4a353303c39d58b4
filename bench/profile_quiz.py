"""Where one quiz answer's CPU goes: ``bench_quiz``'s run with a few wrappers timing (CPU, this process) the
layers of each timed feed, for the quiz bot and for the bare same-traffic bot side by side.

    parse     PTB's ``Update.de_json`` (a tap's update carries its whole message and keyboard)
    calls     Bot API calls: PTB builds the request, the offline server answers (``server``, shown apart),
              PTB parses the returned ``Message``
    database  ``Database._call_core``: one transaction (SQLAlchemy Core, sqlite3, zhibu's store code);
              ``sqlalchemy`` is the time inside ``Connection.execute`` / ``commit`` / ``connect`` / ``close``
    rest      the remainder of PTB's dispatch: the handler list's checks and zhibu's own code outside the
              database — ``persistence`` (the flow store written through after each update), ``caller``
              (who is speaking, cached), ``rendering`` (the quiz's texts and keyboards) shown apart
    harness   the offline session's feed around it (``settle``: waiting for the tasks an update started)

Wrappers, not a profiler: a tracing profiler inflates PTB's many small calls several times over, so its
shares mislead; these wrappers run a few times a feed.  ``--cprofile FILE`` also writes a cProfile of the
quiz bot's feeds, and prints its self time by library (inflated, for orientation only).
Run: ``.venv/bin/python bench/profile_quiz.py [--answers 400]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import pstats
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_quiz
from sqlalchemy.engine import Connection, Engine
from telegram import Update
from telegram.ext import Application, ExtBot

from bot import commands
from bot.fakeapi.request import OfflineRequest
from bot.fakeapi.session import OfflineSession
from bot.flow_store import FlowApplication
from bot.handlers import quiz as quiz_handlers
from storage.db import Database

LAYERS = ("parse", "calls", "server", "database", "sqlalchemy", "dispatch", "persist", "caller", "render", "settle")
current: list[defaultdict[str, float] | None] = [None]  # the feed being timed: its layers' CPU seconds
busy: Counter[str] = Counter()  # nesting per layer: only the outermost call counts


def _timed(label: str, fn: Callable[..., Any], *, coroutine: bool) -> Callable[..., Any]:
    def start() -> float | None:
        if current[0] is None or busy[label]:
            return None
        busy[label] += 1
        return time.process_time()

    def stop(started: float | None) -> None:
        if started is not None:
            busy[label] -= 1
            if current[0] is not None:
                current[0][label] += time.process_time() - started

    if coroutine:
        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            started = start()
            try:
                return await fn(*args, **kwargs)
            finally:
                stop(started)
        return async_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = start()
        try:
            return fn(*args, **kwargs)
        finally:
            stop(started)
    return wrapper


def _install(profile: cProfile.Profile | None) -> dict[int, defaultdict[str, float]]:
    """Wrap the layers; returns the per-tally counters (keyed by the tally's id) the run fills."""
    de_json = Update.de_json.__func__  # type: ignore[attr-defined]
    Update.de_json = classmethod(_timed("parse", de_json, coroutine=False))  # type: ignore[method-assign,assignment]
    for name in ("_send_message", "_post"):  # the edits and sends call _post inside _send_message
        setattr(ExtBot, name, _timed("calls", getattr(ExtBot, name), coroutine=True))
    OfflineRequest.do_request = _timed("server", OfflineRequest.do_request, coroutine=True)  # type: ignore[method-assign]
    Database._call_core = _timed("database", Database._call_core, coroutine=False)  # type: ignore[method-assign]
    for owner, name in ((Connection, "execute"), (Connection, "commit"), (Connection, "close"), (Engine, "connect")):
        setattr(owner, name, _timed("sqlalchemy", getattr(owner, name), coroutine=False))
    process_update = Application.process_update  # PTB's dispatch with everything under it
    Application.process_update = _timed("dispatch", process_update, coroutine=True)  # type: ignore[method-assign]
    # zhibu's subclass: flow deadlines before, the persistence write-through after
    FlowApplication.process_update = _timed(  # type: ignore[method-assign]
        "dispatch", FlowApplication.process_update, coroutine=True)
    Application.update_persistence = _timed(  # type: ignore[method-assign]
        "persist", Application.update_persistence, coroutine=True)  # zhibu writes it through after each update
    for module in (commands, quiz_handlers):  # who is speaking (cached): the button guard, the typed answer
        module.load_caller = _timed("caller", module.load_caller, coroutine=True)  # type: ignore[attr-defined]
    for name in ("question_markup", "question_text", "answered_text", "summary_text"):  # the quiz's rendering
        setattr(quiz_handlers, name, _timed("render", getattr(quiz_handlers, name), coroutine=False))
    OfflineSession._settle = _timed("settle", OfflineSession._settle, coroutine=True)  # type: ignore[method-assign]
    tallies: dict[int, defaultdict[str, float]] = {}
    feed = bench_quiz.Tally.feed

    async def timed_feed(self: bench_quiz.Tally, session: Any, update: dict[str, Any]) -> None:
        layers = tallies.setdefault(id(self), defaultdict(float))
        current[0] = layers
        on = profile is not None and self.log is not None  # the quiz bot's feeds only
        if on:
            assert profile is not None
            profile.enable()
        try:
            await feed(self, session, update)
        finally:
            if on:
                assert profile is not None
                profile.disable()
            current[0] = None

    bench_quiz.Tally.feed = timed_feed  # type: ignore[method-assign]
    return tallies


def _library(filename: str) -> str:
    for marker, name in (("site-packages/telegram/", "PTB"), ("site-packages/sqlalchemy/", "SQLAlchemy"),
                         ("site-packages/sqlmodel/", "SQLAlchemy"), ("/bot/fakeapi/", "offline server"),
                         ("site-packages/fsrs/", "fsrs"), ("asyncio/", "asyncio"), ("json/", "json")):
        if marker in filename:
            return name
    root = str(Path(__file__).resolve().parent.parent)
    return "zhibu" if filename.startswith(root) and "/bench/" not in filename else "other (builtins, stdlib)"


def _by_library(path: str, answers: int) -> None:
    stats: dict[Any, Any] = pstats.Stats(path).stats  # type: ignore[attr-defined]
    spent: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, self_time, _cum, _callers) in stats.items():
        spent[_library(filename)] += self_time
    total = sum(spent.values())
    print(f"cProfile self time by library (inflated: {total / answers * 1000:.2f} ms an answer under the profiler)")
    for name, seconds in spent.most_common():
        print(f"  {seconds / total:6.1%}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--echo", type=int, default=2000)
    parser.add_argument("--cprofile", help="also write a cProfile of the quiz bot's feeds to this file")
    args = parser.parse_args()
    profile = cProfile.Profile() if args.cprofile else None
    tallies = _install(profile)
    quiz, echo, same = asyncio.run(bench_quiz.bench(40, args.answers, args.echo, 8))
    n = args.answers
    print(f"ms CPU per answer ({n} answers; echo: per update)    quiz bot   same traffic, bare PTB   echo")
    rows: dict[str, list[float]] = {}
    for tally, per in ((quiz, n), (same, n), (echo, args.echo)):
        layers = tallies.get(id(tally), defaultdict(float))
        seen = {k: layers[k] / per * 1000 for k in LAYERS}
        total = tally.cpu / per * 1000
        rest = seen["dispatch"] - seen["calls"] - seen["database"]
        harness = total - seen["parse"] - seen["dispatch"]
        for key, value in (("total", total), ("parse", seen["parse"]), ("calls", seen["calls"]),
                           ("  of which server", seen["server"]), ("database", seen["database"]),
                           ("  of which sqlalchemy", seen["sqlalchemy"]), ("rest", rest),
                           ("  of which persistence", seen["persist"]), ("  of which caller", seen["caller"]),
                           ("  of which rendering", seen["render"]),
                           ("harness", harness), ("  of which settle", seen["settle"])):
            rows.setdefault(key, []).append(value)
    for key, values in rows.items():
        print(f"  {key:<22} {values[0]:8.3f} {values[1]:16.3f} {values[2]:18.3f}")
    if profile is not None:
        profile.dump_stats(args.cprofile)
        _by_library(args.cprofile, n)


if __name__ == "__main__":
    main()
