"""What a 判断 asks, as the characters another question must not show (``samefact.gives_away``).

A false 判断 asks the words it swapped out ("分两批次、分三阶段" for the source's 不分批次、不划阶段): a stem
stating those source words tells the reader it is false.  A true one asks what it states: a stem printing
that claim ("…简约务实，不分批次、不划阶段，认真落实（　）…" beside the true "…简约务实，不分批次、不划阶段。")
tells the reader it is true — round 5 of issue #7, when the bank got a true 判断 back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from content.model import FALSE_TEXT, TRUE_TEXT, Question
from content.questions.text import MEMBER_LINKS, norm, split_attribution

CONTEXT = 2  # characters either side of a blank (or a swap) that place its words in a sentence
# "<lead-in>，其中包括“X”。": a 判断 stating X's membership — the shape true and false 判断 share (round 6)
MEMBERSHIP = re.compile(rf"^(?P<scope>.+?)(?:{'|'.join(map(re.escape, MEMBER_LINKS))})“(?P<item>.+)”。$", re.S)
MIN_CLAIM = 4  # characters a true 判断's claim after its subject needs to be told apart from its subject


def swapped_out(q: Question) -> str:
    """The source words a false 判断 replaced, with ``CONTEXT`` characters either side ("务实不分批次不划阶段认真"
    for "…简约务实，分两批次、分三阶段。"); "" for a true one or one whose change is not found."""
    if q.answer != ("错误",) or not q.sentence:
        return ""
    source, stem = cjk(q.sentence.split("\n")[-1]), cjk(q.stem)
    ops = SequenceMatcher(None, source, stem, autojunk=False).get_opcodes()
    while ops and ops[0][0] != "equal":
        ops.pop(0)  # the speaker the stem adds ("《通知》强调"), a lead the source has
    while ops and ops[-1][0] != "equal":
        ops.pop()  # the rest of the sentence the statement leaves out
    changed = [(i1, i2) for tag, i1, i2, _j1, _j2 in ops if tag in ("replace", "delete")]
    if not changed:
        return ""
    start, stop = max(0, changed[0][0] - CONTEXT), min(len(source), changed[-1][1] + CONTEXT)
    span = source[start:stop]
    return span if len(span) >= 2 * CONTEXT + 2 else ""


def claimed(q: Question) -> str:
    """What a true 判断 asserts, as characters another stem would have to state to affirm it: its claim
    after the speaker without the first clause (the subject it shares with its sentence's other questions:
    "学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段" → "不分批次不划阶段", printed by the 工作安排 多选's stem
    "…简约务实，不分批次、不划阶段，认真落实（　）…"), or the whole claim when that rest is too short to be one;
    "" for a false one."""
    if q.qtype != "truefalse" or q.answer != ("正确",):
        return ""
    return claim_of(q.stem)


def claim_of(stem: str) -> str:
    """:func:`claimed` of a true 判断's ``stem``; a membership statement claims its item."""
    member = MEMBERSHIP.match(stem)
    if member:
        return cjk(member.group("item"))
    claim = split_attribution(stem)[1].rstrip("。")
    rest = cjk(claim.split("，", 1)[1]) if "，" in claim else ""
    return rest if len(rest) >= MIN_CLAIM else cjk(claim)


@lru_cache(maxsize=16384)
def cjk(text: str) -> str:  # cached: the ranker compares the same stems and explanations many times
    return "".join(ch for ch in norm(text) if "\u3400" <= ch <= "\u9fff")


def told_by_form(questions: Sequence[Question]) -> list[tuple[str, str]]:
    """The 判断 (id, form) whose verdict shows in their form: stated in a form (an untouched quote, or
    "…，其中包括“X”。") that no 判断 of the other verdict has, a member who read nothing scores by the form alone
    (examiner round 6: the true one was an untouched quote, the false one a membership).  ``zhibu content
    check`` notes them; nothing is withdrawn, because the pairing spans documents (a new material must not
    withdraw another's 判断) and a branch's own regulation may have no other form to offer — the secretary
    restates or disables one."""
    forms: dict[str, dict[str, str]] = {TRUE_TEXT: {}, FALSE_TEXT: {}}
    for q in questions:
        if q.qtype == "truefalse" and q.answer and q.answer[0] in forms:
            forms[q.answer[0]][q.qid] = "membership" if MEMBERSHIP.match(q.stem) else "statement"
    true, false = forms[TRUE_TEXT], forms[FALSE_TEXT]
    if not true or not false:
        return []
    told = {qid: f for qid, f in true.items() if f not in false.values()}
    told |= {qid: f for qid, f in false.items() if f not in true.values()}
    return sorted(told.items())


def one_verdict(questions: Sequence[Question]) -> tuple[str, int] | None:
    """(verdict, how many) when the bank's two or more enabled 判断 all share one verdict, else ``None``.

    The owner's rule is "no more 正确 than 错误", and a true membership 判断 on a stock step ("…等工作安排，其中包括
    “建章立制”") is refused as affirmed unread (``formulas.stock_item``): on materials whose only true candidates
    are such steps, every 判断 left is 错误.  That is kept — a true 判断 a guesser affirms scores a point for
    nothing, while "always 错误" is learnt only from the bank's own 判断, which a member has by then answered;
    and a guesser's habit on copied sentences is 正确.  ``zhibu content check`` notes it, so the secretary can
    add a true 判断 by hand (``questions.yaml`` ``add:``) where the materials hold one worth asking.  Retiring
    some of them would not help: the 判断 left still share the verdict, so the cue stays total with fewer
    questions (contentfix; the shipped case is ``tests/content/test_key_cues.py``)."""
    verdicts = [q.answer[0] for q in questions if q.qtype == "truefalse" and q.enabled and q.answer]
    if len(verdicts) < 2 or len(set(verdicts)) != 1:
        return None
    return verdicts[0], len(verdicts)
