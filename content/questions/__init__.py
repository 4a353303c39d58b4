"""Question generation: materials' structure in, candidate questions out — no network, no model.

::

    Document ─ sentences ─┬─ facts.find_slots ───────── dates, numbers, bodies, persons, quoted terms
                          │    └─ quantities ────────── 每季度 · 至少一次 · 第三个星期五 · 三分之一 (a rule's facts)
                          ├─ enumerations.inline_lists ─ A、B、C lists ──▶ item slots (with family);
                          │                              "分为A、B、C、D四个等次": counted, read whole
                          └─ sayings.saying_slots ───── key word of “quoted sayings”
             blocks ──────┬─ enumerations.numbered_lists  一是…二是… / （一）…（二）…
                          └─ enumerations.heading_lists   一、…二、… (a speech's parts)
                                         │
              distractors.Pools(all slots, by kind) ── wrong options by construction,
                                         │              of the same kind (kinds.compatible:
                                         │              polarity, form, length, shared pattern),
                                         │              found best-first in an index (shortlist)
              cloze.cloze_candidates / lists.list_candidates ──▶ Candidate(Question, key, …)
              measures ─── a deployment's measures against each other ("做好（　），深入查找现行制度…")
              siblings ─── paired parts of one sentence ("查摆问题听取群众意见，整改整治接受群众监督…"):
                           a blank, and a false 判断 that exchanges two parts
              pairings ─── the same pairings (and 查摆问题“深”、整改整治“硬”…) stated true, whole or two by two
                                         │              (a rule's sentence is named "第七条规定：")
              importance ── each passage's authority tier (content.authority), each fact's weight
              filters ───── refusals: local trivia, predictable blanks, claimless 判断, open lists, details
              attribution ─ the speaker each stem names ("《通知》强调：", "…会议指出：")
              ranking.select ──▶ the bank: each fact once (twice if key), where it is said with most
                                 authority, chosen per document, most important first

Every module here is a plain function of its inputs; :func:`generate` is the only entry point the
pipeline needs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from content.authority import Mark
from content.model import Document, Question
from content.questions.claims import claim_candidates
from content.questions.cloze import cloze_candidates
from content.questions.combined import combined_slots
from content.questions.counterparts import counterpart_candidates
from content.questions.described import described_candidates
from content.questions.descriptions import description_candidates
from content.questions.distractors import Pools
from content.questions.duties import duty_candidates
from content.questions.enumerations import PARALLEL, heavy_pairs, inline_lists, link_families, parallel_clauses
from content.questions.examiner import KINDS, asked_alone, examine
from content.questions.facts import find_slots
from content.questions.filters import PREDICTABLE, keep_slot, predictability
from content.questions.halves import half_candidates
from content.questions.importance import Authority, TierOf, authorities
from content.questions.kinds import NEGATIVE_CUES, is_negative
from content.questions.lists import list_candidates
from content.questions.measures import alternatives, measure_candidates, measure_slots
from content.questions.numbered import heading_lists, numbered_lists
from content.questions.occasions import occasion_candidates
from content.questions.outsider_swaps import outsider_swap_candidates
from content.questions.pairings import pairing_candidates
from content.questions.ranking import select
from content.questions.ranks import rank_candidates
from content.questions.references import reference_candidates
from content.questions.roles import role_candidates
from content.questions.samefact import merge_facts
from content.questions.sayings import document_frequency, is_saying, known_names, saying_slots, saying_spans
from content.questions.siblings import sibling_candidates
from content.questions.slots import Candidate, Enumeration, Evidence, Slot, SlotKind
from content.questions.statements import statement_candidates
from content.questions.studied import studied_candidates
from content.questions.text import cjk_len, norm

Splitter = Callable[[str], list[str]]

__all__ = ["candidates", "generate", "select"]


def generate(
    documents: Sequence[Document], split: Splitter | None = None, *, marks: Mapping[str, Mark] | None = None
) -> list[Question]:
    """The ranked, de-duplicated questions for ``documents`` (not yet verified or curated)."""
    return select(candidates(documents, split, marks=marks))


def candidates(
    documents: Sequence[Document],
    split: Splitter | None = None,
    *,
    core: Sequence[str] = (),
    tier_of: TierOf | None = None,
    marks: Mapping[str, Mark] | None = None,
    own_bodies: Sequence[str] = (),
) -> list[Candidate]:
    """Every question the text supports, scored; the ranker chooses among them.

    ``marks`` (core/background, by file name or title), ``own_bodies`` and ``core`` (shorthand for core marks)
    feed ``content.authority``; ``tier_of`` replaces it with a per-document recogniser
    (``importance.document_tier``'s signature).
    """
    if split is None:
        from content.sentences import split_sentences

        split = split_sentences
    # what the text says of each passage decides what is worth asking; a secretary's mark only weighs it
    # (a core mark on an agenda must not let the news feature's trivia and catchwords through the filters)
    tiers = authorities(documents, tier_of, own_bodies=own_bodies)
    weighed = authorities(documents, tier_of, core, marks=marks, own_bodies=own_bodies) if core or marks else tiers
    titles = [d.title for d in documents]
    per_doc: list[tuple[Document, dict[int, list[str]]]] = []
    evidences: list[tuple[Evidence, str]] = []
    for doc in documents:
        sentences = {b.index: split(b.text) for b in doc.blocks}
        per_doc.append((doc, sentences))
        authority = tiers[doc.doc_id]
        heading = ""
        sections = _section_paragraphs(doc)
        for block in doc.blocks:
            if block.kind == "heading":
                heading = block.text
                continue
            section = sections[block.index]
            first = sentences[block.index][0] if sentences[block.index] else ""
            for sentence in sentences[block.index]:
                lead = first if sentence != first else ""
                ev = Evidence(
                    doc.doc_id,
                    doc.title,
                    sentence,
                    heading=heading,
                    lead=lead,
                    block=block.index,
                    tier=authority.of(block.index),
                    section=section,
                    doc_tier=authority.document,
                )
                evidences.append((ev, block.text))

    enums: list[Enumeration] = []
    for ev, _ in evidences:
        enums.extend(inline_lists(ev))
        enums.extend(parallel_clauses(ev))
    for doc, sentences in per_doc:
        enums.extend(numbered_lists(doc, sentences))
        enums.extend(heading_lists(doc))
    enums = link_families(enums)

    slots: list[Slot] = []
    for ev, _ in evidences:
        slots.extend(_with_polarity(s) for s in find_slots(ev))
    counts = {(e.evidence.doc_id, e.evidence.text, e.count) for e in enums if e.count}
    slots = [s for s in slots if (s.evidence.doc_id, s.evidence.text, s.value) not in counts]  # asked by lists
    parallel: list[Slot] = []  # the objects of repeated-verb clauses: options for each other, never blanks
    for e in enums:
        kind: SlotKind = "heading" if e.kind == "headings" else "item"
        found = [
            Slot(
                kind,
                item,
                start,
                e.evidence,
                family=e.family,
                label=e.label if e.count or e.label.startswith(PARALLEL) else "",
                negative=e.negative,
                role=e.role,
            )
            for item, start in zip(e.items, e.starts, strict=True)
        ]
        (parallel if e.label.startswith(PARALLEL) else slots).extend(found)
    for doc, _ in per_doc:
        slots.extend(
            Slot("heading", b.text, 0, Evidence(doc.doc_id, doc.title, b.text))
            for b in doc.blocks
            if b.kind == "heading" and cjk_len(b.text) >= 8
        )
    known: dict[str, Slot] = {}
    for s in slots:
        if s.kind in ("item", "term") and (s.value not in known or known[s.value].kind == "term"):
            known[s.value] = s
    frequency = document_frequency(ev.text for ev, _ in evidences)
    # the campaign's own name ("树立和践行正确政绩观") is in every title: it is no key word of any saying
    known = {k: v for k, v in known.items() if sum(k in t for t in titles) * 2 < max(2, len(titles))}
    names = known_names(known)
    terms = {k: v for k, v in known.items() if v.kind == "term"}
    term_names = known_names(terms)
    for ev, paragraph in evidences:
        spans = saying_spans(ev, paragraph)
        if spans:
            # a central or own sentence that is no quoted saying offers its known terms, never a guessed word
            if ev.tier > 1 or _SAYING.search(ev.text) or is_saying(ev, paragraph):
                slots.extend(saying_slots(ev, spans, known, frequency, len(evidences), names))
            else:  # a plain central sentence offers only the quoted terms it repeats ("第一责任人")
                slots.extend(saying_slots(ev, spans, terms, {}, len(evidences), term_names))
    slots.extend(s for ev, _ in evidences for s in combined_slots(ev))
    slots = _dedupe(slots)
    paragraphs = {(doc.doc_id, b.index): b.text for doc, _ in per_doc for b in doc.blocks if b.kind == "paragraph"}
    pairs = [s for ev, _ in evidences for s in _pairs(ev)]
    pooled = slots + parallel + pairs + [
        Slot("item", value, start, ev, family=frozenset({value}), negative=True)
        for ev, _ in evidences
        for value, start in heavy_pairs(ev)
    ]
    slots = [s for s in slots if s.kind in ("item", "heading") or keep_slot(s, titles)]
    # a central pair of principles ("坚持聚焦主题、简约务实") is asked as a blank on either half
    # ... unless the pair is a set phrase repeated everywhere ("实事求是、求真务实" in three documents)
    principles = [
        replace(s, kind="term", label="principle")
        for s in pairs
        if s.evidence.tier == 0 and _said(s, paragraphs) < 3
    ]
    slots += [s for s in principles if keep_slot(s, titles)]

    docs_with: dict[str, set[str]] = defaultdict(set)
    for s in slots:
        docs_with[norm(s.value)].add(s.evidence.doc_id)
    pools = Pools(pooled, paragraphs)
    out: list[Candidate] = []
    texts = [_cjk_only(norm(t)) for t in paragraphs.values()]
    for s in slots:
        if s.kind == "item" and not keep_slot(s, titles, _restated(s, paragraphs)):
            continue  # list items stay in the pools as wrong options, but are not asked when predictable
        if s.kind != "heading" and "\n" not in s.evidence.text and not _shared_claim(s, texts):
            out.extend(cloze_candidates(s, pools, len(docs_with[norm(s.value)])))
    for e in enums:
        recurring = len({d for item in e.items for d in docs_with[norm(item)]})
        out.extend(list_candidates(e, pools, max(1, recurring), _sections(e, enums)))
    out.extend(role_candidates([ev for ev, _ in evidences]))
    out.extend(measure_candidates(measure_slots(slots), paragraphs, alternatives(pooled)))
    out.extend(sibling_candidates(ev for ev, _ in evidences))
    out.extend(pairing_candidates(ev for ev, _ in evidences))  # true 判断 on which part goes with which
    out.extend(described_candidates(enums, documents))
    asked = {c.question.sentence.split("\n")[-1] for c in out}
    out.extend(claim_candidates(ev for ev, _ in evidences if ev.text not in asked))
    # what a sentence names (a plan, a session, the levels it reaches) beside its claim: the ranker keeps one
    out.extend(reference_candidates((ev for ev, _ in evidences), titles))
    out.extend(description_candidates(enums, [ev for ev, _ in evidences]))
    out.extend(counterpart_candidates(evidences, paragraphs.values()))
    out.extend(half_candidates((ev for ev, _ in evidences), ["\n".join(b.text for b in d.blocks) for d in documents]))
    out.extend(occasion_candidates(ev for ev, _ in evidences))  # where and when a leader said it
    out.extend(rank_candidates(ev for ev, _ in evidences))  # whom a requirement reaches: 县处级 / 厅局级
    out.extend(duty_candidates(ev for ev, _ in evidences))  # whose role a duty is: 负总责 / 第一责任人, in pairs
    out.extend(studied_candidates(enums, paragraphs.values()))  # what the Notice has members study
    central = "\n".join(ev.text for ev, _ in evidences if ev.tier == 0)
    out.extend(outsider_swap_candidates(enums, central, KINDS))  # a closed list's false 判断, swapped by kind
    sources = {d.doc_id: d.source or "" for d in documents}
    corpus = "\n".join(paragraphs.values())
    # one list, one fact for the ranker (after the examiner: a description of an item is no blank on it)
    whole = {d.doc_id: "\n".join(b.text for b in d.blocks) for d in documents}
    entire = list(whole.values())  # each document once, for how many of them repeat a term
    # ... and each speaker's own passages: the Notice's requirements are no wrong option of its lists, the
    # province's in the same compilation may be ("强化督导检查" against the 工作安排)
    for d in documents:
        for b in d.blocks:
            key = f"{d.doc_id}#{tiers[d.doc_id].of(b.index)}"
            whole[key] = f"{whole[key]}\n{b.text}" if key in whole else b.text
    placed = [_placed(c, tiers, per_doc) for c in out]
    kept = merge_facts(examine(placed, central, titles, sources, corpus, whole, entire))
    kept = asked_alone(kept)
    kept += statement_candidates(kept)
    return kept if weighed is tiers else [_placed(c, weighed, per_doc) for c in kept]


_PAIR = re.compile(r"([\u4e00-\u9fff]{2,4}?)([\u4e00-\u9fff]{4})、([\u4e00-\u9fff]{4})(?=[，。；”、]|$)")
_PAIR_LEAD = re.compile(r"(?:坚持|做到|关乎|强化|注重|突出|[，,])$")


def _pairs(ev: Evidence) -> list[Slot]:
    """Two four-character phrases side by side ("坚持实事求是、求真务实", "关乎立党为公、执政为民"): no list to ask,
    but real wrong options for a list of such phrases (the 总要求)."""
    out = []
    for m in _PAIR.finditer(ev.text):
        if not _PAIR_LEAD.search(ev.text[max(0, m.start(2) - 2) : m.start(2)]) or "、" in m.group(1):
            continue
        if predictability(m.group(2), [m.group(3)]) >= PREDICTABLE:
            continue  # "上有政策、下有对策": a patterned pair
        family = frozenset({m.group(2), m.group(3)})
        out += [Slot("item", m.group(i), m.start(i), ev, family=family, role="principle") for i in (2, 3)]
    return out


def _said(slot: Slot, paragraphs: dict[tuple[str, int], str]) -> int:
    """In how many documents a pair is written as in this sentence ("实事求是、求真务实")."""
    text = slot.evidence.text
    a, b = sorted(slot.family, key=text.find)
    return len({d for (d, _), t in paragraphs.items() if f"{a}、{b}" in t})


def _restated(slot: Slot, paragraphs: dict[tuple[str, int], str]) -> bool:
    """Whether the slot's whole list, as written, is in the paragraphs of two or more documents."""
    if slot.kind != "item" or len(slot.family) < 3:
        return False
    text = slot.evidence.text
    items = sorted(slot.family, key=lambda f: text.find(f))
    if any(text.find(f) < 0 for f in items):
        return False
    run = "、".join(items)
    return len({doc for (doc, _), t in paragraphs.items() if run in t}) >= 2


def _placed(
    c: Candidate, tiers: dict[str, Authority], per_doc: list[tuple[Document, dict[int, list[str]]]]
) -> Candidate:
    """A candidate with the authority of the paragraph its evidence ends in (lists span paragraphs)."""
    authority = tiers[c.question.doc_id]
    if c.paragraph:
        block = int(c.paragraph.rsplit("#", 1)[1])
        return replace(c, tier=authority.of(block), doc_tier=authority.document)
    line = c.question.sentence.split("\n")[-1]
    doc = next(d for d, _ in per_doc if d.doc_id == c.question.doc_id)
    block = next((b.index for b in doc.blocks if line in b.text), -1)
    return replace(c, tier=authority.of(block), doc_tier=authority.document)


SHARED_CLAIM_CHARS = 10
_SAYING = re.compile(r"“[^“”]{8,80}”")
_SAYING_VERB = re.compile(r"^(?:表示|要求|提出|强调|指出|认为)?(?:将|要|应)?")


def _shared_claim(slot: Slot, texts: list[str]) -> bool:
    """Who said it, when several said the same: "哪个单位表示，将深入学习…重要论述？" has many right answers.

    A body or person is asked about only if what follows it in its sentence — its claim, past the verb of
    saying ("表示，将…", "要求…") — occurs in just one paragraph of the corpus.
    """
    if slot.kind not in ("body", "person"):
        return False
    claim = _SAYING_VERB.sub("", _cjk_only(norm(slot.evidence.text[slot.end :])))[:SHARED_CLAIM_CHARS]
    if len(claim) < SHARED_CLAIM_CHARS:
        return False
    mark = _cjk_only(norm(slot.value))[-4:]  # "中央办公厅" and "中共中央办公厅" are one body
    # ``texts``: the corpus's paragraphs, Chinese characters only; the same body saying it again is no rival
    return sum(claim in t and mark not in t for t in texts) > 0


def _section_paragraphs(doc: Document) -> dict[int, tuple[str, ...]]:
    """Each paragraph's section, as the paragraphs under its heading in order: the lines that may name the
    section's speaker ("中央党的建设工作领导小组2月24日召开会议", "习近平总书记在多个场合强调") — never the heading."""
    out: dict[int, tuple[str, ...]] = {}
    current: list[int] = []
    groups = [current]
    for block in doc.blocks:
        if block.kind == "heading":
            current = []
            groups.append(current)
        else:
            current.append(block.index)
    texts = {b.index: b.text for b in doc.blocks}
    for group in groups:
        paragraphs = tuple(texts[i] for i in group)
        out.update(dict.fromkeys(group, paragraphs))
    return out


def _cjk_only(text: str) -> str:
    return "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff")


