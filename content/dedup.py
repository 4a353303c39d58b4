"""Keep each passage once: the first time it appears in load order.

The campaign's core texts are quoted everywhere — the notice's sentences turn up in 000, 001, 002 and 003,
and 002's Guangdong paragraph is 001's provincial meeting report again.  A member should read a passage
once, and the question bank should not ask about it four times.

Passages are compared as sets of character 5-gram *shingles* over their Chinese characters, letters and
digits (punctuation and spacing differences do not matter).  *Containment* — the share of a passage's
shingles already seen in earlier text — measures "this was said before", and it is taken against the
union of everything earlier, so a paragraph stitched from two earlier ones is caught too::

    paragraph ≥ 40 chars, containment ≥ 0.85          → dropped whole
    sentences ≥ 12 chars, containment ≥ 0.85, and together
        ≥ 50 % of a paragraph's characters              → those sentences dropped; the paragraph survives
                                                          only if ≥ 40 chars of new text remain

The thresholds were measured on the five real materials (see tests/content/test_dedup.py): the party's
stock phrases ("深入学习贯彻习近平总书记关于…的重要论述") put genuinely new meeting reports at 0.3–0.8, while
re-quoted passages sit at 0.85–1.0.  Short paragraphs (< 40 chars) are only dropped when repeated exactly:
a short quote may legitimately recur inside a list ("提出“…”；").  Headings left with no paragraph under
them go as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from content.model import Block, Document
from content.sentences import split_sentences

SHINGLE = 5
PARAGRAPH_CONTAINMENT = 0.85
SENTENCE_CONTAINMENT = 0.85
MOSTLY_REPEATED = 0.5
MIN_NEAR_DUPLICATE = 40
MIN_SENTENCE = 12
_KEY_DROP = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")


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
    removed: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, text)


def remove_duplicates(documents: list[Document]) -> list[Document]:
    """Documents in the same order with repeated passages removed (earlier documents win)."""
    return deduplicate(documents)[0]


def deduplicate(documents: list[Document]) -> tuple[list[Document], DedupReport]:
    report = DedupReport()
    seen: set[str] = set()
    exact: set[str] = set()
    out: list[Document] = []
    for document in documents:
        blocks: list[Block] = []
        for block in document.blocks:
            if block.kind != "paragraph":
                blocks.append(block)
                continue
            text = _dedup_paragraph(block.text, seen, exact, report, document.doc_id)
            if text is not None:
                blocks.append(replace(block, text=text))
        kept = _drop_empty_headings(blocks, report)
        out.append(replace(document, blocks=tuple(replace(b, index=i) for i, b in enumerate(kept))))
    return out, report


def _dedup_paragraph(text: str, seen: set[str], exact: set[str], report: DedupReport, doc_id: str) -> str | None:
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
        return _dedup_sentences(text, seen, report, doc_id)
    finally:
        exact.add(key)
        seen |= own


def _dedup_sentences(text: str, seen: set[str], report: DedupReport, doc_id: str) -> str | None:
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return text
    repeated = [len(text_key(s)) >= MIN_SENTENCE and containment(s, seen) >= SENTENCE_CONTAINMENT for s in sentences]
    repeated_chars = sum(len(text_key(s)) for s, r in zip(sentences, repeated, strict=True) if r)
    if repeated_chars < MOSTLY_REPEATED * len(text_key(text)):
        return text
    report.sentences += sum(repeated)
    report.removed.extend((doc_id, s) for s, r in zip(sentences, repeated, strict=True) if r)
    rest = "".join(s for s, r in zip(sentences, repeated, strict=True) if not r)
    if len(text_key(rest)) < MIN_NEAR_DUPLICATE:
        report.paragraphs_near += 1
        report.removed.append((doc_id, rest))
        return None
    return rest


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
