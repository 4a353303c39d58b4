"""Cut documents into daily study snippets and order them into a study plan.

A member reads one snippet a day on a phone, so a unit is a few paragraphs — about 150–400 characters —
that make sense on their own::

    document ─▶ sections (a heading and the paragraphs under it)
             ─▶ sentences (content.sentences) packed greedily into units:
                  · never cut inside a sentence; a sentence longer than 400 is a unit of its own
                  · prefer full stops: a clause ending in ；is a sentence for the questions, but a
                    unit ends there only when waiting for the full stop would pass 400 by SEMICOLON_SLACK
                  · cut at a paragraph end once a unit has ~250 characters, inside a paragraph only
                    when the next sentence would pass 400
                  · never cut right after an introduction ("同志们：", "…概括为“五重五轻”——")
             ─▶ a unit under 150 merges with a neighbour of the same document if the pair fits in 400
                (a unit that then spans a heading carries that heading as a line of its text), or else
                takes sentences over from a neighbour under the same heading so both reach 150; a unit
                under 100 may merge even if the pair passes 400 by up to 50
             ─▶ plan: documents whose titles match ``first_titles`` (the meeting's own materials) first,
                in that order, then all others in load order; each document keeps its internal order

``snippet_id`` is a hash of the text, so a snippet keeps its id (and members' progress) while its text is
unchanged, wherever it moves in the plan.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from content.model import Document, Snippet
from content.sentences import ends_sentence, split_sentences

MIN_CHARS = 150
TARGET_CHARS = 250
MAX_CHARS = 400
TINY_CHARS = 100
TINY_SLACK = 50  # a unit under TINY_CHARS may be merged even if the pair passes MAX_CHARS by this much
PARAGRAPH_CUT_BONUS = 60  # a cut inside a paragraph must balance better by this much to win
SEMICOLON_SLACK = 30  # a unit may pass MAX_CHARS by this much to end at a full stop rather than at ；
_WEAK_ENDS = frozenset("；;")
_KEY_DROP = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")


@dataclass
class _Unit:
    heading: str | None
    paras: list[list[str]] = field(default_factory=list)  # paragraphs (or parts of one) as sentences
    open_para: bool = False  # the last paragraph is still being filled

    @property
    def size(self) -> int:
        return sum(len(s) for para in self.paras for s in para)

    @property
    def can_end(self) -> bool:
        return bool(self.paras) and ends_sentence(self.paras[-1][-1])

    @property
    def full_stop(self) -> bool:
        """Ends at a full stop (。！？…), not merely at a clause boundary (；)."""
        return bool(self.paras) and full_stop(self.paras[-1][-1])

    def add(self, sentence: str) -> None:
        if self.open_para:
            self.paras[-1].append(sentence)
        else:
            self.paras.append([sentence])
            self.open_para = True

    def absorb(self, other: _Unit) -> None:
        """Append ``other``; if it sits under another heading, that heading becomes a line of the text."""
        if other.heading and other.heading != self.heading:
            self.paras.append([other.heading])
        self.paras.extend(other.paras)

    def merged_size(self, other: _Unit) -> int:
        extra = len(other.heading) if other.heading and other.heading != self.heading else 0
        return self.size + other.size + extra

    @property
    def text(self) -> str:
        return "\n".join("".join(para) for para in self.paras)


def full_stop(sentence: str) -> bool:
    return ends_sentence(sentence) and sentence.rstrip("”’」』）》)]】 ")[-1:] not in _WEAK_ENDS


def text_size(text: str) -> int:
    """Characters a reader sees (line breaks do not count)."""
    return len(text.replace("\n", ""))


def snippet_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def build_plan(documents: list[Document], *, first_titles: Sequence[str] = ()) -> list[Snippet]:
    """The study plan: every document cut into units, meeting materials first."""
    plan: list[Snippet] = []
    for document in order_documents(documents, first_titles):
        for heading, text in cut_document(document):
            plan.append(
                Snippet(
                    snippet_id=snippet_id(text),
                    doc_id=document.doc_id,
                    title=document.title,
                    text=text,
                    position=len(plan),
                    source=document.source,
                    heading=heading,
                )
            )
    return plan


def order_documents(documents: list[Document], first_titles: Sequence[str]) -> list[Document]:
    """Documents matching ``first_titles`` (normalised substring, either way) first, then load order."""
    first: list[Document] = []
    for wanted in first_titles:
        key = _title_key(wanted)
        if not key:
            continue
        for document in documents:
            have = _title_key(document.title)
            if have and (key in have or have in key) and document not in first:
                first.append(document)
    return first + [d for d in documents if d not in first]


def cut_document(document: Document) -> list[tuple[str | None, str]]:
    """(heading, text) study units of one document, in reading order."""
    units: list[_Unit] = []
    heading: str | None = None
    current = _Unit(heading)
    for block in document.blocks:
        if block.kind == "heading":
            if current.paras:
                units.append(current)
            heading = block.text
            current = _Unit(heading)
            continue
        for sentence in split_sentences(block.text):
            overflow = current.size + len(sentence) - MAX_CHARS
            if current.paras and overflow > 0 and (
                current.full_stop or (current.can_end and overflow > SEMICOLON_SLACK)
            ):
                units.append(current)
                current = _Unit(heading)
            current.add(sentence)
        current.open_para = False
        if current.size >= TARGET_CHARS and current.can_end:
            units.append(current)
            current = _Unit(heading)
    if current.paras:
        units.append(current)
    return [(u.heading, u.text) for u in _fix_small(units)]


def _fix_small(units: list[_Unit]) -> list[_Unit]:
    """Give units under MIN_CHARS company: merge with a neighbour if the pair fits in MAX_CHARS,
    otherwise move sentences over from a neighbour under the same heading (both end up ≥ MIN_CHARS)."""
    i = 0
    while i < len(units):
        unit = units[i]
        if unit.size >= MIN_CHARS and unit.can_end:
            i += 1
            continue
        previous = units[i - 1] if i > 0 else None
        following = units[i + 1] if i + 1 < len(units) else None
        limit = MAX_CHARS + (TINY_SLACK if unit.size < TINY_CHARS else 0)
        if previous is not None and previous.merged_size(unit) <= limit:
            previous.absorb(unit)
            del units[i]
        elif following is not None and unit.merged_size(following) <= limit:
            unit.absorb(following)
            del units[i + 1]
        else:
            # Re-cut with a neighbour under the same heading if that helps; either way move on.
            if previous is not None and previous.heading == unit.heading:
                _rebalance(previous, unit)
            elif following is not None and following.heading == unit.heading:
                _rebalance(unit, following)
            i += 1
    return units


def _rebalance(left: _Unit, right: _Unit) -> bool:
    """Re-cut two neighbouring units at the sentence end that best balances them (a paragraph end is
    preferred); False if no cut leaves both within MIN_CHARS..MAX_CHARS."""
    items = [(n, s) for n, para in enumerate(left.paras + right.paras) for s in para]
    total = sum(len(s) for _, s in items)
    best: tuple[int, int] | None = None
    size = 0
    for k in range(1, len(items)):
        size += len(items[k - 1][1])
        if not full_stop(items[k - 1][1]) or not MIN_CHARS <= size <= MAX_CHARS:
            continue
        if not MIN_CHARS <= total - size <= MAX_CHARS:
            continue
        score = abs(total - 2 * size) + (0 if items[k][0] != items[k - 1][0] else PARAGRAPH_CUT_BONUS)
        if best is None or score < best[0]:
            best = (score, k)
    if best is None:
        return False
    left.paras, right.paras = _regroup(items[: best[1]]), _regroup(items[best[1] :])
    return True


def _regroup(items: list[tuple[int, str]]) -> list[list[str]]:
    paras: list[list[str]] = []
    last = None
    for n, sentence in items:
        if n != last:
            paras.append([])
            last = n
        paras[-1].append(sentence)
    return paras


def _title_key(text: str) -> str:
    return _KEY_DROP.sub("", text)
