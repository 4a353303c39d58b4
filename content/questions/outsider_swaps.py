"""A false 判断 on a closed central list: one item exchanged for a phrase of its kind the centre lists elsewhere.

The Notice closes its 工作安排 with 等 and a summarising noun ("认真落实学习研讨、查摆问题、整改整治、建章立制、
开门教育等工作安排"), so an exam reads the five as the whole list (``closed``).  The cloze builder's false 判断
swaps in a phrase of the answer's *shape* ("认真落实务求实效、查摆问题…" — a principle among measures), which the
examiner rightly refuses as false by kind.  The real alternative is a phrase of the items' own kind that the
central texts write in *another* list of their own (``closed.outsiders``: the meeting's "坚持分类指导，强化真督
实导，注重宣传引导")::

    《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段，认真落实学习研讨、查摆问题、整改整治、
    建章立制、真督实导等工作安排。                                                          错误

It stays grammatical and plausible (a real central requirement), and only a member who recalls the list
knows 开门教育 is gone.  A list with no such outsider (the Notice's 途径: no other central list of ways) gets
no statement; lists below the centre, lists cut by "……" and lists whose 等 samples a field stay open and get
none either.  The outsider least restated on its own comes first (``outsiders``' order), so a phrase the list's
own document requires in a sentence of its own ("加强分类指导") is used only when nothing else is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.closed import closed, outsiders
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate, Enumeration
from content.questions.text import excerpt, norm, split_attribution

FALSE_SCORE = 1.2  # a list's recall in the Notice's own words: weighed like the measure statements
MIN_ITEMS = 4  # with fewer, one missing item is a coin toss between the few a member half remembers


def outsider_swap_candidates(
    enums: Sequence[Enumeration], central_text: str, kinds: Mapping[str, str]
) -> list[Candidate]:
    """One false 判断 per item of each closed central inline list that has an outsider (module docstring)."""
    out: list[Candidate] = []
    for e in enums:
        ev = e.evidence
        if e.kind != "inline" or ev.tier != CENTRAL or len(e.items) < MIN_ITEMS or "…" in e.open:
            continue
        if not closed(ev.text, e.items, ev.tier):
            continue
        spare = [p for p in outsiders(e.items, ev.text, central_text, kinds) if norm(p) not in norm(ev.text)]
        if not spare:
            continue
        into = spare[0]
        group = "、".join(sorted(norm(f) for f in (e.family or e.items)))
        paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
        for item, start in zip(e.items, e.starts, strict=True):
            if ev.text[start : start + len(item)] != item:
                continue
            text, offset, from_start = excerpt(ev.text, start, start + len(item))
            framed = stand_alone(ev, text, offset, from_start)
            if framed is None or framed.text[framed.offset : framed.offset + len(item)] != item:
                continue
            before, after = framed.text[: framed.offset], framed.text[framed.offset + len(item) :]
            who, before, quote = _own_clause(before, item, after, framed.quote)
            q = new_question(
                "truefalse",
                ev,
                who + before + into + after,
                (TRUE_TEXT, FALSE_TEXT),
                (FALSE_TEXT,),
                explanation("错误。", quote, framed.where, ev.document),
                f"outsider|{item}|{into}|F",
                FALSE_SCORE,
                sentence=framed.sentence,
            )
            out.append(Candidate(q, norm(item), "item", False, group, paragraph, ev.tier, ev.doc_tier))
    return out


def _own_clause(before: str, item: str, after: str, quote: str) -> tuple[str, str, str]:
    """(speaker, the list's clause up to the item, the quotation): the statement keeps only the clause that
    holds the list.  The clauses before it state other requirements ("坚持聚焦主题、简约务实，不分批次、不划阶段")
    that other questions ask; a false statement carrying them would show their answers (and they are no part
    of what it tests).  The quotation is then that clause with its true item, so the two differ by one swap."""
    rest = split_attribution(before)[1]
    who = before[: len(before) - len(rest)]  # the speaker with its verb: "《通知》强调，"
    cut = rest.rfind("，")
    if cut < 0 or "，" in after.rstrip("。"):
        return who, rest, quote
    clause = rest[cut + 1 :]
    original = clause + item + after
    inner = quote.removeprefix("“").removesuffix("”")
    if original.rstrip("。") not in inner:
        return who, rest, quote
    return who, clause, original
