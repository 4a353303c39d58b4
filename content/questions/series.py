"""A blank on one item of a series whose claim belongs to the whole: refused whoever builds it (issue #7,
examiner round 9, cause 2).

The examiner judged two 填空 not worth a member's two minutes for one reason — the sentence asserts nothing
of the item the blank asks:

    open list       "要坚持与中央巡视整改、深入贯彻中央八项规定精神学习教育整改、（“十五五”规划编制实施）、生态环保
                    督察整改等相结合" — the claim is the head (rectification is *combined with* such work); the
                    等 leaves the list open, so the item is one sample of it, and knowing it changes nothing
    rhetorical      "从中央经济工作会议，到…专题研讨班，再到（春节团拜会），习近平总书记在多个场合强调…" — the claim
                    is that he stressed it on many occasions; the stations only illustrate the sweep

The rule, over the finished stem and its source sentence:

* an item of a 、-run is refused when the source leaves the run open — "……" after it, a sample marker
  before it (例如, 比如, 诸如, 譬如), or 等 that does not close it (a central line closes a list only with 等
  and a summarising noun: ``closed``) — or when the clause after the run generalises over it (在多个场合,
  多次, 反复, 一再): the claim is then the list's or the head's;
* a station of "从A，到B，再到C" is refused, and of a two-station "从A到B" when such a head follows (a range's
  end without one — "从3月到7月底" — is its own claim, and stays askable);
* unless the sentence singles the item out (特别是, 尤其是, 重点是, 首先是, 关键是 before it): then the item is
  what it asserts.

What stays asked: a closed central list's distinctive item — "通过督促检查、调查研究、（了解群众反映）等途径"
is the whole list as Party exams read it (the owner's decision, ``test_owner_decisions``) — and an item of a
run written without 等 ("坚持（聚焦主题）、简约务实"), which is the list as a whole.  Applied to a 填空 and to
a 单选 whose stem has the blank; a 多选's blank spans the run and asks the list itself.
"""

from __future__ import annotations

import re

from content.questions.closed import closed
from content.questions.slots import Candidate
from content.questions.text import BLANK

_STOP = "，。；：！？,;:!?\n"
# the items written before the blank, each closed by 、 (the first runs back to the clause's start)
_LEFT = re.compile(rf"(?:[^{_STOP}、…]{{1,40}}、)+$")
# ... and after it, each opened by 、; 等 ends the run (an item never contains it here)
_RIGHT = re.compile(rf"^(?:、[^{_STOP}、…等]{{1,40}})*")
_DENG = re.compile(r"^等(?!级|同|待|于|候|次|额|量)")
_SAMPLE = re.compile(r"^(?:例如|比如|诸如|譬如)")
_SINGLED = re.compile(r"(?:特别是|尤其是|重点是|首先是|关键是|核心是)$")
# a head that generalises over the series it follows: the claim is the head's
_SWEEP = re.compile(r"(?:多个|不同|各种|许多|诸多|各类)场合|多次|反复|一再|屡次")
_THREE = re.compile(
    r"从(?P<a>[^。；]{2,40}?)[，,]?到(?P<b>[^。；]{2,40}?)[，,]?(?:再到|直到|又到)(?P<c>[^。；，,]{2,40})"
)
_TWO = re.compile(r"从(?P<a>[^。；，,]{2,40}?)[，,]?到(?P<b>[^。；，,]{2,40})")


def series_item(c: Candidate) -> str | None:
    """Why a blank on ``c``'s key asks one item of a series whose claim is the whole, or ``None``."""
    q = c.question
    if q.qtype not in ("fill", "single") or BLANK not in q.stem or not q.answer:
        return None
    key = q.answer[0]
    line = q.sentence.split("\n")[-1]  # the sentence itself, not the lead glued before it
    at = _locate(line, q.stem, key)
    if at is None:  # reworded beyond finding: judge the stem filled in
        line = q.stem.replace(BLANK, key, 1)
        at = line.find(key)
    left, right = line[:at], line[at + len(key) :]
    if _SINGLED.search(left):
        return None  # "…，特别是（　）": the item is what the sentence asserts
    if _station(line, at, len(key)):
        return "a station of a rhetorical series (从…到…再到): the claim is the sweep, not the item"
    before = _LEFT.search(left)
    after = _RIGHT.match(right)
    n_before = before.group(0).count("、") if before else 0
    n_after = after.group(0).count("、") if after else 0
    if n_before + n_after == 0:
        return None  # no 、-run around the blank
    items = [
        *(before.group(0).rstrip("、").split("、") if before else []),
        key,
        *(i for i in (after.group(0).split("、") if after else []) if i),
    ]
    tail = right[after.end() if after else 0 :]
    if tail.startswith("…") or _SAMPLE.match(items[0]):
        return "an item of a list the source leaves open (……, 例如): the claim is the list's"
    if _DENG.match(tail) and not closed(line, items, c.tier):
        return "an item of a list 等 leaves open (…等相结合): the claim is the head's, not the item's"
    window = "".join(re.split(r"[，,；;]", tail.split("。", 1)[0])[:2])  # the run's clause and the next
    if _SWEEP.search(window):
        return "an item of a series a head generalises (在多个场合): the claim is the head's"
    return None


def _locate(line: str, stem: str, key: str) -> int | None:
    """Where the blank's key stands in the source sentence: its one occurrence, or the one whose preceding
    characters the stem writes before the blank too."""
    found = [m.start() for m in re.finditer(re.escape(key), line)]
    if len(found) <= 1:
        return found[0] if found else None
    before = stem[: stem.index(BLANK)]
    for width in (6, 4, 2, 1):
        fits = [p for p in found if before and line[:p].endswith(before[-width:])]
        if len(fits) == 1:
            return fits[0]
    return found[0]


def _station(line: str, at: int, length: int) -> bool:
    """The key lies in a station of "从A，到B，再到C", or of "从A到B" that a generalising head follows."""
    for m in _THREE.finditer(line):
        if any(m.start(g) <= at and at + length <= m.end(g) for g in ("a", "b", "c")):
            return True
    for m in _TWO.finditer(line):
        if any(m.start(g) <= at and at + length <= m.end(g) for g in ("a", "b")):
            return bool(_SWEEP.search(line[m.end() : m.end() + 30]))
    return False


__all__ = ["series_item"]