def _with_polarity(slot: Slot) -> Slot:
    """A quoted term is a fault when it says so or the words just before it do ("严防“低级红”")."""
    if slot.kind != "term":
        return slot
    before = slot.evidence.text[max(0, slot.start - 8) : slot.start]
    negative = is_negative(slot.value) or bool(NEGATIVE_CUES.search(before))
    return replace(slot, negative=negative) if negative else slot


def _sections(enum: Enumeration, enums: Sequence[Enumeration]) -> list[Enumeration]:
    """The other numbered lists of the same document: their items are the best wrong options for this one."""
    if enum.kind != "numbered":
        return []
    return [e for e in enums if e is not enum and e.kind == "numbered" and e.evidence.doc_id == enum.evidence.doc_id]


def _dedupe(slots: list[Slot]) -> list[Slot]:
    """One slot per span of one sentence; a list item or quoted saying wins over a plain term."""
    rank = {"item": 0, "keyword": 1, "term": 2}
    best: dict[tuple[str, str, int, int], Slot] = {}
    for s in slots:
        k = (s.evidence.doc_id, s.evidence.text, s.start, len(s.value))
        old = best.get(k)
        if old is None or _preference(s, rank) < _preference(old, rank):
            best[k] = s
    return list(best.values())


def _preference(s: Slot, rank: dict[str, int]) -> tuple[int, bool]:
    return rank.get(s.kind, 3), not s.evidence.quoted
