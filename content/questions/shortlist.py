"""Best-first search for the top few distractors, so a slot never scans the whole pool.

Why: a distractor's score is mostly its *shape* against the answer (length, digit pattern, last two
characters, whether it opens with a numeral — see :func:`shape`), plus a hash tie-break worth at most
``TIE``.  Values that share a length and a numeral flag and match the answer in neither digits nor ending
all score the same, so the pool is indexed by those features and searched band by band, best band first::

    pool (one kind, one polarity/form part) ─ by length ─┬─ same ending or digits as the answer: scored one by one
                                                          └─ the rest, by numeral flag: one score per band
    bands sorted by their ceiling ─▶ expand the best band into a heap ─▶ pop while the top beats the next ceiling
                                                                          └─ accept() runs only on what is popped

The result is *exactly* the top ``n`` of the full scan (same scores, same tie-breaks, same order): a
candidate is taken only when nothing in an unopened band could beat it.  The expensive checks (evidence,
paragraph, family, neighbours, kind) run only on the few candidates that are popped; a 20x corpus costs
little more per slot than the five materials did.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_DIGITS = re.compile(r"\d+")
_NUMERALS = "一二三四五六七八九十两"
TIE = 0.01  # weight of the hash tie-break in a candidate's score


@dataclass(frozen=True)
class Look:
    """The features :func:`shape` compares, computed once per value."""

    length: int
    digits: str  # the value with every digit run written as 9: "9月9日"
    ending: str  # the last two characters
    numeral: bool  # opens with a Chinese numeral (or is empty)

    @classmethod
    def of(cls, value: str) -> Look:
        return cls(len(value), _DIGITS.sub("9", value), value[-2:], value[:1] in _NUMERALS)


def shape(a: Look, v: Look) -> float:
    """How alike two values look, 0..1: same length, same digit pattern, same ending, same opening."""
    score = 1.0 - min(abs(a.length - v.length), 6) / 8
    if a.digits == v.digits:
        score += 0.3
    if a.ending == v.ending:
        score += 0.2
    if a.numeral == v.numeral:
        score += 0.1
    return max(0.0, min(1.0, score / 1.6))


def tiebreak(answer: str, value: str) -> float:
    """A fixed pseudo-random 0..1 per (answer, value): equal shapes are ordered the same on every build."""
    return int.from_bytes(hashlib.sha1(f"{answer}|{value}".encode()).digest()[:3], "big") / 0xFFFFFF


@dataclass(frozen=True)
class Entry:
    """One pool value with everything the checks need, computed once."""

    value: str
    key: str  # normalised
    look: Look
    anagram: str  # the key's characters sorted: "查摆问题" and "问题查摆" are one item
    part: tuple[bool, str]  # (negative, form)


@dataclass
class Part:
    """The values of one (polarity, form) part of a pool, indexed by the features of :class:`Look`."""

    by_length: dict[int, dict[bool, list[Entry]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    by_ending: dict[tuple[int, str], list[Entry]] = field(default_factory=lambda: defaultdict(list))
    by_digits: dict[tuple[int, str], list[Entry]] = field(default_factory=lambda: defaultdict(list))

    def add(self, e: Entry) -> None:
        look = e.look
        self.by_length[look.length][look.numeral].append(e)
        self.by_ending[(look.length, look.ending)].append(e)
        self.by_digits[(look.length, look.digits)].append(e)


@dataclass(frozen=True)
class Scored:
    score: float  # quality + TIE * tie-break: the sort key
    quality: float
    entry: Entry
    synthetic: bool = False


# a band's members as heap items: (-score, value, quality, entry) — plain tuples, made by the thousand
Item = tuple[float, str, float, Entry]


@dataclass(frozen=True)
class Band:
    ceiling: float  # no member scores above this
    members: Callable[[], list[Item]]


def bands(
    parts: Iterable[Part],
    answer: str,
    look: Look,
    *,
    lengths: Callable[[int], bool],
    factor: float,
    skip: frozenset[str],
    keep: Callable[[str], bool] | None = None,
    digits_only: bool = False,
) -> list[Band]:
    """The bands of ``parts`` for ``answer``: values of an allowed length, ``skip`` (scored elsewhere) left out.

    ``factor`` scales quality (0.7 for the relaxed-length pass); ``keep`` is a cheap test a value must pass
    to be accepted at all (the pattern its list shares), applied before any hashing; ``digits_only`` keeps
    only values with the answer's digit pattern (dates are asked only against dates of the same format).
    """
    seed = hashlib.sha1(f"{answer}|".encode())
    out: list[Band] = []
    for part in parts:
        for length, by_numeral in part.by_length.items():
            if not lengths(length):
                continue
            special = [*part.by_ending.get((length, look.ending), ()), *part.by_digits.get((length, look.digits), ())]
            if special:
                top = Look(length, look.digits, look.ending, look.numeral)
                out.append(Band(shape(look, top) * factor + TIE, _special(special, seed, look, factor, skip, keep)))
            if digits_only:
                continue
            for numeral, members in by_numeral.items():
                quality = _plain_quality(look, length, numeral, factor)
                out.append(Band(quality + TIE, _plain(members, seed, look, quality, skip, keep)))
    return out


def _plain_quality(a: Look, length: int, numeral: bool, factor: float) -> float:
    """The quality of a value that matches ``a`` in neither digits nor ending."""
    score = 1.0 - min(abs(a.length - length), 6) / 8
    if a.numeral == numeral:
        score += 0.1
    return max(0.0, min(1.0, score / 1.6)) * 1.0 * factor


def _tie(seed: hashlib._Hash, value: str) -> float:
    h = seed.copy()
    h.update(value.encode())
    return int.from_bytes(h.digest()[:3], "big") / 0xFFFFFF


def _special(
    members: list[Entry],
    seed: hashlib._Hash,
    look: Look,
    factor: float,
    skip: frozenset[str],
    keep: Callable[[str], bool] | None,
) -> Callable[[], list[Item]]:
    def run() -> list[Item]:
        seen: set[str] = set()
        out: list[Item] = []
        for e in members:
            if e.key in seen or e.value in skip or (keep is not None and not keep(e.value)):
                continue
            seen.add(e.key)
            quality = shape(look, e.look) * 1.0 * factor
            out.append((-(quality + TIE * _tie(seed, e.value)), e.value, quality, e))
        return out

    return run


def _plain(
    members: list[Entry],
    seed: hashlib._Hash,
    look: Look,
    quality: float,
    skip: frozenset[str],
    keep: Callable[[str], bool] | None,
) -> Callable[[], list[Item]]:
    def run() -> list[Item]:
        ending, digits = look.ending, look.digits
        return [
            (-(quality + TIE * _tie(seed, e.value)), e.value, quality, e)
            for e in members
            if e.look.ending != ending
            and e.look.digits != digits
            and e.value not in skip
            and (keep is None or keep(e.value))
        ]

    return run


def best(found: list[Band], fixed: Iterable[Scored], accept: Callable[[Scored], bool], n: int) -> list[Scored]:
    """The ``n`` highest-scoring accepted candidates, best first (ties by value), opening bands only as needed."""
    order = sorted(found, key=lambda b: -b.ceiling)
    heap: list[tuple[float, str, float, Entry, bool]] = [
        (-s.score, s.entry.value, s.quality, s.entry, s.synthetic) for s in fixed
    ]
    heapq.heapify(heap)
    out: list[Scored] = []
    i = 0
    while len(out) < n:
        ceiling = order[i].ceiling if i < len(order) else None
        if heap and (ceiling is None or -heap[0][0] > ceiling):
            neg, _, quality, entry, synthetic = heapq.heappop(heap)
            s = Scored(-neg, quality, entry, synthetic)
            if accept(s):
                out.append(s)
            continue
        if ceiling is None:
            break
        heap.extend((*item, False) for item in order[i].members())
        heapq.heapify(heap)
        i += 1
    return out
