"""Keep each passage once: in its most authoritative document.

The campaign's core texts are quoted everywhere — the notice's sentences turn up in 000, 001, 002 and 003,
and 002's Guangdong paragraph is 001's provincial meeting report again.  A member should read a passage
once, and the question bank should not ask about it four times.  Which copy stays is decided by
``content.authority``: paragraphs are judged in the order (tier of the passage, tier of its document, load
order, reading order), so the Notice keeps its own words although a commentary quoting them was loaded
first, and a round-up loses what it quotes from the central meeting.

Passages are compared as sets of character 5-gram *shingles* over their Chinese characters, letters and
digits (punctuation and spacing differences do not matter).  *Containment* — the share of a passage's
shingles already seen in text judged before it — measures "this was said before", and it is taken against
the union of everything judged before, so a paragraph stitched from two earlier ones is caught too::

    paragraph ≥ 40 chars, containment ≥ 0.85          → dropped whole
    sentences ≥ 12 chars, containment ≥ 0.85, and together
        ≥ 50 % of a paragraph's characters              → those sentences dropped; the paragraph survives
                                                          only if ≥ 40 chars of new text remain

The thresholds were measured on the five real materials (see tests/content/test_dedup.py): the party's
stock phrases ("深入学习贯彻习近平总书记关于…的重要论述") put genuinely new meeting reports at 0.3–0.8, while
re-quoted passages sit at 0.85–1.0.  Short paragraphs (< 40 chars) are only dropped when repeated exactly:
a short quote may legitimately recur inside a list ("提出“…”；").  Headings left with no paragraph under
them go as well.

Context is never cut away: when a paragraph's repeated lead ("…2月24日召开会议。") goes but the sentence
after it leans on it ("蔡奇主持会议并讲话"), the lead stays; when a repeated paragraph goes and the next one
of its section leans on it ("会议强调…"), it stays too (``report.restored``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from content.authority import Authority, authorities
from content.model import Block, Document
from content.sentences import split_sentences

SHINGLE = 5
PARAGRAPH_CONTAINMENT = 0.85
SENTENCE_CONTAINMENT = 0.85
MOSTLY_REPEATED = 0.5
MIN_NEAR_DUPLICATE = 40
MIN_SENTENCE = 12
EVENT_CONTAINMENT = 0.6  # a meeting already reported (same date and body) with this much of its wording
_KEY_DROP = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")
_EVENT_DATE = re.compile(r"\d{1,2}月\d{1,2}日(?:[上下]午|晚)?")
# a sentence that reports on a meeting or an act named just before it, or continues the one before it
_LEANS_ON_LEAD = re.compile(
    r"^(?:会议|会上|会后|与会|此外|另外|同时|对此|为此|随后|其中|这|此|该|其|他|她|并|还|也|又)"
    r"|(?:主持|出席|参加|列席)会议|在会上|并讲话"
)


def text_key(text: str) -> str:
    return _KEY_DROP.sub("", text)


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    key = text_key(text)
    if len(key) <= n:
        return {key} if key else set()
    return {key[i : i + n] for i in range(len(key) - n + 1)}


def containment(text: str, seen: set[str]) -> float:
    own = shingles(text)
    return len(own & seen) / len(own) if own else 0.0


@dataclass
class DedupReport:
    """What was removed, for the loader's figures and for tests."""

    paragraphs_exact: int = 0
    paragraphs_near: int = 0
    sentences: int = 0
    headings: int = 0
    removed: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, text), in the order judged
    restored: list[tuple[str, str]] = field(default_factory=list)  # repeats kept as context for what follows
    authority: dict[str, Authority] = field(default_factory=dict)  # of the documents returned, by doc_id


def remove_duplicates(documents: list[Document]) -> list[Document]:
    """Documents in the same order with repeated passages removed (the most authoritative copy stays)."""
    return deduplicate(documents)[0]


def deduplicate(
    documents: list[Document], authority: Mapping[str, Authority] | None = None
) -> tuple[list[Document], DedupReport]:
    """Remove repeated passages; ``authority`` (by doc_id, default: read from the text) decides which copy
    stays: paragraphs are judged in the order (passage tier, document tier, load order, reading order), so
    the first copy judged — the one that stays — is the most authoritative.  ``report.authority`` holds the
    same authorities re-indexed to the blocks that remain."""
    tiers = dict(authority) if authority is not None else authorities(documents)
    report = DedupReport()
    seen: set[str] = set()
    events: set[tuple[str, str]] = set()
    exact: set[str] = set()
    order = sorted(
        ((d, b) for d, document in enumerate(documents) for b in range(len(document.blocks))),
        key=lambda db: _priority(tiers.get(documents[db[0]].doc_id), *db),
    )
    results: list[dict[int, str | None]] = [{} for _ in documents]  # per document: block → kept text
    for d, b in order:
        document, block = documents[d], documents[d].blocks[b]
        if block.kind == "paragraph":
            results[d][b] = _dedup_paragraph(block.text, seen, events, exact, report, document.doc_id)
    out: list[Document] = []
    for document, result in zip(documents, results, strict=True):
        for b in _orphaning_removals(document, result):
            result[b] = document.blocks[b].text
            report.restored.append((document.doc_id, document.blocks[b].text))
        blocks = [
            replace(block, text=text)
            for b, block in enumerate(document.blocks)
            if (text := result.get(b, block.text)) is not None
        ]
        kept = _drop_empty_headings(blocks, report)
        out.append(replace(document, blocks=tuple(replace(b, index=i) for i, b in enumerate(kept))))
        if document.doc_id in tiers:
            report.authority[document.doc_id] = tiers[document.doc_id].keep([b.index for b in kept])
    return out, report


