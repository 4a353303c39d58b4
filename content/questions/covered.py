"""Which facts a secretary's hand-written question asks besides the one it is counted under — for the report.

``content build`` lists the facts ranked highest and how many questions ask each.  A curated question is
counted under one fact (``samefact.curated_facts``: the list its answer spells, or the key it equals), so a
question that asks two facts of one sentence at once showed the other as unasked::

    树立和践行正确政绩观学习教育何时启动、何时基本结束？   → 2026年春节假期后启动、7月底基本结束
        asks "7月底" — listed as "none" beside it
    树立和践行正确政绩观学习教育以谁为重点？                → 县处级以上领导班子和领导干部特别是“一把手”
        asks "一把手" and the rank (县处级) the Notice's focus names — listed as "none"

A fact counts as asked by a curated question when a generated question of that fact reads the same source
sentence (its last line: a generated evidence leads with the line naming its speaker) and the curated
question's answer states the fact's key: its answer ("7月底", "一把手"), or for a rank fact ("rank:县处级:…",
``ranks``) the rank it turns on.  The ranker's caps are not touched: this only
makes the report say what the bank asks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from content.model import Question
from content.questions.slots import Candidate
from content.questions.text import norm

_RANK = "rank:"


def asked_facts(
    bank: Sequence[Question], candidates: Iterable[Candidate], counted: Mapping[str, str]
) -> Counter[str]:
    """How many enabled questions of ``bank`` ask each fact: ``counted`` (``qid → fact``) plus the facts a
    curated question also asks (module docstring), each question counted once per fact."""
    asked: Counter[str] = Counter(counted[q.qid] for q in bank if q.qid in counted and q.enabled)
    by_sentence: dict[str, set[str]] = {}
    for c in candidates:
        by_sentence.setdefault(_line(c.question.sentence), set()).add(c.fact)
    for q in bank:
        if q.origin != "curated" or not q.enabled:
            continue
        said = "".join(norm(a) for a in q.answer)
        for fact in sorted(by_sentence.get(_line(q.sentence), set())):
            if fact != counted.get(q.qid) and _key(fact) and _key(fact) in said:
                asked[fact] += 1
    return asked


def _key(fact: str) -> str:
    """What an answer must state to ask ``fact``: the rank of a rank fact, else the fact itself (not a list)."""
    if fact.startswith(_RANK):
        return norm(fact[len(_RANK) :].split(":", 1)[0])
    return "" if "、" in fact or ":" in fact else norm(fact)


def _line(sentence: str) -> str:
    """The source sentence itself, without the line naming its speaker that a generated evidence leads with."""
    return sentence.split("\n")[-1]
