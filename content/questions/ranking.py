"""Choosing the bank: fewer, better questions, spread over documents and types, no near-duplicates.

Each candidate carries a score from its builder (how informative the slot is, how good its distractors
are, how clear its stem).  Selection is greedy on that score minus penalties that grow as the bank
fills — per document already chosen, per type already chosen, per 判断 answer already over-represented —
so the first questions are the best ones and later ones come from documents and types still thin.
Because penalties only ever grow, a lazy max-heap gives the same result as re-sorting each time.

Hard rules: one question per (type, answer slot); at most two questions per evidence sentence and never
two of one type, at most three per paragraph; no stem that shares most of its character trigrams with a
stem already chosen; no slot kind beyond its limit (eight "which body convened" questions are plenty);
no document above ``DOC_SHARE`` of the bank.  The share is a property of the finished bank, so selection
runs again with a per-document cap until the bank it produces respects it (two or three rounds).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence

from content.model import Question
from content.questions.slots import Candidate
from content.questions.text import norm

MIN_SCORE = 0.75
NEAR_DUPLICATE = 0.6
TRUTH_SKEW = 3  # 判断: never more than this many more "true" than "false" statements, or vice versa
GROUP_LIMIT = 3  # questions about one list family (or one answer) in the whole bank
PARAGRAPH_LIMIT = 3  # questions read off one paragraph
KIND_LIMIT = {"body": 8, "date": 7, "person": 3, "number": 6}  # facts that are easy to generate, dull in bulk
DOC_SHARE = 0.3  # no document supplies more than this share of the bank


def shingles(text: str, n: int = 3) -> frozenset[str]:
    t = norm(text)
    return frozenset(t[i : i + n] for i in range(max(1, len(t) - n + 1)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def select(
    candidates: Sequence[Candidate], *, per_type: int | None = None, min_score: float = MIN_SCORE
) -> list[Question]:
    """The chosen questions, best first, no document above ``DOC_SHARE`` of them."""
    doc_cap: int | None = None
    chosen = _greedy(candidates, per_type, min_score, doc_cap)
    for _ in range(4):
        counts = Counter(q.doc_id for q in chosen)
        limit = int(DOC_SHARE * len(chosen))
        if len(counts) < 4 or max(counts.values()) <= limit:
            break
        doc_cap = limit if doc_cap is None else min(doc_cap, limit)
        chosen = _greedy(candidates, per_type, min_score, doc_cap)
    return chosen


def _greedy(
    candidates: Sequence[Candidate], per_type: int | None, min_score: float, doc_cap: int | None
) -> list[Question]:
    docs = {c.question.doc_id for c in candidates}
    cap = per_type if per_type is not None else 8 + 4 * len(docs)
    heap = [(-c.question.score, c.question.qid, i) for i, c in enumerate(candidates)]
    heapq.heapify(heap)
    by_doc: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_truth: Counter[bool] = Counter()
    per_sentence: dict[str, set[str]] = {}
    used_keys: set[tuple[str, ...]] = set()
    by_group: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    by_paragraph: Counter[str] = Counter()
    chosen: list[Question] = []
    chosen_ids: set[str] = set()
    chosen_shingles: list[frozenset[str]] = []

    def adjusted(c: Candidate) -> float:
        q = c.question
        penalty = 0.015 * by_doc[q.doc_id] + 0.02 * by_type[q.qtype]
        if c.truth is not None:
            penalty += 0.2 * max(0, by_truth[c.truth] - by_truth[not c.truth])
        return q.score - penalty

    while heap:
        _neg, qid, i = heapq.heappop(heap)
        c = candidates[i]
        q = c.question
        if by_type[q.qtype] >= cap or (q.qtype, c.key) in used_keys or q.qid in chosen_ids:
            continue
        if doc_cap is not None and by_doc[q.doc_id] >= doc_cap:
            continue
        if by_kind[c.kind] >= KIND_LIMIT.get(c.kind, len(candidates)):
            continue
        if c.paragraph and by_paragraph[c.paragraph] >= PARAGRAPH_LIMIT:
            continue
        group = c.group or c.key
        if (q.qtype, "group", group) in used_keys or by_group[group] >= GROUP_LIMIT:
            continue
        sentence_types = per_sentence.get(q.sentence, set())
        if q.qtype in sentence_types or len(sentence_types) >= 2 or q.score < min_score:
            continue
        if c.truth is not None and by_truth[c.truth] - by_truth[not c.truth] >= TRUTH_SKEW:
            continue
        score = adjusted(c)
        if heap and score < -heap[0][0] - 1e-9:
            heapq.heappush(heap, (-score, qid, i))
            continue
        sh = shingles(q.stem)
        if any(similarity(sh, other) >= NEAR_DUPLICATE for other in chosen_shingles):
            continue
        chosen.append(q)
        chosen_ids.add(q.qid)
        chosen_shingles.append(sh)
        by_doc[q.doc_id] += 1
        by_type[q.qtype] += 1
        if c.truth is not None:
            by_truth[c.truth] += 1
        used_keys.add((q.qtype, c.key))
        used_keys.add((q.qtype, "group", group))
        by_group[group] += 1
        by_kind[c.kind] += 1
        if c.paragraph:
            by_paragraph[c.paragraph] += 1
        per_sentence.setdefault(q.sentence, set()).add(q.qtype)
    return chosen
