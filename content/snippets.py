"""Cut documents into daily study snippets and order them into a study plan.

A member reads one snippet a day on a phone, so a unit is a few paragraphs — 150–400 characters — that
make sense on their own::

    document ─▶ atoms: headings, and *full-stop sentences* — a clause ending in ；or an introduction ending
                in "：" or "——" is never the end of an atom, so no unit ends there and none starts with the
                subjectless rest ("强化分类指导，…" after "…主要负责同志要履行好第一责任人责任；")
             ─▶ units: the cheapest way to cut the atoms (dynamic programming over the cut points), where
                  · a unit outside 150–400 costs 200 plus every character it is off by; inside, the
                    distance from 250 costs a little (a tenth of a point a character)
                  · a cut inside a paragraph costs 30, and 30 more right after the paragraph's first
                    sentence (its topic stays with what explains it); a cut before a sentence that
                    leans on the one before it ("要紧扣…", "我们要…", "同时…") costs 60, before a pronoun
                    ("这是…") 10 at a paragraph's start and 60 inside one; a cut after an introduction or
                    anywhere but a full stop is not allowed
                  · a heading starts a unit for free (it is the unit's ``heading``); a heading inside a
                    unit costs 40 and becomes a line of the text
                  · a sentence longer than 400 is never cut: it is a unit of its own
             ─▶ plan: documents whose titles match ``first_titles`` (the meeting's own materials) first,
                in that order, then all others in load order; each document keeps its internal order

De-duplication (``content.dedup``) has already left each passage in one document, so no passage is on two
days.  ``snippet_id`` is a hash of the text, so a snippet keeps its id (and members' progress) while its
text is unchanged, wherever it moves in the plan.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from content.model import Document, Snippet
from content.sentences import ends_sentence, split_sentences

MIN_CHARS = 150
TARGET_CHARS = 250
MAX_CHARS = 400
OFF_SIZE = 200.0  # a unit outside MIN_CHARS..MAX_CHARS costs this plus one point per character off
PER_CHAR_OFF_TARGET = 0.1
INSIDE_PARAGRAPH = 30.0  # a cut between two sentences of one paragraph
AFTER_TOPIC = 30.0  # more if it leaves a paragraph's first sentence behind, away from what explains it
LEANING = 60.0  # a cut before a sentence that leans on the one before it ("要…", "同时…")
POINTING = 10.0  # a paragraph opening with a pronoun ("这是…"); inside a paragraph such a cut is LEANING
HEADING_INSIDE = 40.0  # a heading that becomes a line inside a unit (a short section joins the next)
NO_CUT = 1e6  # after an introduction ("：", "——") or a clause (；): never, unless nothing else is possible
_WEAK_ENDS = frozenset("；;：:—")
_KEY_DROP = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")
# a sentence opening like this continues the one before it and must not open a day's reading
_LEANS = re.compile(r"^(?:要|我们|同时|此外|另外|并|还|也|又|但|而|因此|所以|对此|为此|其中)")
_POINTS = re.compile(r"^(?:这|此|该|其|他|她)")


@dataclass(frozen=True)
class _Atom:
    """A heading, or one full-stop sentence of a paragraph (with the ；-clauses before its stop)."""

    text: str
    para: int  # paragraph number; -1 for a heading
    heading: bool = False
    first: bool = False  # the paragraph's first sentence

    @property
    def cuttable_after(self) -> bool:
        return not self.heading and full_stop(self.text)


def full_stop(sentence: str) -> bool:
    """Ends at a full stop (。！？…), not at a clause boundary (；), an introduction (：) or a dash."""
    return ends_sentence(sentence) and sentence.rstrip("”’」』）》)]】 ")[-1:] not in _WEAK_ENDS


def leans_on_previous(sentence: str) -> bool:
    """Does the sentence need the one before it ("要紧扣…", "我们要…", "同时…")?"""
    return _LEANS.match(sentence) is not None


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
    atoms = _atoms(document)
    if not any(not a.heading for a in atoms):
        return []
    cuts = _best_cuts(atoms)
    units: list[tuple[str | None, str]] = []
    heading: str | None = None
    for start, end in itertools.pairwise(cuts):
        part = atoms[start:end]
        while part and part[0].heading:  # leading headings name the unit; they are not its text
            heading = part[0].text
            part = part[1:]
        lines: list[str] = []
        last_para: int | None = None
        for atom in part:
            if atom.heading or atom.para != last_para:
                lines.append(atom.text)
            else:
                lines[-1] += atom.text
            last_para = None if atom.heading else atom.para
        if lines:
            units.append((heading, "\n".join(lines)))
        for atom in part:
            if atom.heading:
                heading = atom.text
    return units


def _atoms(document: Document) -> list[_Atom]:
    atoms: list[_Atom] = []
    for n, block in enumerate(document.blocks):
        if block.kind == "heading":
            atoms.append(_Atom(block.text, -1, heading=True))
            continue
        pending = ""
        for sentence in split_sentences(block.text):
            pending += sentence
            if full_stop(pending):
                atoms.append(_Atom(pending, n, first=not atoms or atoms[-1].para != n))
                pending = ""
        if pending:
            atoms.append(_Atom(pending, n, first=not atoms or atoms[-1].para != n))
    while atoms and atoms[-1].heading:  # a heading with nothing under it introduces nothing
        atoms.pop()
    return atoms


def _best_cuts(atoms: list[_Atom]) -> list[int]:
    """Cut points 0 = c0 < c1 < … < cn = len(atoms) of least total cost (see the module docstring)."""
    n = len(atoms)
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        cut = _cut_cost(atoms, end)
        size = 0  # the unit's text: from its first sentence on, inner headings included
        lead_size = lead_count = inner = 0  # headings before its first sentence name the unit instead
        for start in range(end - 1, -1, -1):
            atom = atoms[start]
            if atom.heading:
                lead_size, lead_count = lead_size + len(atom.text), lead_count + 1
            else:
                size += lead_size + len(atom.text)
                inner += lead_count
                lead_size = lead_count = 0
            if size == 0:
                continue  # headings alone are no unit
            cost = best[start] + _size_cost(size) + inner * HEADING_INSIDE + cut
            if cost < best[end]:
                best[end], back[end] = cost, start
            if size > 3 * MAX_CHARS:
                break
    cuts = [n]
    while cuts[-1] > 0:
        cuts.append(back[cuts[-1]])
    return cuts[::-1]


def _size_cost(size: int) -> float:
    if size < MIN_CHARS:
        return OFF_SIZE + (MIN_CHARS - size)
    if size > MAX_CHARS:
        return OFF_SIZE + (size - MAX_CHARS)
    return abs(size - TARGET_CHARS) * PER_CHAR_OFF_TARGET


def _cut_cost(atoms: list[_Atom], at: int) -> float:
    """The cost of a cut before ``atoms[at]`` (0 at the document's end)."""
    if at >= len(atoms):
        return 0.0
    before, after = atoms[at - 1], atoms[at]
    if after.heading:
        return 0.0 if not before.heading else NO_CUT
    if not before.cuttable_after:
        return NO_CUT
    inside = before.para == after.para
    cost = INSIDE_PARAGRAPH + (AFTER_TOPIC if before.first else 0.0) if inside else 0.0
    if leans_on_previous(after.text):
        cost += LEANING
    elif _POINTS.match(after.text):
        cost += LEANING if inside else POINTING
    return cost


def _title_key(text: str) -> str:
    return _KEY_DROP.sub("", text)