def _orphaning_removals(document: Document, results: Mapping[int, str | None]) -> list[int]:
    """Removed paragraphs whose section would then open with a paragraph that leans on them ("会议强调…"
    with the "…召开会议" before it gone): those stay, as context, though they repeat an earlier copy."""
    restore: list[int] = []
    removed: int | None = None  # the last paragraph removed before anything was kept in this section
    opened = False  # has a paragraph of this section been kept?
    for b, block in enumerate(document.blocks):
        if block.kind == "heading":
            removed, opened = None, False
            continue
        text = results.get(b, block.text)
        if text is None:
            removed = None if opened else b
            continue
        if not opened and removed is not None and leans_on_lead(split_sentences(text)[0]):
            restore.append(removed)
        opened = True
    return restore


def _priority(authority: Authority | None, d: int, b: int) -> tuple[int, int, int, int]:
    """Sort key: the passage's tier, then its document's (both high first), then load and reading order."""
    if authority is None:
        return (0, 0, d, b)
    return (-authority.of_block(b), -authority.tier, d, b)


def _dedup_paragraph(
    text: str, seen: set[str], events: set[tuple[str, str]], exact: set[str], report: DedupReport, doc_id: str
) -> str | None:
    key = text_key(text)
    own = shingles(text)
    try:
        if key in exact:
            report.paragraphs_exact += 1
            report.removed.append((doc_id, text))
            return None
        if len(key) >= MIN_NEAR_DUPLICATE and containment(text, seen) >= PARAGRAPH_CONTAINMENT:
            report.paragraphs_near += 1
            report.removed.append((doc_id, text))
            return None
        return _dedup_sentences(text, seen, events, report, doc_id)
    finally:
        exact.add(key)
        seen |= own
        events.update(e for s in split_sentences(text) if (e := meeting_event(s)) is not None)


def _dedup_sentences(
    text: str, seen: set[str], events: set[tuple[str, str]], report: DedupReport, doc_id: str
) -> str | None:
    sentences = split_sentences(text)
    reported = [_event_repeated(s, seen, events) for s in sentences]
    if len(sentences) < 2 and not (reported[0] and len(text_key(text)) >= MIN_NEAR_DUPLICATE):
        return text  # a short paragraph goes only when repeated exactly; a meeting reported again goes
    repeated = [
        r or (len(text_key(s)) >= MIN_SENTENCE and containment(s, seen) >= SENTENCE_CONTAINMENT)
        for s, r in zip(sentences, reported, strict=True)
    ]
    repeated_chars = sum(len(text_key(s)) for s, r in zip(sentences, repeated, strict=True) if r)
    if repeated_chars < MOSTLY_REPEATED * len(text_key(text)):
        return text
    if repeated[0] and not all(repeated) and leans_on_lead(sentences[repeated.index(False)]):
        repeated[0] = False  # "蔡奇主持会议…" needs the "…召开会议" before it: the lead stays as context
    report.sentences += sum(repeated)
    report.removed.extend((doc_id, s) for s, r in zip(sentences, repeated, strict=True) if r)
    rest = "".join(s for s, r in zip(sentences, repeated, strict=True) if not r)
    if len(text_key(rest)) < MIN_NEAR_DUPLICATE:
        report.paragraphs_near += 1
        if rest:
            report.removed.append((doc_id, rest))
        return None
    return rest


def meeting_event(sentence: str) -> tuple[str, str] | None:
    """(date, body) of a sentence that reports a meeting: "2月24日，…中央党的建设工作领导小组召开会议" and
    "中央党的建设工作领导小组2月24日召开会议" are the same event, reported in other words."""
    head = sentence.split("召开", 1)[0] if "召开" in sentence else None
    date = _EVENT_DATE.search(head) if head is not None else None
    if head is None or date is None:
        return None
    body = _EVENT_DATE.sub("", head.rsplit("，", 1)[-1]).strip("，、 ")
    if not body:
        return None
    return date.group(0), body


def _event_repeated(sentence: str, seen: set[str], events: set[tuple[str, str]]) -> bool:
    event = meeting_event(sentence)
    return event is not None and event in events and containment(sentence, seen) >= EVENT_CONTAINMENT


def leans_on_lead(sentence: str) -> bool:
    """Does this sentence need the one before it to be understood ("会议强调…", "…主持会议", "此外…")?"""
    return _LEANS_ON_LEAD.search(sentence) is not None


def _drop_empty_headings(blocks: list[Block], report: DedupReport) -> list[Block]:
    """A heading whose section lost every paragraph would introduce nothing."""
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading" and not _has_text_below(blocks, i):
            report.headings += 1
            continue
        kept.append(block)
    return kept


def _has_text_below(blocks: list[Block], i: int) -> bool:
    level = blocks[i].level
    for block in blocks[i + 1 :]:
        if block.kind == "paragraph":
            return True
        if block.level <= level:
            return False
    return False
