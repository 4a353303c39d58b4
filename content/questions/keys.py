"""Where a choice question's keys stand: spread over the whole bank, the same on every build.

Each generator orders its options by a hash of the question (``ids.stable_order``). Over many questions that
is fair; over today's few it is a draw, and the draw showed: the bank's two 单选 were both keyed A, so "always
A" scored full. The key positions are therefore decided once for the finished bank::

    bank ──sorted by qid──▶ for each 单选 / 多选 in turn: the key positions that were keys least often so far
         (and wrong options most often), ties broken by a hash of the qid ──▶ keys there, wrong options in the rest

so the positions are balanced across the bank (two 单选 never share a letter, no letter is a 多选 key more often
than the others allow) and the same whenever the bank is the same. Within the chosen positions the keys, and in
the others the wrong options, keep the hash order of ``stable_order``.

Ids do not move: ``ids.question_id`` hashes the type, the evidence sentence and the slot, never the options.
A question already published whose options the placement reorders gets a new *revision* on the next sync
(``storage.revisions``): answers keep the order they were given, review cards start their streak again.
Options that refer to the others ("以上都对") keep the order as written (``refers``).

Also here, the other cue of a 多选's keys: a blank standing for more terms than it keys (``unkeyed_terms``; the
generator blanks only the keyed run, ``listcounts._run``, and a secretary's 多选 that does not is named by the check).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import combinations

from content.model import Question
from content.questions.ids import stable_order
from content.questions.text import BLANK, norm

CHOICE = ("single", "multiple")
_REFERS = re.compile(r"^(?:以上|上述|前述)(?:[都均皆全]|选项)|^(?:都|均)(?:对|不对|正确|错误)")


def refers(options: Sequence[str]) -> bool:
    """Whether an option points at the others ("以上都对"): then the order as written is part of the question."""
    return any(_REFERS.match(o) for o in options)


def placed(bank: Sequence[Question]) -> list[Question]:
    """``bank`` (in its order) with each enabled 单选 and 多选's options reordered so the key positions are
    balanced across the bank's questions of that type; other questions unchanged."""
    moved: dict[str, Question] = {}
    for qtype in CHOICE:
        keys: dict[int, int] = {}  # position → questions keyed there so far
        wrong: dict[int, int] = {}  # position → questions with a wrong option there
        for q in sorted((q for q in bank if _movable(q, qtype)), key=lambda q: q.qid):
            spots = _spots(q, keys, wrong)
            moved[q.qid] = _arranged(q, spots)
            for p in range(len(q.options)):
                tally = keys if p in spots else wrong
                tally[p] = tally.get(p, 0) + 1
    return [moved.get(q.qid, q) for q in bank]


def _movable(q: Question, qtype: str) -> bool:
    return (q.qtype == qtype and q.enabled and 0 < len(q.answer) < len(q.options)
            and set(q.answer) <= set(q.options) and not refers(q.options))


def _spots(q: Question, keys: dict[int, int], wrong: dict[int, int]) -> frozenset[int]:
    """The positions for ``q``'s keys: where keys stood least and wrong options most, ties by the qid's hash."""
    def cost(spots: tuple[int, ...]) -> tuple[int, str]:
        weight = sum(keys.get(p, 0) for p in spots)
        weight += sum(wrong.get(p, 0) for p in range(len(q.options)) if p not in spots)
        return weight, hashlib.sha1(f"{q.qid}\x1f{spots}".encode()).hexdigest()

    choices: list[tuple[int, ...]] = list(combinations(range(len(q.options)), len(q.answer)))
    best: tuple[int, ...] = min(choices, key=cost)
    return frozenset(best)


def _arranged(q: Question, spots: frozenset[int]) -> Question:
    right = iter(stable_order(q.qid, list(q.answer)))
    others = iter(stable_order(q.qid, [o for o in q.options if o not in q.answer]))
    options = tuple(next(right) if p in spots else next(others) for p in range(len(q.options)))
    return replace(q, options=options, answer=tuple(o for o in options if o in q.answer))


ANCHOR = 8  # characters of the stem either side of a blank that find its place in the sentence


def unkeyed_terms(q: Question) -> list[str]:
    """The terms a 多选's blank stands for that no key names: the sentence's text between the stem's words on
    either side of the blank, cut at 、 ("（　）" for "心浮气躁、急功近利、弄虚作假、盲目蛮干" with three keys →
    ["心浮气躁"]).  Empty when the question has no single blank, the blank's place is not found, or the place
    does not hold every key (then it is no list of the keys, and nothing is claimed)."""
    if q.qtype != "multiple" or q.stem.count(BLANK) != 1:
        return []
    before, after = (norm(side) for side in q.stem.split(BLANK))
    sentence = norm(q.sentence)
    left = next((at + size for size in range(min(len(before), ANCHOR), 1, -1)
                 if (at := sentence.find(before[-size:])) >= 0), -1)
    if left < 0:
        return []
    right = next((at for size in range(min(len(after), ANCHOR), 1, -1)
                  if (at := sentence.find(after[:size], left)) >= 0), len(sentence))
    terms = [t for t in sentence[left:right].removesuffix("等").split("、") if t]
    keys = {norm(a) for a in q.answer}
    if not keys <= set(terms):
        return []
    return [t for t in terms if t not in keys]
