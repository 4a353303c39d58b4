"""Plain data that flows through the content pipeline.

The pipeline is a chain of pure functions over these frozen records::

    file ──ingest──▶ raw lines ──clean──▶ Document(blocks) ──dedup──▶ snippets / plan
                                                        └──generate──▶ Question ──verify──▶ bank

Nothing here touches the database or Telegram: ``storage.content`` persists these records per branch,
``bot`` shows them.  Ids are content hashes so they stay stable while the source text is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

BlockKind = Literal["heading", "paragraph"]
QuestionType = Literal["single", "multiple", "truefalse", "fill"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multiple", "truefalse", "fill")
TRUE_TEXT = "正确"
FALSE_TEXT = "错误"


@dataclass(frozen=True)
class Block:
    """One heading or paragraph of a cleaned document, in reading order."""

    kind: BlockKind
    text: str
    index: int
    level: int = 0  # 0 = paragraph; 1 = 一、 / 第X章; 2 = （一） / 第X条; 3 = 一是 / 1.
    marker: str | None = None  # the numbering as written: "一、", "（二）", "三是", "第五条"


@dataclass(frozen=True)
class Document:
    """One article: a file may hold several (an agenda followed by its study materials)."""

    doc_id: str  # stable: "<file stem>#<n>"
    file_name: str
    title: str
    blocks: tuple[Block, ...]
    source: str | None = None  # "人民日报", "上海基层党建微信公众号"
    published: date | None = None
    # editorial text around the article that is not study text (a preface, promo lines): "以供各位笔杆子借鉴使用"
    # says the text is a template, so content.authority reads it
    notes: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == "paragraph")


@dataclass(frozen=True)
class Snippet:
    """A daily study unit: whole sentences, roughly 150–400 characters, from one document."""

    snippet_id: str
    doc_id: str
    title: str
    text: str
    position: int  # order in the study plan, 0-based
    source: str | None = None
    heading: str | None = None  # nearest heading above the text, for context


@dataclass(frozen=True)
class Question:
    """A self-check question with the evidence that proves its answer.

    ``answer`` holds option texts for choice types, ``正确``/``错误`` for true/false and the accepted
    answers for fill-in.  ``sentence`` is the verbatim source sentence the answer is checked against.
    """

    qid: str
    qtype: QuestionType
    stem: str
    options: tuple[str, ...]
    answer: tuple[str, ...]
    explanation: str
    doc_id: str
    document: str  # document title, shown with the evidence
    sentence: str
    score: float = 0.0
    origin: Literal["generated", "curated"] = "generated"
    enabled: bool = True


@dataclass(frozen=True)
class Problem:
    """Something the pipeline could not handle and must report rather than skip."""

    file_name: str
    message: str
    doc_id: str | None = None


@dataclass(frozen=True)
class Fact:
    """A fact the questions ask about, ranked by importance (``content.questions.importance``)."""

    text: str  # the answer slot, or a list's items joined by 、
    importance: float
    tier: int  # 0 central … 4 template (of its most authoritative statement)
    documents: int  # how many documents state it
    asked: int = 0  # questions in the bank about it


@dataclass
class Corpus:
    """Everything built from one materials folder."""

    documents: list[Document] = field(default_factory=list)
    snippets: list[Snippet] = field(default_factory=list)  # in plan order
    questions: list[Question] = field(default_factory=list)  # ranked, verified
    problems: list[Problem] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)  # the most important facts, best first
    question_facts: dict[str, str] = field(default_factory=dict)  # qid → the fact it asks about
    question_tiers: dict[str, int] = field(default_factory=dict)  # qid → authority tier of its passage

    def errors(self) -> list[Problem]:
        """Problems that make ``content check`` fail: all but the cleaning notes on files that were read.

        A file that yielded documents may come with remarks on what cleaning dropped ("dropped a stray
        sentence fragment"); those are notes.  An unreadable or unsupported file, a curated entry that
        names no document or no question, and a question that failed verification are errors.
        """
        read = {d.file_name for d in self.documents}
        return [
            p
            for p in self.problems
            if p.file_name not in read or "verification" in p.message or "withdrawn" in p.message
        ]
