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

Round 13 (a third independent examiner, today's 真督实导 判断 "ambiguous"; ``membership_refusal``)::

    open list          a false "其中包括“X”" whose list ends in 等 / 等等 ("认真落实……等工作安排"): 等 admits X,
                       so the statement is not surely false; only closed lists (numbered, counted, named) carry it
    foil at home       a false "其中包括“X”" whose X the source document itself writes (真督实导 is the central
                       meeting's, a paragraph of the same compilation): a member who remembers X from "that
                       material" defends 正确
    hidden list        a membership whose lead-in hides the list behind "……": what is asked is not stated; a list
                       without a name is asked as a 多选 instead
    patterned, twinned a true "其中包括“X”" with the list's pattern ("重易轻难") is affirmed by form only when no
                       false twin shares the pattern: with "重速度轻质量" built for the same list, the form tells
                       nothing, and the true one asks a fact nothing else asks (``twinned``)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence

from content.questions.giveaways import swap
from content.questions.slots import Candidate
from content.questions.text import GAP, norm, statement

__all__ = [
    "PATTERN_CHARS",
    "STOCK_DOCUMENTS",
    "formula_refusal",
    "membership_refusal",
    "one_polarity",
    "patterned_item",
    "patterned_twins",
    "stock_item",
]

PATTERN_CHARS = 2  # characters every item of a list must share to make a pattern (重…轻… in 五重五轻)
# documents that write an item before it is a stock term a guesser affirms in a true membership 判断: one
# document's list is read once; a step every deployment and report repeats is heard whether or not one reads
STOCK_DOCUMENTS = 3
_MEMBER = re.compile(r"其中包括“(?P<item>[^”]+)”。?$")
# a lead-in whose list is left open: "…等工作安排" / "…等等" (its noun after 等, if any, ends the lead-in)
_OPEN_LEAD = re.compile(r"等(?:等)?[\u4e00-\u9fff]{0,6}$")
# a role only one person holds, and holders that are many people
_SINGULAR_ROLE = re.compile(r"第一责任人|“?一把手”?责任|牵头抓总")
_COLLECTIVE = re.compile(r"成员|各级|全体|广大|班子(?!主要)")
_SINGULAR_HOLDER = re.compile(r"主要负责|一把手|书记")


def formula_refusal(
    c: Candidate,
    corpus: str = "",
    documents: Sequence[str] = (),
    own: str = "",
    twinned: Collection[str] | None = None,
) -> str | None:
    """Why ``c`` is settled by the form of its words (see the module docstring), else ``None``.

    ``corpus``: every paragraph of the materials, one a line (as ``questions.candidates`` joins them);
    ``documents``: each document's whole text, for how many documents write a membership's item; ``own``: the
    candidate's own document, whose words a false membership's item must not be; ``twinned``: the lists
    (``Candidate.group``) with a false membership 判断 kept whose item has the list's pattern — a true one's
    pattern tells nothing there (``None``: no list has one).
    """
    q = c.question
    if q.qtype != "truefalse" or c.truth is None:
        return None
    member = membership_refusal(c, own)
    if member is not None:
        return member
    if c.truth:
        if c.kind == "pairing":
            return "a true pairing: its only false version (an exchange) is refused, so it is affirmed by form"
        m = _MEMBER.search(q.stem)
        if m and patterned_item(m.group("item"), c.fact) and c.group not in (twinned or ()):
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


def membership_refusal(c: Candidate, own: str = "") -> str | None:
    """Why the membership 判断 ``c`` ("<lead-in>，其中包括“X”。") cannot be settled from its list (round 13 in the
    module docstring: an open list, a foil its own document writes, a list hidden behind "……"), else ``None``."""
    q = c.question
    m = _MEMBER.search(q.stem)
    if q.qtype != "truefalse" or m is None:
        return None
    lead = q.stem[: m.start()].rstrip("，,")
    if GAP in lead or "…" in lead:
        return "a membership whose lead-in hides its list behind ……: a 多选 asks it"
    if c.truth:
        return None
    if _OPEN_LEAD.search(lead):
        return "a false 其中包括 on a list left open with 等: 等 admits the item"
    item = norm(m.group("item"))
    if own and item and item in norm(own):
        return "a false 其中包括 whose item its own document writes: a member defends it"
    return None


def patterned_twins(kept: Sequence[Candidate]) -> set[str]:
    """The lists (``Candidate.group``) with a false membership 判断 in ``kept`` whose item has the list's own
    pattern ("重速度轻质量" for 五重五轻): beside such a twin, a true one's pattern no longer tells its verdict."""
    out: set[str] = set()
    for c in kept:
        m = _MEMBER.search(c.question.stem) if c.question.qtype == "truefalse" else None
        if m and c.truth is False and c.group and patterned_item(m.group("item"), c.fact):
            out.add(c.group)
    return out


def one_polarity(kept: Sequence[Candidate]) -> list[Candidate]:
    """``kept`` with each list's membership 判断 of one verdict only: the lists with both verdicts kept, in the
    order of a stable hash of each (``Candidate.group``), are asked true, false, true, … — with the same
    "其中包括“X”" form built both ways, which way a list is asked follows no rule a member can learn, and the
    first is true because the other builders' 判断 lean false ("always 错误" scored the whole of round 12's
    bank).  A list with only one verdict kept keeps it."""
    verdicts: dict[str, set[bool]] = {}
    for c in kept:
        if c.group and c.truth is not None and c.question.qtype == "truefalse" and _MEMBER.search(c.question.stem):
            verdicts.setdefault(c.group, set()).add(c.truth)
    both = sorted((g for g, v in verdicts.items() if len(v) == 2), key=_hashed)
    drop = {g: i % 2 == 1 for i, g in enumerate(both)}  # the verdict dropped: false for the first, true next
    return [
        c
        for c in kept
        if not (
            c.group in drop
            and c.truth is drop[c.group]
            and c.question.qtype == "truefalse"
            and _MEMBER.search(c.question.stem)
        )
    ]


def _hashed(group: str) -> str:
    return hashlib.sha1(f"polarity|{group}".encode()).hexdigest()


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
