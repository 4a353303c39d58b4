"""The measures a central or own deployment prescribes, asked against each other: "做好（　），深入查找…".

A Notice names its measures in short imperative clauses — "做好建章立制，深入查找现行制度机制中…",
"要坚持开门教育，查摆问题听取群众意见，…", "结合不同层级、地区、领域、行业实际，加强分类指导",
"学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调".  Each clause ties one measure to what it
means, so the measure is the fact worth asking, and the *other measures the same authorities prescribe* are
its natural wrong options: a member who read the Notice tells 开门教育 (群众意见、监督、评判) from 建章立制
(该废止的废止) — a member who did not, cannot::

    单选  《通知》强调：做好（　），深入查找现行制度机制中不符合正确政绩观要求的规定，该废止的废止，该修订的修订。
          A.建章立制 B.分类指导 C.开门教育 D.宣传引导
    判断  《通知》强调：做好分类指导，深入查找现行制度机制中…，该废止的废止，该修订的修订。   错误

Why only central and own passages: a measure a district relays is the Notice's measure, asked at home; and
only the imperative objects ``facts`` recognised (``_DO``: 加强/强化/注重/坚持/做好/抓好 + four characters)
and the items of lists of measures ("…等工作安排") make options — all of one kind (a four-character measure),
so the form never gives the answer away.  A wrong option never appears in the question's own paragraph (where
it might be true as well), and a clause with no words of its own beside the measure ("力戒形式主义") is
not asked: the blank must be told by what the clause says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.ids import question_id, stable_order
from content.questions.importance import OWN
from content.questions.slots import Candidate, Slot
from content.questions.text import BLANK, cjk_len, excerpt, norm

# the verbs of ``facts._DO`` that prescribe a measure (力戒/严防 name a fault to avoid: not a measure)
MEASURE_VERBS = frozenset(("加强", "强化", "注重", "坚持", "做好", "抓好", "健全", "完善"))
_MEASURE_ROLES = frozenset(("工作安排", "举措", "措施"))
OPTIONS = 3  # wrong options of a 单选
MIN_CONTEXT = 10  # characters the clause says beside the measure: what tells the answer
FALSE_CONTEXT = 20  # ... and what makes another measure in its place surely false
SINGLE_SCORE = 1.3
FALSE_SCORE = 1.28
TRUE_SCORE = 1.26  # a true statement of a measure clause: a claim with its subject, as the Notice makes it
_CJK4 = re.compile(r"^[\u4e00-\u9fff]{4}$")


def measure_slots(slots: Iterable[Slot]) -> list[Slot]:
    """The imperative measures of central and own passages ("做好建章立制")."""
    return [
        s
        for s in slots
        if s.kind == "term" and s.label in MEASURE_VERBS and s.evidence.tier <= OWN and _CJK4.match(s.value)
    ]


def alternatives(slots: Iterable[Slot]) -> list[str]:
    """Every measure the corpus's central and own passages prescribe: the imperative objects and the items of
    lists of measures ("学习研讨、查摆问题…等工作安排"), four characters each — the imperative objects first:
    they follow a verb of the same kind ("强化真督实导"), where a work item may not ("强化查摆问题")."""
    imperative: dict[str, None] = {}
    listed: dict[str, None] = {}
    for s in slots:
        if s.evidence.tier > OWN or not _CJK4.match(s.value):
            continue
        if s.kind == "term" and s.label in MEASURE_VERBS:
            imperative.setdefault(s.value, None)
        elif s.kind == "item" and s.role in _MEASURE_ROLES:
            listed.setdefault(s.value, None)
    return list(imperative) + [v for v in listed if v not in imperative]


def measure_candidates(
    slots: Sequence[Slot], paragraphs: dict[tuple[str, int], str], pool: Sequence[str]
) -> list[Candidate]:
    """单选 among the deployment's measures, and a 判断 that swaps in another, for each measure clause."""
    out: list[Candidate] = []
    for slot in slots:
        ev = slot.evidence
        read = norm(paragraphs.get((ev.doc_id, ev.block), ev.text))
        others = [v for v in pool if norm(v) != norm(slot.value) and norm(v) not in read]
        if len(others) < OPTIONS:
            continue
        text, offset, from_start = excerpt(ev.text, slot.start, slot.end)
        framed = stand_alone(ev, text, offset, from_start)
        if framed is None or framed.text[framed.offset : framed.offset + len(slot.value)] != slot.value:
            continue
        before, after = framed.text[: framed.offset], framed.text[framed.offset + len(slot.value) :]
        said = before[len(framed.prefix) :] + after
        if cjk_len(said) - cjk_len(slot.label) < MIN_CONTEXT or "…" in said:
            continue  # "加强（　）。": nothing in the clause tells the measure
        key = norm(slot.value)
        paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
        wrong = others[:OPTIONS]
        options = stable_order(question_id("single", ev.text, f"measure|{slot.value}|o"), [slot.value, *wrong])
        single = new_question(
            "single",
            ev,
            before + BLANK + after,
            options,
            (slot.value,),
            explanation("", framed.quote, framed.where, ev.document),
            f"measure|{slot.value}",
            SINGLE_SCORE,
            sentence=framed.sentence,
        )
        false = new_question(
            "truefalse",
            ev,
            before + wrong[0] + after,
            (TRUE_TEXT, FALSE_TEXT),
            (FALSE_TEXT,),
            explanation("错误。", framed.quote, framed.where, ev.document),
            f"measure|{slot.value}|F",
            FALSE_SCORE,
            sentence=framed.sentence,
        )
        true = new_question(
            "truefalse",
            ev,
            framed.text,
            (TRUE_TEXT, FALSE_TEXT),
            (TRUE_TEXT,),
            explanation("正确。", framed.quote, framed.where, ev.document),
            f"measure|{slot.value}|T",
            TRUE_SCORE,
            sentence=framed.sentence,
        )
        out.append(Candidate(single, key, "role", None, "", paragraph, ev.tier, ev.doc_tier))
        out.append(Candidate(true, key, "role", True, "", paragraph, ev.tier, ev.doc_tier))
        if cjk_len(said) - cjk_len(slot.label) >= FALSE_CONTEXT and sum(m.evidence.text == ev.text for m in slots) == 1:
            # another measure is surely wrong only where the clause says what the measure does ("该废止的
            # 废止"); in a row of measures ("坚持分类指导，强化真督实导，注重宣传引导") or a short clause
            # ("加强分类指导") the Notice may well require the other measure too
            out.append(Candidate(false, key, "role", False, "", paragraph, ev.tier, ev.doc_tier))
    return out
