"""Choosing the bank: fewer, better questions, spread over documents and types, no near-duplicates.

Each candidate carries a score from its builder (how informative the slot is, how good its distractors
are, how clear its stem).  Selection is greedy on that score minus penalties that grow as the bank
fills — per document already chosen, per type already chosen and ahead of the thinnest type, per type
already taken from the same paragraph, per 判断 answer already over-represented — so the first questions
are the best ones and later ones come from documents and types still thin (a ten-article regulation gets
单选, 填空 and 判断, not ten 单选 on its ten numbers).
Penalties grow as the bank fills (only a type's lead over the thinnest type can shrink again), so a lazy
max-heap that re-scores a candidate when it is popped gives the greedy order without re-sorting — a
candidate whose lead shrank is merely taken a little later than a full re-sort would take it — and the
near-duplicate test looks stems up by their rarest trigrams (:class:`NearDuplicates`) instead of comparing
each candidate with every stem chosen so far.

Hard rules: one question per (type, answer slot); at most two questions per evidence sentence and never
two of one type, at most three per paragraph; no stem that shares most of its character trigrams with a
stem already chosen; no slot kind beyond its limit (eight "which body convened" questions are plenty for
eight documents, the limit grows with the corpus);
no document above ``DOC_SHARE`` of the bank.  The share is a property of the finished bank, so selection
runs again with a per-document cap until the bank it produces respects it (two or three rounds).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from content.model import QUESTION_TYPES, Question
from content.questions.slots import Candidate
from content.questions.text import norm

MIN_SCORE = 0.75
NEAR_DUPLICATE = 0.6
TRUTH_SKEW = 3  # 判断: never more than this many more "true" than "false" statements, or vice versa
GROUP_LIMIT = 3  # questions about one list family (or one answer) in the whole bank
PARAGRAPH_LIMIT = 3  # questions read off one paragraph
# facts that are easy to generate and dull in bulk, per eight documents ("rule" quantities — 每季度至少一次,
# 连续六个月 — are what a regulation is made of, and have no limit)
KIND_LIMIT = {"body": 8, "date": 7, "person": 3, "number": 6}
DOC_SHARE = 0.3  # no document supplies more than this share of the bank
# a paragraph's second question of one type waits behind other types: a rule's article yields a 单选, a 填空
# and a 判断 rather than three 单选 on its three numbers
TYPE_LEAD = 0.05
SAME_TYPE_IN_PARAGRAPH = 0.25


def shingles(text: str, n: int = 3) -> frozenset[str]:
    t = norm(text)
    return frozenset(t[i : i + n] for i in range(max(1, len(t) - n + 1)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def trigram_counts(texts: Iterable[str]) -> Counter[str]:
    """In how many of ``texts`` each trigram occurs: the rarity order :class:`NearDuplicates` indexes by."""
    return Counter(t for text in texts for t in shingles(text))


class NearDuplicates:
    """Stems kept so far, each findable by the stems that nearly duplicate it — without pairing all with all.

    Prefix filtering: order every trigram by how rare it is in ``texts`` (then by itself), and index each
    kept stem under its first ``m - ceil(t·m) + 1`` trigrams (``m`` trigrams, threshold ``t``).  Two sets
    with Jaccard ≥ t share at least ``ceil(t·m)`` trigrams, so they share one in those prefixes: a
    lookup reads a few short posting lists, then checks :func:`similarity` on those stems only — the
    same answer as comparing with every kept stem.
    """

    def __init__(self, frequency: Mapping[str, int] | None = None, threshold: float = NEAR_DUPLICATE) -> None:
        self._threshold = threshold
        self._frequency = frequency if frequency is not None else {}
        self._kept: list[tuple[str, frozenset[str]]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)

    def _prefix(self, sh: frozenset[str]) -> list[str]:
        overlap = max(1, math.ceil(self._threshold * len(sh) - 1e-9))
        ranked = sorted(sh, key=lambda t: (self._frequency.get(t, 0), t))
        return ranked[: len(sh) - overlap + 1]

    def find(self, sh: frozenset[str]) -> str | None:
        """The earliest kept stem that ``sh`` nearly duplicates, if any."""
        if not sh:
            return None
        seen = sorted({i for t in self._prefix(sh) for i in self._postings.get(t, ())})
        return next((self._kept[i][0] for i in seen if similarity(sh, self._kept[i][1]) >= self._threshold), None)

    def add(self, name: str, sh: frozenset[str]) -> None:
        for t in self._prefix(sh) if sh else ():
            self._postings[t].append(len(self._kept))
        self._kept.append((name, sh))


def select(
    candidates: Sequence[Candidate], *, per_type: int | None = None, min_score: float = MIN_SCORE
) -> list[Question]:
    """The chosen questions, best first, no document above ``DOC_SHARE`` of them."""
    doc_cap: int | None = None
    rarity = trigram_counts(c.question.stem for c in candidates)
    chosen = _greedy(candidates, per_type, min_score, doc_cap, rarity)
    for _ in range(4):
        counts = Counter(q.doc_id for q in chosen)
        limit = int(DOC_SHARE * len(chosen))
        if len(counts) < 4 or max(counts.values()) <= limit:
            break
        doc_cap = limit if doc_cap is None else min(doc_cap, limit)
        chosen = _greedy(candidates, per_type, min_score, doc_cap, rarity)
    return chosen


def _greedy(
    candidates: Sequence[Candidate],
    per_type: int | None,
    min_score: float,
    doc_cap: int | None,
    rarity: Mapping[str, int],
) -> list[Question]:
    docs = {c.question.doc_id for c in candidates}
    cap = per_type if per_type is not None else 8 + 4 * len(docs)
    kind_limit = {k: v * max(1, len(docs) // 8) for k, v in KIND_LIMIT.items()}
    present = [t for t in QUESTION_TYPES if any(c.question.qtype == t for c in candidates)]
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
    paragraph_types: Counter[tuple[str, str]] = Counter()
    chosen: list[Question] = []
    chosen_ids: set[str] = set()
    twins = NearDuplicates(rarity)

    def adjusted(c: Candidate) -> float:
        q = c.question
        penalty = 0.015 * by_doc[q.doc_id] + 0.02 * by_type[q.qtype]
        # a type that is ahead of the thinnest one waits a little: small banks get every type too
        penalty += TYPE_LEAD * max(0, by_type[q.qtype] - min(by_type[t] for t in present))
        if c.paragraph:
            penalty += SAME_TYPE_IN_PARAGRAPH * paragraph_types[(c.paragraph, q.qtype)]
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
        if by_kind[c.kind] >= kind_limit.get(c.kind, len(candidates)):
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
        if twins.find(sh) is not None:
            continue
        chosen.append(q)
        chosen_ids.add(q.qid)
        twins.add(q.qid, sh)
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
            paragraph_types[(c.paragraph, q.qtype)] += 1
        per_sentence.setdefault(q.sentence, set()).add(q.qtype)
    return chosen
