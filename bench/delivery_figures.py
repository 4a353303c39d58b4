"""The delivery benchmark's figures, taken from what the fake Telegram recorded on arrival.

Besides the table's figures, :func:`breakdown` splits the makespan's excess over the ideal (rows ÷ the
25/s ceiling) into where it went, as shares of the ideal:

* start — from the start to the first arrival (claim, render, the first attempt written);
* margin — zhibu's limiter's designed pace is ``ceiling / (1 + spread)`` (24.3/s), not 25/s: what that
  costs over the body of the fan-out (first to 99th-percentile arrival; none for the baselines);
* gaps — arrival gaps longer than 2.5 pace intervals (a stalled loop, a global pause), beyond one interval;
* pace — the rest of the body's excess: passes a little late without a visible gap;
* tail — the last 1 % of arrivals (retries after 429s, resent timeouts) beyond their ideal share;

plus the sender process's own event-loop lag (:class:`LoopLag`: how late a 10 ms timer fired, summed over
the late ones) and how often everyone paused for a pile-up of 429s.  The shares add up to the excess less
the duplicates' own arrivals (the parts count every accepted message, the ideal only the rows).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bench_telegram import INTERACTIVE
from scheduler.ratelimit import DEFAULT_CEILING, DEFAULT_SPREAD


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")


class LoopLag:
    """Measures how late the event loop runs a 10 ms timer, while a fan-out runs in the same loop."""

    def __init__(self, tick: float = 0.01, late: float = 0.02) -> None:
        self.tick, self.late = tick, late
        self.total = self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.tick)
            lag = loop.time() - before - self.tick
            self.worst = max(self.worst, lag)
            if lag > self.late:
                self.total += lag

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


@dataclass
class Result:
    name: str
    rows: int
    rate: float
    makespan: float
    own429: int
    most: int
    duplicates: int
    uncertain_dups: bool
    lost: int
    p95_ratio: float
    parts: dict[str, float] = field(default_factory=dict)  # the breakdown, as shares of the ideal


def most_in_one_second(times: list[float]) -> int:
    """The most of ``times`` (sorted) in any half-open second ``(t - 1, t]``."""
    most, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def describe_handler_lag(stats: dict[str, Any]) -> str:
    """The same arrivals as the fake's handler stamped them: what its own waits for the CPU added."""
    handled = sorted(t for t, c in stats.get("handled", []) if c < INTERACTIVE)
    arrived = sorted(t for t, c in stats["accepted"] if c < INTERACTIVE)
    if not handled or len(handled) != len(arrived):
        return "no handler stamps"
    # the fake appends a message to both lists at once, so the n-th of each is the same message
    lags = sorted(h - a for (h, _), (a, _) in zip(stats["handled"], stats["accepted"], strict=True))
    return (f"at the fake's handler (its own CPU waits included): most in any 1 s {most_in_one_second(handled)}; "
            f"handler − kernel arrival p50 {lags[len(lags) // 2] * 1000:.1f} ms, "
            f"p99 {lags[len(lags) * 99 // 100] * 1000:.1f} ms, max {lags[-1] * 1000:.1f} ms")


def breakdown(times: list[float], started: float, rows: int, spread: float = DEFAULT_SPREAD) -> dict[str, float]:
    """Where the makespan's excess went (see the module docstring), each as a share of the ideal.

    ``spread`` is the sender's designed margin: zhibu's limiter's; 0 for the baselines, which have none.
    """
    if len(times) < 100:
        return {}
    ideal_interval = 1.0 / DEFAULT_CEILING
    ideal = rows * ideal_interval
    body_end = len(times) * 99 // 100
    body = times[:body_end]
    designed = ideal_interval * (1 + spread)
    gaps = sum(b - a - designed for a, b in itertools.pairwise(body) if b - a > 2.5 * designed)
    body_excess = (body[-1] - body[0]) - (len(body) - 1) * ideal_interval
    margin = (len(body) - 1) * (designed - ideal_interval)
    tail = (times[-1] - body[-1]) - (len(times) - len(body)) * ideal_interval
    start = times[0] - started - ideal_interval  # the first arrival's own share is one interval
    return {"start": start / ideal, "margin": margin / ideal, "gaps": gaps / ideal,
            "pace": (body_excess - margin - gaps) / ideal, "tail": tail / ideal}


