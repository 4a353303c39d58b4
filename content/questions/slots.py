"""What the extractors find: answerable spans ("slots") and enumerations, each with its evidence.

A slot is a verbatim span of one evidence sentence that a question can ask for — a date, a number, a
body that convened or issued something, a person who chaired, a quoted term, an item of a list, or a key
word of a quoted saying.  An enumeration is a whole list (inline "A、B、C" or numbered 一是…二是… or the
一、二、 headings of a speech).  Builders turn these into questions; nothing here knows about options.

``family`` holds every value that is *also true* for the slot (the other items of its list and of lists
that share items with it), so a distractor can be refused by construction, not by luck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from content.model import Question

SlotKind = Literal[
    "item", "term", "date", "number", "body", "person", "keyword", "heading", "frequency", "ordinal", "fraction"
]
ListKind = Literal["inline", "numbered", "headings"]


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: one verbatim sentence, or several joined by newlines for a numbered list."""

    doc_id: str
    document: str
    text: str
    quoted: bool = False  # the span sits in a quoted saying (“……”), a key sentence
    heading: str = ""  # the nearest heading above the sentence: names the meeting or part it belongs to
    lead: str = ""  # the first sentence of the paragraph, when this one is not it ("安徽省委要求…")
    block: int = -1  # index of the paragraph it was read from; -1 for evidence spanning paragraphs
    tier: int = 4  # authority of the passage (``importance``: 0 central … 4 template)
    section: tuple[str, ...] = ()  # the first paragraph of its section: names the meeting "会议强调" reports
    doc_tier: int = 4  # authority of the document as a whole (speech, report, …)


@dataclass(frozen=True)
class Slot:
    kind: SlotKind
    value: str
    start: int  # offset of ``value`` in ``evidence.text``
    evidence: Evidence
    family: frozenset[str] = field(default_factory=frozenset)
    label: str = ""  # what the value is, when the text says so: "总要求", "工作安排"
    negative: bool = False  # a fault ("弄虚作假"), by its own words or by the list it is in (see ``kinds``)
    bound: str = ""  # "min" ("至少一次") / "max" ("一个月内"): which wrong values make a sure false statement
    role: str = ""  # what a list item is there for: the list's label ("工作安排") or the words before it ("通过")

    @property
    def end(self) -> int:
        return self.start + len(self.value)


@dataclass(frozen=True)
class Enumeration:
    kind: ListKind
    items: tuple[str, ...]
    evidence: Evidence
    starts: tuple[int, ...]  # offset of each item in ``evidence.text`` (inline lists)
    label: str = ""
    topic: str = ""  # how a stem names the list: "“五重五轻”", "“精准聚焦目标任务…”部分"
    context: str = ""  # the verbatim sentence that introduces a numbered list
    lines: tuple[str, ...] = ()  # numbered lists: the verbatim first sentence of each item
    family: frozenset[str] = field(default_factory=frozenset)
    negative: bool = False  # a list of faults: "是否存在漠视群众、敷衍塞责、弄虚作假的行为"
    count: str = ""  # the count the text gives the list ("四个等次"), when it gives one
    open: str = ""  # "……" or "等" when the source leaves the list open
    role: str = ""  # what the items are there for: the list's label ("工作安排") or the words before it ("通过")


@dataclass(frozen=True)
class Candidate:
    """A built question before ranking, with what the ranker needs to spread and de-duplicate."""

    question: Question
    key: str  # the normalised answer slot: two candidates with the same key ask the same thing
    kind: str  # the slot kind it came from, for balancing
    truth: bool | None = None  # truefalse only: whether the statement is true
    group: str = ""  # the list family it asks about: a list should not fill the bank on its own
    paragraph: str = ""  # "doc_id#block": one paragraph should not fill the bank either
    tier: int = 4  # authority of the passage it was read from (``importance``)
    doc_tier: int = 4  # authority of its document

    @property
    def fact(self) -> str:
        """What the question asks about, wherever it is read: a list's family, or the answer slot."""
        return self.group or self.key
