"""How many keys and wrong options a list question has, and which items are keyed — the counts the list
builders (``content.questions.lists``) draw and the wrong-option check (``content.questions.wrongcount``)
reads.  Varied per question by hashes of its seed, so no count is a strategy (examiner rounds 6 and 7)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from content.questions.examiner import same_kind
from content.questions.ids import stable_order
from content.questions.slots import Enumeration
from content.questions.text import cjk_len


def _counts(items: Sequence[str], seed: str, available: int) -> tuple[int, int]:
    """(correct options, wrong options) for a list of ``items`` with ``available`` good wrong options: how many
    are right varies with the question (a hash of ``seed``), so "pick four" is no strategy (examiner round 6:
    every 多选 was 4 of 6); two only among whole statements: two short phrases keyed read as a slogan cut in
    halves.  How many are wrong varies too, 2 or 3 by another hash, as far as the corpus offers good wrong
    options: with always two, "drop the two odd ones out" was the strategy (examiner2); never one, which is
    one odd phrase out (``worth``: "one wrong").  Good wrong options are
    few in this corpus, so fewer keys make fewer options rather than weaker ones."""
    hi = min(len(items), 6 - MIN_WRONG)
    lo = min(hi, 2 if min(cjk_len(i) for i in items) >= STATEMENT_LENGTH else 3)
    correct = lo + _hash(seed) % (hi - lo + 1)
    wanted = MIN_WRONG + _hash(f"{seed}|wrong") % (MAX_WRONG - MIN_WRONG + 1)
    return correct, min(available, wanted, 6 - correct)


def _hash(seed: str) -> int:
    return int(hashlib.sha1(seed.encode()).hexdigest(), 16)


MIN_WRONG, MAX_WRONG = 2, 3
STATEMENT_LENGTH = 20  # characters from which a list item is a whole statement, not a phrase


def _kept(enum: Enumeration, wrong: list[str]) -> list[str]:
    """The wrong options the examiner would not refuse as of another kind than the list: how many there are
    decides how few keys a 多选 may have (two keys need four good wrong options)."""
    return [w for w in wrong if same_kind([*enum.items, w], enum.items)]


def _keys(items: Sequence[str], seed: str, n: int) -> list[str]:
    """``n`` of ``items`` (in their order), chosen by ``seed``: the first item is not always a key."""
    chosen = set(stable_order(seed, list(items))[:n])
    return [i for i in items if i in chosen]


def _run(size: int, seed: str, n: int) -> tuple[int, int]:
    """The first and last index of ``n`` neighbouring items of ``size`` that an inline 多选 blanks and keys,
    placed by ``seed``: the list's other items stay in the stem, so every item the blank stands for is a key
    (the run starts anywhere, so the stem shows the list's head, its tail or both)."""
    first = _hash(f"{seed}|run") % (size - n + 1)
    return first, first + n - 1
