"""Refusals: facts and questions that are correct but not worth a member's two minutes.

Each rule is a case a strict reader found in a generated bank (``tests/content/test_filters.py`` keeps one
regression test per case)::

    local trivia       a date, figure, person or body read in a passage of a provincial, city or other
                       unit's report ("3月3日，贵阳高新区召开…", "工业增加值超200亿元") — unless the passage
                       is the branch's own organisation's (tier ``own``) or central
    predictable blank  the surrounding characters give the answer away: one half of a two-part slogan
                       ("上有政策、下有对策"), an item whose siblings share its pattern ("两手抓、两不误、两促进",
                       "读原著、学原文、悟原理", "亲自部署、亲自过问…"), three-character slogans ("想问题、作决策、
                       办事情"), numbered set phrases ("两个维护", "一岗双责", "三会一课")
    no claim           a 判断 must state something a member can doubt: never cut by "……", never a bare slogan
                       ("认识上再深化、重点上再聚焦、责任上再压紧。"), never closing rhetoric ("让我们…！"), and
                       only on facts (dates, numbers, rules, bodies, list items) — not on a quoted phrase
    implausible swap   a false 判断 swaps in an alternative of the same document and the same kind, so it
                       stays grammatical and false by content, not by grammar
    open list          a list the source leaves open ("本位主义、好大喜功……") never supplies "not in the list"
                       answers (see ``lists``)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from content.questions.importance import CENTRAL, OWN, REGIONAL
from content.questions.kinds import form, shared_affix
from content.questions.slots import Evidence, Slot
from content.questions.text import cjk_len

LOCAL_KINDS = ("date", "number", "person", "body", "term")
PREDICTABLE = 0.3  # share of an answer's characters its siblings give away
_RHETORIC = re.compile(r"^(?:让我们|同志们|新征程上|人勤春来早)|！")
_QUOTED_LIST = re.compile(r"“[^“”]{2,16}、[^“”]{2,40}”")
_ORDINAL_OPENING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十]{1,3}[）)])")
_PAIRED_QUOTE = re.compile(r"”“")
_NUMERALS_ONLY = re.compile(r"[一二三四五六七八九十百两]+")
_CENTRAL_BODY = re.compile(r"^(?:中共中央|中央|党中央|国务院|全国)")
_FACT_KINDS = ("date", "number", "body", "item", "frequency", "ordinal", "fraction")


def predictability(answer: str, siblings: Sequence[str]) -> float:
    """The share of ``answer``'s characters that its list siblings predict.

    A character is predicted when every sibling shares it as a common prefix, suffix or inner run
    ("两手抓、两不误" → "两"; "亲自部署、亲自过问" → "亲自"), or — for siblings of the answer's length — has it
    at the same position ("读原著、学原文、悟原理" → "原" in the middle).
    """
    others = [s for s in siblings if s and s != answer]
    if not others or not answer:
        return 0.0
    prefix, suffix, core = shared_affix([answer, *others])
    predicted = set(range(len(prefix))) | set(range(len(answer) - len(suffix), len(answer)))
    if core:
        at = answer.find(core)
        predicted |= set(range(at, at + len(core)))
    if all(len(s) == len(answer) for s in others):
        predicted |= {i for i, ch in enumerate(answer) if all(s[i] == ch for s in others)}
    return len(predicted) / len(answer)


def rule_quantity(slot: Slot) -> bool:
    """A rule's quantity (每季度, 至少一次, 连续六个月): what a regulation is made of, never trivia."""
    return slot.kind in ("frequency", "ordinal", "fraction") or (
        slot.kind == "number" and (bool(slot.bound) or not slot.value[:1].isdigit())
    )


def local_trivia(slot: Slot) -> bool:
    """A date, figure, person, body or quoted term of another unit's or a region's report."""
    tier = slot.evidence.tier
    if slot.kind not in LOCAL_KINDS or rule_quantity(slot):
        return False
    if slot.kind == "person":
        return tier != CENTRAL  # who chaired the centre's meeting; a local chair's name is trivia
    if slot.kind == "body":
        return tier != CENTRAL and tier != OWN  # who convened or said what matters for the centre only
    return tier >= REGIONAL


