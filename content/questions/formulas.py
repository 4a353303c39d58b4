"""判断 a member settles by the form of the words, not by the material (independent examiner, round 4).

The last strict read of the whole bank (README, "Round 4") found four 判断 that a member who never read the
materials answers or disputes anyway.  Each is a cause, refused here for every builder::

    affirmed by form   a true pairing ("《通知》强调：整改整治接受群众监督，检验成效接受群众评判。"): its only false
                       version exchanges two partners, which ``giveaways.exchanged`` refuses as defensible
                       either way — so the true one has no counterweight, and every positive requirement reads
                       true; a true "其中包括“X”" whose X has the pattern every item of the list shares
                       (五重五轻 → "重短轻长": any 重X轻Y is affirmed); its false twin with an item of the same
                       pattern from outside the list ("重速度轻质量") stays the question; a true "其中包括“X”"
                       whose X is a stock step the materials repeat in ``STOCK_DOCUMENTS`` or more documents
                       ("建章立制": the Notice, the news feature, the school, the round-up and the high-tech zones
                       all write it — two independent examiners, banks of 11 and 8: every member affirms it,
                       read or not); its false twin with a real outsider ("真督实导") stays the question
    false by its words a false twin handing a role only one person can hold ("第一责任人", "一把手") to a collective
                       holder ("领导班子成员", "各级…"): "第一" cannot hold for a whole 班子, so the statement is
                       false by its wording, and the standing formula (主要负责同志 · 第一责任人 / 班子成员 · 一岗双责)
                       is what every member already knows
    defended nearby    a false twin whose swapped-in phrase stands in the same paragraph as its source line
                       ("各级党委（党组）抓好统筹协调" where the next sentence says "各级党委（党组）要对学习
                       教育负总责"): the passage gives the swapped-in holder a like duty, so a member may
                       defend the false version — the rule a wrong option already obeys (``distractors``, check 3)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from content.questions.giveaways import swap
from content.questions.slots import Candidate
from content.questions.text import norm, statement

__all__ = ["PATTERN_CHARS", "STOCK_DOCUMENTS", "formula_refusal", "patterned_item", "stock_item"]

PATTERN_CHARS = 2  # characters every item of a list must share to make a pattern (重…轻… in 五重五轻)
# documents that write an item before it is a stock term a guesser affirms in a true membership 判断: one
# document's list is read once; a step every deployment and report repeats is heard whether or not one reads
STOCK_DOCUMENTS = 3
_MEMBER = re.compile(r"其中包括“(?P<item>[^”]+)”。?$")
# a role only one person holds, and holders that are many people
_SINGULAR_ROLE = re.compile(r"第一责任人|“?一把手”?责任|牵头抓总")
_COLLECTIVE = re.compile(r"成员|各级|全体|广大|班子(?!主要)")
_SINGULAR_HOLDER = re.compile(r"主要负责|一把手|书记")


def formula_refusal(c: Candidate, corpus: str = "", documents: Sequence[str] = ()) -> str | None:
    """Why ``c`` is settled by the form of its words (see the module docstring), else ``None``.

    ``corpus``: every paragraph of the materials, one a line (as ``questions.candidates`` joins them);
    ``documents``: each document's whole text, for how many documents write a membership's item.
    """
    q = c.question
    if q.qtype != "truefalse" or c.truth is None:
        return None
    if c.truth:
        if c.kind == "pairing":
            return "a true pairing: its only false version (an exchange) is refused, so it is affirmed by form"
        m = _MEMBER.search(q.stem)
        if m and patterned_item(m.group("item"), c.fact):
            return "a true 其中包括 whose item has the list's own pattern: any such item is affirmed"
        if m and stock_item(m.group("item"), documents):
            return "a true 其中包括 whose item is a stock step many documents repeat: affirmed unread"
        return None
    line = q.sentence.split("\n")[-1]
    swapped = swap(statement(q.stem), line)
    if swapped is None:
        return None
    out, into = swapped
    said = norm(statement(q.stem))
    if _SINGULAR_ROLE.search(said) and _COLLECTIVE.search(into) and _SINGULAR_HOLDER.search(out):
        return "a false 判断 false by its words: a role one person holds given to many"
    if corpus and len(into) >= 2 and _nearby(norm(line), into, norm(corpus)):
        return "a false 判断 whose swapped-in phrase its own paragraph states: defensible"
    return None


def patterned_item(item: str, fact: str) -> bool:
    """Whether every item of the list ``fact`` ("A、B、C") shares ``PATTERN_CHARS`` or more characters that
    ``item`` has as well (重 and 轻 for 五重五轻): such an item looks like a member of the list by its form."""
    items = [i for i in fact.split("、") if i]
    if len(items) < 3:
        return False
    shared = set(items[0]).intersection(*map(set, items[1:]))
    return len(shared) >= PATTERN_CHARS and shared <= set(item)


def stock_item(item: str, documents: Sequence[str]) -> bool:
    """Whether ``item`` is written in ``STOCK_DOCUMENTS`` or more of ``documents`` (whole texts): a step the
    campaign's every deployment and report repeats ("学习研讨、查摆问题、整改整治、建章立制、开门教育", four or five
    documents each), not one a single list names ("了解群众反映", "重始轻终", one document each)."""
    x = norm(item)
    return bool(x) and sum(x in norm(d) for d in documents) >= STOCK_DOCUMENTS


def _nearby(line: str, into: str, corpus: str) -> bool:
    """Whether the paragraph that holds ``line`` states ``into`` outside the line itself."""
    for paragraph in corpus.split("\n"):
        at = paragraph.find(line)
        if at >= 0 and into in paragraph[:at] + "\n" + paragraph[at + len(line) :]:
            return True
    return False