def figures(name: str, chats: list[int], stats: dict[str, Any], started: float, p95_busy: float, idle: float,
            uncertain: set[int] | None) -> Result:
    bulk = sorted((t, c) for t, c in stats["accepted"] if c < INTERACTIVE)
    times = [t for t, _ in bulk]
    if os.environ.get("BENCH_TRACE"):
        Path(os.environ["BENCH_TRACE"]).write_text(json.dumps([t - started for t in times]))
    per_chat = Counter(c for _, c in bulk)
    most = most_in_one_second(times)
    # sustained: the pace between the 1st and 99th percentile of arrivals (the makespan carries the tail)
    low, high = times[len(times) // 100], times[len(times) * 99 // 100] if times else 0.0
    rate = (len(times) * 98 // 100) / (high - low) if high > low else 0.0
    duplicated = {c for c, n in per_chat.items() if n > 1}
    ideal = len(chats) / DEFAULT_CEILING
    return Result(name, len(chats), rate / DEFAULT_CEILING, (times[-1] - started) / ideal if times else 0.0,
                  stats["own429"], most, sum(per_chat[c] - 1 for c in duplicated),
                  uncertain is not None and duplicated <= uncertain, sum(1 for c in chats if per_chat[c] == 0),
                  p95_busy / idle, breakdown(times, started, len(chats), 0.0 if uncertain is None else DEFAULT_SPREAD))


def table(results: list[Result]) -> str:
    lines = ["| sender | rows | rate ÷ ceiling | makespan ÷ ideal | 429s from own pacing | most in 1 s "
             "| duplicates | lost | interactive p95 ÷ idle |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        dups = f"{r.duplicates}" + (" (all uncertain)" if r.uncertain_dups and r.duplicates else "")
        lines.append(f"| {r.name} | {r.rows:,} | {r.rate:.3f} | {r.makespan:.3f} | {r.own429} | {r.most} | {dups} "
                     f"| {r.lost} | {r.p95_ratio:.2f} |")
    return "\n".join(lines)


def describe_excess(result: Result, lag: LoopLag | None = None, paused: int | None = None) -> str:
    """One line: the makespan's excess over the ideal and its parts, in % of the ideal."""
    parts = ", ".join(f"{name} {share * 100:+.1f} %" for name, share in result.parts.items())
    line = f"{result.name}: makespan excess {(result.makespan - 1) * 100:+.1f} % of ideal = {parts}"
    if lag is not None:
        ideal = result.rows / DEFAULT_CEILING
        line += (f"; sender loop lag {lag.total:.2f} s ({lag.total / ideal * 100:.1f} %), "
                 f"worst {lag.worst * 1000:.0f} ms")
    if paused is not None:
        line += f"; global pauses {paused}"
    return line


class PassLog:
    """Wall-clock moments requests passed the limiter (and were written), per chat, to pair with arrivals."""

    def __init__(self) -> None:
        self.passes: dict[int, list[float]] = {}
        self.writes: dict[int, list[float]] = {}

    def passed(self, chat_id: int, at: float) -> None:
        self.passes.setdefault(chat_id, []).append(at)

    def written(self, chat_id: int, at: float) -> None:
        self.writes.setdefault(chat_id, []).append(at)

    @staticmethod
    def _latest(times: list[float], before: float) -> float | None:
        earlier = [t for t in times if t <= before]
        return earlier[-1] if earlier else None

    def delays(self, accepted: list[tuple[float, int]]) -> list[float]:
        """For each accepted message, how long after its pass it arrived (the latest pass before it)."""
        out = []
        for arrived, chat in accepted:
            before = [t for t in self.passes.get(chat, ()) if t <= arrived]
            if before:
                out.append(arrived - before[-1])
        return sorted(out)


def describe_delays(delays: list[float]) -> str:
    """Pass-to-arrival delay percentiles: how wide the limiter's ``spread`` must be."""
    if not delays:
        return "no pass-to-arrival delays"
    def at(q: float) -> float:
        return delays[min(len(delays) - 1, int(q * len(delays)))] * 1000
    over = {ms: sum(1 for d in delays if d - delays[0] > ms / 1000) for ms in (10, 20, 30)}
    return (f"pass → arrival delay (ms): min {delays[0] * 1000:.1f}, p50 {at(0.5):.1f}, p99 {at(0.99):.1f}, "
            f"p99.9 {at(0.999):.1f}, max {delays[-1] * 1000:.1f}; more than 10/20/30 ms above the least: "
            f"{over[10]}/{over[20]}/{over[30]} of {len(delays)}")


def describe_busiest(accepted: list[tuple[float, int]], log: PassLog, ceiling: int, most: int = 3) -> str:
    """The one-second windows of arrivals over ``ceiling``: how far apart their passes and writes were.

    For each (up to ``most``, not overlapping) window over the ceiling: the arrivals' span, the span of
    the same messages' passes and body writes at the client, and the messages whose pass → arrival delay
    stood out.  Passes closer than the limiter's window say the limiter let too many through; passes
    spread as designed but arrivals closer say the delay between the pass and the arrival varied.
    """
    bulk = sorted(accepted)
    lines, first, last_end = [], 0, -1.0
    for last, (t, _) in enumerate(bulk):
        while bulk[first][0] <= t - 1.0:
            first += 1
        if last - first + 1 <= ceiling or bulk[first][0] <= last_end:
            continue
        window = bulk[first:last + 1]
        last_end = t
        passes = [log._latest(log.passes.get(c, []), a) for a, c in window]
        # the first body write after the pass (the client notes it just after the kernel took the bytes,
        # so a hair after the arrival the fake's kernel stamped)
        writes = [None if p is None else min((w for w in log.writes.get(c, []) if w >= p), default=None)
                  for (_, c), p in zip(window, passes, strict=True)]
        known = [p for p in passes if p is not None]
        written = [w for w in writes if w is not None]
        delays = sorted(((a - p) * 1000, i) for i, ((a, _), p) in enumerate(zip(window, passes, strict=True))
                        if p is not None)
        late = ", ".join(f"#{i} {d:.0f} ms" + (f" (written +{(writes[i] - passes[i]) * 1000:.0f})"
                                                 if writes[i] is not None and passes[i] is not None else "")
                         for d, i in delays[-3:])
        writes_span = (max(written) - min(written)) * 1000 if written else 0.0
        lines.append(f"  {len(window)} arrivals in {(window[-1][0] - window[0][0]) * 1000:.0f} ms; their passes "
                     f"span {(max(known) - min(known)) * 1000:.0f} ms, writes {writes_span:.0f} ms; "
                     f"slowest pass → arrival: {late}; least {delays[0][0]:.0f} ms (#{delays[0][1]})")
        if len(lines) >= most:
            break
    return "windows over the ceiling:\n" + "\n".join(lines) if lines else "no window over the ceiling"


def describe_refusals(refusals: list[tuple[float, int, str]]) -> str:
    """Own-pacing 429s by the limit they hit (and whether they were interactive replies or bulk)."""
    if not refusals:
        return "own-pacing 429s: none"
    by = Counter((why, "interactive" if chat >= INTERACTIVE else "bulk") for _, chat, why in refusals)
    return "own-pacing 429s: " + ", ".join(f"{n} × {why} ({who})" for (why, who), n in sorted(by.items()))