def predictable_blank(slot: Slot, titles: Collection[str] = (), restated: bool = False) -> bool:
    """The blank's answer is given by the characters around it (see the module docstring).

    ``restated``: the list is the campaign's own formulation — stated in a central passage and repeated by
    other documents ("深学、真查、实改", "找差距、查根源、强修养") — so its short items are asked all the same.
    """
    value = slot.value
    if slot.kind == "item":
        siblings = [f for f in slot.family if f != value]
        if len(slot.family) == 2:
            return True  # "上有政策、下有对策": one half of a two-part slogan
        short = cjk_len(value) <= 3 and all(cjk_len(f) <= 3 for f in siblings)
        if short and not (restated and slot.evidence.tier == CENTRAL):
            return True  # "想问题、作决策、办事情": a three-character slogan
        return predictability(value, siblings) >= PREDICTABLE
    if slot.kind in ("term", "item") and form(value) == "numbered":
        return not any(value in t for t in titles)  # "两个维护"; "五重五轻" names a document, so it is asked
    return False


_FLOURISH = re.compile(r"^(?:同志们|让我们)|奋力(?:推动|谱写|书写)|再上新台阶|作出新的更大贡献")


def elaboration(ev: Evidence) -> bool:
    """A sentence that elaborates a numbered point ("三是重显轻隐。有的干部…对经济指标…趋之若鹜")."""
    return bool(_ORDINAL_OPENING.match(ev.lead))


def rhetoric(text: str) -> bool:
    """Closing rhetoric: "同志们，…", "让我们…", "奋力推动各项事业再上新台阶"."""
    return bool(_FLOURISH.search(text))


def keep_slot(slot: Slot, titles: Collection[str] = (), restated: bool = False) -> bool:
    """Whether a single-span slot is worth asking at all."""
    if local_trivia(slot):
        return False
    if slot.kind == "item" and slot.evidence.tier >= REGIONAL and _QUOTED_LIST.search(slot.evidence.text):
        return False  # a locality's quoted slogan ("明显好转、根本好转、最佳口碑")
    head = slot.evidence.text.split("，", 1)[0]
    if _ORDINAL_OPENING.match(slot.evidence.text) and slot.start < len(head):
        return False  # "二是（　）", "三是压实（　）": a numbered point's own heading is asked through its list
    if slot.kind in ("term", "item") and elaboration(slot.evidence):
        return False  # a detail of a numbered point's elaboration ("工作不是“做事”而是“做秀”"): its point is asked
    if rhetoric(slot.evidence.text):
        return False  # "让我们以…奋力推动…": a closing flourish states no requirement
    if slot.kind == "term" and _NUMERALS_ONLY.fullmatch(slot.value):
        return False  # "十五五": a set phrase
    if slot.kind == "term" and _PAIRED_QUOTE.search(slot.evidence.text[max(0, slot.start - 12) : slot.end + 12]):
        return False  # "严防“低级红”“高级黑”": one half of a set pair of quoted terms
    if slot.kind in ("term", "keyword") and slot.evidence.tier > OWN:
        return False  # a quoted phrase or a saying's word matters when the centre or the branch's own says it
    if slot.kind in ("term", "item") and form(slot.value) == "numbered" and not any(slot.value in t for t in titles):
        return False
    return not predictable_blank(slot, titles, restated)


def checkable(statement: str, slot: Slot) -> bool:
    """Whether ``statement`` (the excerpt a 判断 states, without its speaker) makes a claim a member can check."""
    if (
        "…" in statement
        or _RHETORIC.search(statement)
        or cjk_len(statement) < 16
        or statement.rstrip("。").endswith("的")
    ):
        return False
    if slot.kind not in _FACT_KINDS and not rule_quantity(slot):
        return False  # a quoted phrase stated as in the source is a copied sentence, not a claim
    rest = statement
    for item in sorted(slot.family | {slot.value}, key=len, reverse=True):
        rest = rest.replace(item, "")
    return cjk_len(rest) >= 8  # a bare list of slogans asserts nothing


def plausible_swap(slot: Slot, value: str, same_document: Collection[str]) -> bool:
    """A false 判断's swapped-in value keeps the statement grammatical and plausible.

    Dates, numbers and a rule's quantities are swapped among their own format and measure (the distractor
    pools guarantee it), bodies among bodies; a list item only for an item of another list of the same
    document — a real alternative the member has read, not a word of another kind.
    """
    if slot.kind == "body":
        return bool(_CENTRAL_BODY.match(value))  # "农业农村部党组印发通知，在全党开展…" is false by absurdity
    if slot.kind in ("date", "number", "frequency", "ordinal", "fraction"):
        return True
    if slot.kind == "item":
        return value in same_document and len(value) == len(slot.value)
    return False
