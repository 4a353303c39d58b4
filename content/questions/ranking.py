"""Choosing the bank: the most important facts, each asked once or twice, chosen document by document.

Every candidate carries the fact it asks about (``Candidate.fact``: a list's family, or the answer slot) and
the authority tier of its passage.  Its weight is the builder's score (how clear the stem, how good the wrong
options) times the fact's importance (``importance.importance``: tier, how many documents state the fact,
its kind).  Then::

    home       a fact is asked only where it is stated with most authority (passage tier, document tier,
               then file order): the 总要求 in the Notice, not in a high-tech zone's report
    per doc    each document's questions are chosen from its own candidates under its own quotas (per tier,
               ``importance.TIER_QUOTA``; per slot kind, ``KIND_LIMIT``), greedy on weight, a type that runs
               ahead of the thinnest waiting a little — so adding a material never reshuffles the others'
               questions unless it states one of their facts with more authority
    one fact   one question per fact and type; a second type only for a key fact (weight ≥ ``KEY_FACT``);
               at most two questions per evidence sentence, one more per further fact it states, never
               two of one type
    trivia     a fact that only one report on another unit states is not asked at all
    twins      no stem nearly duplicates one chosen before it (character trigrams, looked up by their rarest
               ones in :class:`NearDuplicates`) unless the two ask for different answers (two blanks of one
               sentence); documents are visited in a fixed order (document tier, then id)

The bank comes out best first: its ``score`` is the weight, so a secretary's review starts with the Notice.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from content.model import QUESTION_TYPES, Question
from content.questions.importance import OTHERS, TIER_QUOTA, importance
from content.questions.samefact import rivals
from content.questions.slots import Candidate
from content.questions.statements import FACT_SEPARATOR, STATEMENTS
from content.questions.swaps import swap_of
from content.questions.text import QUOTED_SOURCE, norm, split_attribution

MIN_SCORE = 0.75
NEAR_DUPLICATE = 0.6
TRUTH_SHARE = 0.6  # 判断: the most of one truth the whole bank holds, when a fact's other statement can trade
TRUTH_SKEW = 2  # 判断: never more than this many more "true" than "false" statements in a document
DEFERRED = 1.0  # a statement the balance holds back waits this far behind its weight, once
FACT_LIMIT = 2  # questions about one fact (a list's family, or one answer) in the whole bank
KEY_FACT = 1.2  # importance-weighted score from which a fact counts as key and may be asked a second time
PARAGRAPH_LIMIT = 3  # questions read off one paragraph
# facts that are easy to generate and dull in bulk, per document ("rule" quantities — 每季度至少一次,
# 连续六个月 — are what a regulation is made of, and have no limit)
KIND_LIMIT = {"body": 2, "date": 2, "person": 1, "number": 2, "term": 6, "role": 8}
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

    def find_all(self, sh: frozenset[str]) -> list[str]:
        """Every kept stem that ``sh`` nearly duplicates."""
        if not sh:
            return []
        seen = sorted({i for t in self._prefix(sh) for i in self._postings.get(t, ())})
        return [self._kept[i][0] for i in seen if similarity(sh, self._kept[i][1]) >= self._threshold]

    def add(self, name: str, sh: frozenset[str]) -> None:
        for t in self._prefix(sh) if sh else ():
            self._postings[t].append(len(self._kept))
        self._kept.append((name, sh))


def select(
    candidates: Sequence[Candidate],
    *,
    per_type: int | None = None,
    min_score: float = MIN_SCORE,
    hidden: Collection[str] = (),
) -> list[Question]:
    """The chosen questions, most important first (see the module docstring).

    Each fact is asked only in its *home* — the most authoritative passage that states it (then the more
    authoritative document, then the earlier one) — and each document's questions are chosen from its own
    candidates under its own quotas (``hidden``: ids the curated overlay withdraws — chosen as before, but
    never shown, so they neither give another's answer away nor are given away).  So a document's selection
    does not depend on how many other documents there are: adding a material changes another's questions
    only where the new one states a fact of it with more authority, or nearly duplicates one of its stems
    from ahead of it.
    """
    pool = [c for c in candidates if c.question.score >= min_score]
    fact_docs: dict[str, set[str]] = defaultdict(set)
    home: dict[str, tuple[int, int, str]] = {}
    for c in pool:
        fact_docs[c.fact].add(c.question.doc_id)
        place = (c.tier, c.doc_tier, c.question.doc_id)
        if c.fact not in home or place < home[c.fact]:
            home[c.fact] = place
    by_doc: dict[str, list[Candidate]] = defaultdict(list)
    for c in pool:
        if c.tier == OTHERS and len(fact_docs[c.fact]) < 2:
            continue  # a fact only one report on another unit mentions is that unit's trivia
        if (c.tier, c.doc_tier, c.question.doc_id) == home[c.fact]:
            weight = c.question.score * importance(c.tier, len(fact_docs[c.fact]), c.kind)
            by_doc[c.question.doc_id].append(replace(c, question=replace(c.question, score=round(weight, 4))))
    rarity = trigram_counts(c.question.stem for c in pool)
    twins = NearDuplicates(rarity)
    order = sorted(by_doc, key=lambda d: (min(c.doc_tier for c in by_doc[d]), d))
    chosen: list[Question] = []
    answers: dict[str, Question] = {}
    for doc_id in order:
        chosen.extend(_per_document(by_doc[doc_id], per_type, twins, answers, hidden))
    chosen = rebalanced(chosen, [c for cs in by_doc.values() for c in cs], hidden)
    return sorted(chosen, key=lambda q: (-q.score, q.qid))


def rebalanced(chosen: list[Question], weighed: Sequence[Candidate], hidden: Collection[str] = ()) -> list[Question]:
    """The bank with 判断 of the truth it has too many of traded, one at a time, for the same fact's statement
    of the other truth (its weighed home candidate): each document balances its own statements, but a bank of
    documents that each hold one false 判断 (五重五轻's "重速度轻质量") is answered by "always 错误".

    A trade keeps the fact and the type, so no other question moves; it is made only while the majority truth
    holds more than ``TRUTH_SHARE`` of the 判断, lightest first, and never for a statement another chosen
    question gives away (``samefact.rivals``) or that nearly repeats a chosen stem.  The pipeline calls it again
    on the finished bank: a statement that yields to a curated question leaves after this choice was made."""
    # every statement counts, a secretary's too; only generated ones (with their facts) can be traded
    def verdict(q: Question) -> bool:
        return q.answer[:1] == ("正确",)

    truth = {c.question.qid: c.truth for c in weighed if c.truth is not None}
    for _ in range(len(chosen)):
        # a withdrawn statement (``hidden``, disabled) is never shown: it balances nothing (the 途径's true copy)
        counts = Counter(verdict(q) for q in chosen if q.qtype == "truefalse" and q.enabled and q.qid not in hidden)
        total = sum(counts.values())
        if not total:
            break
        many = counts[True] > counts[False]
        if counts[many] <= TRUTH_SHARE * total or counts[many] - counts[not many] < 2:
            break  # a trade moves the difference by two: 2 : 1 stays (1 : 2 is no better)
        swap = _trade(chosen, weighed, truth, many, hidden)
        if swap is None:
            break
        out, into = swap
        chosen = [into if q.qid == out.qid else q for q in chosen]
    return chosen


def _trade(
    chosen: list[Question],
    weighed: Sequence[Candidate],
    truth: Mapping[str, bool | None],
    many: bool,
    hidden: Collection[str],
) -> tuple[Question, Question] | None:
    """The lightest chosen statement of truth ``many`` with a same-fact statement of the other truth for it."""
    ids = {q.qid for q in chosen}
    fact = {c.question.qid: c.fact for c in weighed}
    for q in sorted((q for q in chosen if truth.get(q.qid) is many), key=lambda q: (q.score, q.qid)):
        others = [p for p in chosen if p.qid != q.qid and p.qid not in hidden]
        alternatives = sorted(
            (c.question for c in weighed
             if c.truth is (not many) and c.question.qtype == "truefalse" and c.fact == fact.get(q.qid)
             and c.question.doc_id == q.doc_id and c.question.qid not in ids),
            key=lambda a: (-a.score, a.qid),
        )
        for alt in alternatives:
            near = any(similarity(shingles(alt.stem), shingles(p.stem)) >= NEAR_DUPLICATE for p in others)
            if rivals(alt, others) is None and not near:
                return q, alt
    return None


def ranked_facts(candidates: Sequence[Candidate], limit: int = 20) -> list[tuple[str, float, int, int]]:
    """(fact, importance, tier, documents stating it) of the most important facts, for ``content build``."""
    fact_docs: dict[str, set[str]] = defaultdict(set)
    best: dict[str, tuple[float, int, str]] = {}
    candidates = [c for c in candidates if c.kind != STATEMENTS]  # a bundle of facts, listed as its parts
    for c in candidates:
        fact_docs[c.fact].add(c.question.doc_id)
    for c in candidates:
        weight = importance(c.tier, len(fact_docs[c.fact]), c.kind)
        if c.fact not in best or weight > best[c.fact][0]:
            best[c.fact] = (weight, c.tier, c.fact)
    top = sorted(best.values(), key=lambda t: (-t[0], t[2]))[:limit]
    return [(fact, round(weight, 3), tier, len(fact_docs[fact])) for weight, tier, fact in top]


def same_question(a: Question, b: Question) -> bool:
    """Two nearly identical stems ask the same thing unless their answers differ (two blanks of one sentence).

    A 判断 is answered by its statement, so two statements alike are always the same question; a 判断 beside a
    blank of the same sentence is one only when its statement shows the blank's answer (a true statement
    gives the 填空 away; "做好分类指导，深入查找…" beside "做好（　），深入查找…" does not).
    """
    if a.qtype == "truefalse" and b.qtype == "truefalse":
        return True
    if a.qtype == "truefalse" or b.qtype == "truefalse":
        statement, other = (a, b) if a.qtype == "truefalse" else (b, a)
        return not other.answer or any(norm(x) in norm(statement.stem) for x in other.answer)
    na, nb = {norm(x) for x in a.answer}, {norm(x) for x in b.answer}
    return bool(na & nb) or any(x in y or y in x for x in na for y in nb)


def _per_document(
    candidates: Sequence[Candidate],
    per_type: int | None,
    twins: NearDuplicates,
    answers: dict[str, Question],
    hidden: Collection[str] = (),
) -> list[Question]:
    """One document's questions: greedy on importance-weighted score under the document's own limits."""
    present = [t for t in QUESTION_TYPES if any(c.question.qtype == t for c in candidates)]
    # a long paragraph (the Notice's: six sentences of requirements) may give more than a short one
    sentences: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        if c.paragraph:
            sentences[c.paragraph].add(c.question.sentence.split("\n")[-1])
    paragraph_limit = {p: max(PARAGRAPH_LIMIT, 2 * len(s)) for p, s in sentences.items()}
    # a sentence gives two questions, one more for each further fact it states ("通过督促检查、调查研究…等
    # 途径，…从党性上找差距、查根源、强修养": the ways and the aims), never two of one type
    facts_in: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        facts_in[c.question.sentence].add(c.fact)
    sentence_limit = {s: 1 + max(1, len(f)) for s, f in facts_in.items()}
    cap = per_type if per_type is not None else len(candidates)
    heap = [(-c.question.score, c.question.qid, i) for i, c in enumerate(candidates)]
    heapq.heapify(heap)
    by_tier: Counter[int] = Counter()
    by_type: Counter[str] = Counter()
    by_truth: Counter[bool] = Counter()
    per_sentence: dict[str, set[str]] = {}
    used_keys: set[tuple[str, ...]] = set()
    by_fact: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    by_paragraph: Counter[str] = Counter()
    paragraph_types: Counter[tuple[str, str]] = Counter()
    chosen: list[Question] = []
    chosen_ids: set[str] = set()
    deferred: set[str] = set()
    said: set[str] = set()

    def adjusted(c: Candidate) -> float:
        q = c.question
        penalty = 0.02 * by_type[q.qtype]
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
        if by_tier[c.tier] >= TIER_QUOTA[c.tier]:
            continue
        if by_kind[c.kind] >= KIND_LIMIT.get(c.kind, len(candidates)):
            continue
        if c.paragraph and by_paragraph[c.paragraph] >= paragraph_limit.get(c.paragraph, PARAGRAPH_LIMIT):
            continue
        # a key fact (weighty, restated) may be asked twice, in two types; a detail once
        limit = FACT_LIMIT if q.score >= KEY_FACT else 1
        facts = component_facts(c)
        if any((q.qtype, "fact", f) in used_keys or by_fact[f] >= limit for f in facts):
            continue
        if statements_of(c) & said:
            continue  # a statement a 判断 already makes is not an option of a 多选 again, nor the reverse
        sentence_types = per_sentence.get(q.sentence, set())
        if q.qtype in sentence_types or len(sentence_types) >= sentence_limit[q.sentence]:
            continue
        if c.truth is not None and by_truth[c.truth] - by_truth[not c.truth] >= TRUTH_SKEW:
            if q.qid not in deferred:  # the statements of the other truth may still come: wait behind them once
                deferred.add(q.qid)
                heapq.heappush(heap, (-(q.score - DEFERRED), qid, i))
            continue
        score = adjusted(c)
        if heap and score < -heap[0][0] - 1e-9:
            heapq.heappush(heap, (-score, qid, i))
            continue
        sh = shingles(q.stem)
        if any(same_question(answers[t], q) for t in twins.find_all(sh)):
            continue  # the same sentence may be asked twice, for two different answers; never twice for one
        if q.qid not in hidden and rivals(q, (a for a in answers.values() if a.qid not in hidden)) is not None:
            continue  # one stem shows the other's key where its blank stands: the better one (met first) stays
        answers[q.qid] = q
        chosen.append(q)
        chosen_ids.add(q.qid)
        twins.add(q.qid, sh)
        by_tier[c.tier] += 1
        by_type[q.qtype] += 1
        if c.truth is not None:
            by_truth[c.truth] += 1
        used_keys.add((q.qtype, c.key))
        for f in facts:
            used_keys.add((q.qtype, "fact", f))
            by_fact[f] += 1
        said |= statements_of(c)
        by_kind[c.kind] += 1
        if c.paragraph:
            by_paragraph[c.paragraph] += 1
            paragraph_types[(c.paragraph, q.qtype)] += 1
        per_sentence.setdefault(q.sentence, set()).add(q.qtype)
    return chosen


def component_facts(c: Candidate) -> list[str]:
    """The facts a candidate asks: a statements 多选 asks each of its statements' facts, any other one its own —
    and a false 判断 the two phrases it exchanges too, whichever way: "各级党委（党组）抓好统筹协调" (the 领导小组's
    duty) and "中央党的建设工作领导小组要对学习教育负总责" (the 党委's) confuse one pair of holders, and side by side
    each tells the other is a swap."""
    if c.kind == STATEMENTS:
        return c.key.split(FACT_SEPARATOR)[1:]
    pair = exchanged_pair(c.question) if c.truth is False else None
    return [c.fact, pair] if pair else [c.fact]




def exchanged_pair(q: Question) -> str | None:
    """``"exchange:A|B"`` for a false 判断 that puts phrase A where its original says B (either order), else None."""
    m = QUOTED_SOURCE.search(q.explanation)
    if q.qtype != "truefalse" or m is None:
        return None
    _, statement = split_attribution(q.stem)
    swapped, source = swap_of(norm(statement).rstrip("。"), norm(m.group(1)).rstrip("。"))
    if not swapped or not source:
        return None
    return "exchange:" + "|".join(sorted((swapped, source)))


def statements_of(c: Candidate) -> set[str]:
    """The statements a 判断 or a statements 多选 makes, normalised (the speaker left out)."""
    q = c.question
    if c.kind == STATEMENTS:
        return {norm(o) for o in q.options}
    if q.qtype == "truefalse":
        return {norm(split_attribution(q.stem)[1].rstrip("。"))}
    return set()
