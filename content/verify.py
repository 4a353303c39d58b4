"""Mechanical checks on a question bank: every answer proven by its evidence, every limit respected.

The generator is built to be right by construction; this module proves it after the fact, and holds
hand-written (curated) questions to the same standard.  A question passes when:

* its evidence ``sentence`` is verbatim in its document (each line, for a numbered list's evidence);
* single/multiple: every correct option is in the evidence; no wrong option is in it, equals or
  contains a correct one (or is contained in one); options unique; 2–6 options; 多选 has ≥ 2 correct;
* fill: the stem has exactly one ``（　）`` and, filled with the answer, is made of verbatim fragments;
* a stem may hold fixed frame words between its verbatim fragments (``text.FRAMES``: "哪个单位…？",
  "…，是在哪一天？", "…，其中包括“X”。"); a 单选 asked as a question is checked with its answer put back;
* truefalse "正确": the statement is made of verbatim fragments; "错误": the explanation quotes the
  true statement (``原文：“…”``), the two differ by exactly one swap, the original text of that swap
  is in the evidence and the swapped-in text is not;
* truefalse membership ("…，其中包括“X”。", evidence = the whole list): "正确" needs X among the list's
  items, "错误" needs X absent from the whole list, and the explanation to quote the list;
* clean wording: no doubled quotation marks (``““``), no "。；", no 判断 that chains headings
  ("……三、…" / "……二是…");
* Telegram quiz-poll limits: stem ≤ 300, option ≤ 100, explanation ≤ 200 characters;
* no web artifacts ([bookmark, 微信, 扫一扫, 版权, 客服, 编辑整理);
* no two stems are near-duplicates (character-trigram Jaccard ≥ 0.6) and no two ids collide.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from content.model import FALSE_TEXT, TRUE_TEXT, Document, Question
from content.questions.ranking import NEAR_DUPLICATE, shingles, similarity
from content.questions.text import BLANK, MEMBER_LINKS, answered, contains, fragments, norm

STEM_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
CHOICE_OPTIONS = (2, 6)
ARTIFACTS = ("[bookmark", "bookmark:", "微信", "扫一扫", "版权", "客服", "编辑整理")
_ORIGINAL = re.compile(r"原文(?:（[^）]*）)?：“(.*)”", re.S)
_MEMBERSHIP = re.compile(rf"^(?P<scope>.+?)(?:{'|'.join(map(re.escape, MEMBER_LINKS))})“(?P<item>.+)”。$", re.S)
_PREFIX = re.compile(r"^(?:【[^】]*】|《[^》]*》：)")
_HEADING_CHAIN = re.compile(r"……\s*(?:[一二三四五六七八九十]{1,3}(?:、|是)|[（(][一二三四五六七八九十]{1,3}[）)])")
_QUOTE_MARKS = str.maketrans("", "", "“”‘’")


@dataclass
class CheckReport:
    failures: list[tuple[str, str]] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)
    by_document: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed_ids(self) -> set[str]:
        return {qid for qid, _ in self.failures}


def check_bank(questions: Sequence[Question], documents: Sequence[Document] | None = None) -> CheckReport:
    """Check every question; ``documents`` (when given) proves each evidence sentence is verbatim."""
    report = CheckReport(
        by_type=dict(Counter(q.qtype for q in questions)),
        by_document=dict(Counter(q.document for q in questions)),
    )
    texts = {d.doc_id: [b.text for b in d.blocks] for d in documents} if documents is not None else None
    for q in questions:
        for reason in check_question(q, texts.get(q.doc_id) if texts is not None else None):
            report.failures.append((q.qid, reason))
    seen: Counter[str] = Counter(q.qid for q in questions)
    report.failures.extend((qid, "duplicate id") for qid, n in seen.items() if n > 1)
    kept: list[tuple[str, frozenset[str]]] = []
    for q in questions:
        sh = shingles(q.stem)
        twin = next((qid for qid, other in kept if similarity(sh, other) >= NEAR_DUPLICATE), None)
        if twin is not None:
            report.failures.append((q.qid, f"stem nearly duplicates {twin}"))
        kept.append((q.qid, sh))
    return report


def check_question(q: Question, blocks: Sequence[str] | None = None) -> list[str]:
    """Every reason ``q`` is not fit to publish (empty when it is)."""
    problems: list[str] = []
    if not q.sentence.strip():
        return ["no evidence sentence"]
    if blocks is not None:
        for line in q.sentence.split("\n"):
            if not any(line in b for b in blocks):
                problems.append(f"evidence not verbatim in its document: {line[:30]}")
    problems += _limits(q)
    problems += _style(q)
    for text in (q.stem, q.explanation, *q.options, *q.answer):
        hit = next((a for a in ARTIFACTS if a in text), None)
        if hit:
            problems.append(f"artifact {hit!r} in question text")
    check = {"single": _choice, "multiple": _choice, "fill": _fill, "truefalse": _truefalse}.get(q.qtype)
    if check is None:
        return [*problems, f"unknown type {q.qtype!r}"]
    return problems + check(q)


def _limits(q: Question) -> list[str]:
    out = []
    if not q.stem.strip():
        out.append("empty stem")
    if len(q.stem) > STEM_LIMIT:
        out.append(f"stem longer than {STEM_LIMIT}")
    if len(q.explanation) > EXPLANATION_LIMIT:
        out.append(f"explanation longer than {EXPLANATION_LIMIT}")
    if any(len(o) > OPTION_LIMIT for o in q.options):
        out.append(f"option longer than {OPTION_LIMIT}")
    if any(not o.strip() for o in q.options):
        out.append("empty option")
    return out


def _style(q: Question) -> list[str]:
    """Wording a member would stumble over, whatever the facts."""
    out = []
    for name, text in (("stem", q.stem), ("explanation", q.explanation)):
        if "““" in text or "””" in text:
            out.append(f"doubled quotation marks in the {name}")
        if "。；" in text:
            out.append(f"'。；' in the {name}")
    if q.qtype == "truefalse" and _HEADING_CHAIN.search(q.stem):
        out.append("判断 statement chains headings (……一、/……二是)")
    return out


def _supported(q: Question, text: str) -> bool:
    return contains(q.sentence, text) or contains(q.document, text)


def _verbatim(q: Question, stem: str) -> str | None:
    """The first fragment of ``stem`` that is neither in the evidence nor the title, if any."""
    return next((f for f in fragments(stem) if not _supported(q, f)), None)


def _choice(q: Question) -> list[str]:
    out = []
    lo, hi = CHOICE_OPTIONS
    if not lo <= len(q.options) <= hi:
        out.append(f"{len(q.options)} options (need {lo}–{hi})")
    if len({norm(o) for o in q.options}) != len(q.options):
        out.append("options not unique")
    if not q.answer or any(a not in q.options for a in q.answer):
        out.append("answer not among the options")
    if q.qtype == "single" and len(q.answer) != 1:
        out.append("单选 needs exactly one answer")
    if q.qtype == "multiple" and len(q.answer) < 2:
        out.append("多选 needs at least two answers")
    for a in q.answer:
        if not contains(q.sentence, a):
            out.append(f"answer not in evidence: {a}")
    for d in (o for o in q.options if o not in q.answer):
        nd = norm(d)
        if contains(q.sentence, d):
            out.append(f"distractor is in the evidence: {d}")
        if any(nd == norm(a) or nd in norm(a) or norm(a) in nd for a in q.answer):
            out.append(f"distractor overlaps the answer: {d}")
    filled = answered(q.stem, q.answer[0]) if q.qtype == "single" and len(q.answer) == 1 else None
    if filled is not None:
        bad = _verbatim(q, filled)
        if bad:
            out.append(f"stem not verbatim: {bad[:30]}")
    return out


def _fill(q: Question) -> list[str]:
    if q.stem.count(BLANK) != 1:
        return ["填空 needs exactly one blank （　）"]
    if not q.answer:
        return ["no accepted answer"]
    out = []
    first = q.answer[0]
    if not contains(q.sentence, first):
        out.append(f"answer not in evidence: {first}")
    if any(norm(a) != norm(first) for a in q.answer[1:]):
        out.append("accepted answers are not spellings of one answer")
    bad = _verbatim(q, q.stem.replace(BLANK, first, 1))
    if bad:
        out.append(f"stem not verbatim: {bad[:30]}")
    return out


def _truefalse(q: Question) -> list[str]:
    if tuple(q.options) != (TRUE_TEXT, FALSE_TEXT) or len(q.answer) != 1 or q.answer[0] not in q.options:
        return [f"判断 needs options {TRUE_TEXT}/{FALSE_TEXT} and one answer"]
    membership = _MEMBERSHIP.match(q.stem)
    if membership:
        return _membership(q, membership.group("scope"), membership.group("item"))
    if q.answer[0] == TRUE_TEXT:
        bad = _verbatim(q, q.stem)
        return [f"true statement not in evidence: {bad[:30]}"] if bad else []
    m = _ORIGINAL.search(q.explanation)
    if not m:
        return ["false statement without 原文：“…” in the explanation"]
    original = m.group(1)
    bad = _verbatim(q, original)
    if bad:
        return [f"quoted original not in evidence: {bad[:30]}"]
    statement = q.stem
    prefix = _PREFIX.match(statement)
    if prefix and not original.startswith(prefix.group(0)):
        statement = statement[prefix.end() :]  # "【龙岩高新区】" names the part; the quotation starts after it
    swapped, source = swap_of(statement.translate(_QUOTE_MARKS), original.translate(_QUOTE_MARKS))
    if swapped is None or source is None:
        return ["false statement does not differ from the original by exactly one swap"]
    out = []
    if not _verbatim(q, q.stem):
        out.append("false statement is verbatim in the evidence")
    if len(norm(swapped)) >= 2 and contains(q.sentence, swapped):
        out.append(f"swapped-in text is in the evidence: {swapped}")
    if not contains(q.sentence, source):
        out.append(f"swapped-out text is not in the evidence: {source}")
    return out


def _membership(q: Question, scope: str, item: str) -> list[str]:
    """ "<list lead-in>，其中包括“X”。": true iff X is in the list (the evidence) and is not the lead-in."""
    bad = _verbatim(q, scope)
    if bad:
        return [f"membership scope not in evidence: {bad[:30]}"]
    if q.answer[0] == TRUE_TEXT:
        listed = contains(q.sentence, item) and not contains(scope, item)
        return [] if listed else [f"not an item of the list: {item[:30]}"]
    if contains(q.sentence, item):
        return [f"false membership names an item of the list: {item[:30]}"]
    m = _ORIGINAL.search(q.explanation)
    if not m:
        return ["false statement without 原文：“…” in the explanation"]
    # the quotation runs over several items, so it is checked item by item
    bad = next((b for part in re.split(r"(?<=[。；！？：—])", m.group(1)) if (b := _verbatim(q, part))), None)
    return [f"quoted original not in evidence: {bad[:30]}"] if bad else []


def swap_of(statement: str, original: str) -> tuple[str | None, str | None]:
    """(swapped-in, swapped-out) when ``statement`` is ``original`` with one span replaced.

    The differing stretch between the common prefix and suffix must be a single term: no clause
    punctuation inside it, at most 30 characters — two edits far apart are not one swap.
    """
    if statement == original:
        return None, None
    p = 0
    while p < min(len(statement), len(original)) and statement[p] == original[p]:
        p += 1
    s = 0
    while (
        s < min(len(statement), len(original)) - p
        and statement[len(statement) - 1 - s] == original[len(original) - 1 - s]
    ):
        s += 1
    new, old = statement[p : len(statement) - s], original[p : len(original) - s]
    if not new or not old or any(len(x) > 30 or re.search(r"[，,。；;：:]|……", x) for x in (new, old)):
        return None, None  # several edits, not one swap
    return new, old
