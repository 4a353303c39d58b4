"""Membership 判断 on a closed central list: an item of it, or a phrase of its kind the centre lists elsewhere.

The Notice closes its 工作安排 with 等 and a summarising noun ("认真落实学习研讨、查摆问题、整改整治、建章立制、
开门教育等工作安排"), so an exam reads the five as the whole list (``closed``).  The cloze builder's false 判断
swaps in a phrase of the answer's *shape* ("认真落实务求实效、查摆问题…" — a principle among measures), which the
examiner rightly refuses as false by kind, and a true copy of the list reads true unread (``asked_alone``): so the
five 工作安排 had no question at all.  The real alternative is a phrase of the items' own kind that the central
texts write in *another* list of their own (``closed.outsiders``: the meeting's "坚持分类指导，强化真督实导，注重
宣传引导"), stated in the one form true and false 判断 share ("…，其中包括“X”。", round 6)::

    《通知》强调，认真落实……等工作安排，其中包括“真督实导”。      错误
    《通知》强调，认真落实……等工作安排，其中包括“开门教育”。      正确

The false one stays grammatical and plausible (a real central requirement); only a member who recalls the list
tells the two apart.  The statement keeps only the list's own clause: the clauses before it ("坚持聚焦主题、简约
务实，不分批次、不划阶段") are other questions' facts.  A list with no such outsider (the Notice's 途径: no other
central list of ways) gets no statement — a true one alone would have no counterweight; lists below the centre,
lists cut by "……" and lists whose 等 samples a field stay open and get none either.  The outsider least restated
on its own comes first (``outsiders``' order), so a phrase the list's own document requires in a sentence of its
own ("加强分类指导") is used only when nothing else is left.

Round 13 (a third examiner: the 真督实导 statement "ambiguous"): every statement built here is refused by
``formulas.membership_refusal`` — its lead-in hides the list behind "……", its list is left open by 等, and on
these materials the outsider is written in its own compilation.  The builder stays for the candidates' record
and the pools; a list worth asking this way is asked as a 多选 ("括号处原文列举的…有哪些？").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.closed import closed, outsiders
from content.questions.cloze import explanation, new_question
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate, Enumeration
from content.questions.text import GAP, MEMBER_LINKS, norm, split_attribution

FALSE_SCORE = 1.2  # a list's recall in the Notice's own words: weighed like the measure statements
TRUE_SCORE = 1.15  # its true twins: the ranker takes one where the bank's verdicts need it
MIN_ITEMS = 4  # with fewer, one missing item is a coin toss between the few a member half remembers


def outsider_swap_candidates(
    enums: Sequence[Enumeration], central_text: str, kinds: Mapping[str, str]
) -> list[Candidate]:
    """For each closed central inline list with an outsider: a false membership 判断 on the outsider and a true
    one per item (module docstring); the ranker keeps one, balancing the bank's verdicts."""
    out: list[Candidate] = []
    for e in enums:
        ev = e.evidence
        if e.kind != "inline" or ev.tier != CENTRAL or len(e.items) < MIN_ITEMS or "…" in e.open:
            continue
        if not closed(ev.text, e.items, ev.tier):
            continue
        spare = [p for p in outsiders(e.items, ev.text, central_text, kinds) if norm(p) not in norm(ev.text)]
        scope = _scope(ev.text, e.items, e.starts)
        if not spare or scope is None:
            continue
        lead, quote = scope
        group = "、".join(sorted(norm(f) for f in (e.family or e.items)))
        paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
        said = [(False, spare[0], FALSE_TEXT, "错误。", FALSE_SCORE)]
        said += [(True, item, TRUE_TEXT, "正确。", TRUE_SCORE) for item in e.items]
        for truth, member, verdict, lead_in, score in said:
            q = new_question(
                "truefalse",
                ev,
                f"{lead}{MEMBER_LINKS[1]}“{member}”。",
                (TRUE_TEXT, FALSE_TEXT),
                (verdict,),
                explanation(lead_in, quote, "", ev.document),
                f"outsider|{member}|{'T' if truth else 'F'}",
                score,
            )
            out.append(Candidate(q, norm(member), "item", truth, group, paragraph, ev.tier, ev.doc_tier))
    return out


def _scope(text: str, items: Sequence[str], starts: Sequence[int]) -> tuple[str, str] | None:
    """(the statement's lead-in, the quotation): the speaker, the list's own clause with its items left out
    ("《通知》强调，认真落实……等工作安排"), and that clause whole, which the explanation quotes."""
    first, last = min(starts), max(s + len(i) for s, i in zip(starts, items, strict=True))
    rest = split_attribution(text)[1]
    who = text[: len(text) - len(rest)]  # the speaker with its verb: "《通知》强调，"
    head = text[len(who) : first]
    opening = head.rfind("，") + 1
    end = min((k for k in (text.find(m, last) for m in "，。；") if k >= 0), default=len(text))
    clause_lead, tail = head[opening:], text[last:end]
    if not who or not clause_lead or not tail:
        return None  # no speaker to name, or no words around the list to say what it is
    return f"{who}{clause_lead}{GAP}{tail}", f"{clause_lead}{text[first:last]}{tail}。"
