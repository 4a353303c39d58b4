"""Refusals the fifth and sixth strict examiners named (banks of 15 and 10): each reads the built candidate.

    true narrative    a true 判断 copied from a report's aside ("今年1月，在…开班式上，习近平给错误政绩观“画像”")
                      or from the guiding-ideology boilerplate every document opens with ("深入贯彻党的二十大和
                      二十届历次全会精神，认真落实四中全会部署"): it states no requirement of the campaign — what
                      must be done, by whom, when — and a copy reads true to anyone
    level phrase      a blank on a set phrase of administrative levels or a sequence ("（省市县乡）领导班子换届"):
                      anyone completes it, and the campaign's part stays in the stem
    latest session    the plenary session a current text carries out, blanked ("党的二十届（四中全会）战略部署") or
                      swapped ("认真落实五中全会部署"): it is the latest one, which general knowledge names
    sibling items     a blank on an item whose 、-siblings share its ending ("与中央巡视整改、…学习教育整改、…、
                      （生态环保督察整改）等相结合"): pattern and general knowledge fill it; the distinctive item
                      ("“十五五”规划编制实施") is the one blanked (examiner, bank of 10: 巡视整改)
    sibling ending    a blank whose parallel siblings share its last character ("分类指导，强化真督实导，注重
                      （宣传引导）"): the only option ending in 导 is the key
    foreign options   a 单选 whose wrong options are all items of one list that does not hold the key (宣传引导
                      against three of the 工作安排): the key stands out as another kind
    open list         a 多选 on a list the source leaves open with 等 ("认真落实…开门教育等工作安排"): an item the
                      list never names is no sure wrong answer ("警示教育" may be one of the 等)
    list twin         a 判断 on a list item beside a 多选 on that list offering the same item: answering one
                      answers the other; another item of it is the same recall twice (``twins``)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from content.questions.closed import asked_closed
from content.questions.giveaways import copied
from content.questions.samefact import items_of
from content.questions.slots import Candidate
from content.questions.text import BLANK, cjk_len, norm, statement

# a report's aside: a time, then the occasion ("今年1月，在…上，"; "2025年3月，…")
_NARRATIVE = re.compile(
    r"^(?:(?:今年|去年|前年|\d{4}年)(?:\d{1,2}月)?|\d{1,2}月(?:\d{1,2}日)?)[，,]?(?:在|习近平|总书记)"
)
# a clause of guiding ideology: carrying out a session's spirit, a deployment, a thought, a body of remarks
_GUIDING = re.compile(
    r"^(?:要)?(?:坚持)?(?:深入|认真|全面|坚决|持续)?(?:贯彻|落实|学习|领会|践行)[^，。；]*(?:精神|部署|思想|论述|指示)$"
    r"|^(?:要)?(?:坚持)?以[^，。；]*为指导$"
)
# a requirement is said with a modal, a duty verb or a set frame (what, by whom, when)
_REQUIREMENT = re.compile(
    r"要|必须|应当|须|坚持|确保|严禁|不得|负责|负总责|抓好|做好|为重点|为抓手|为总要求|启动|结束|进行|开展|相结合"
    r"|深入查找|查摆|接受群众"  # 整改整治接受群众监督 (``pairings``)
)
_LEVELS = set("省市县乡镇村区州旗盟国中央地方各级")
_SEQUENCE = set("一二三四五六七八九十上中下前后")
_CLAUSE = re.compile(r"[，,；;。：:]")
# a plenary session by its ordinal ("四中全会"): what a current deployment carries out is the latest session
_SESSION = re.compile(r"^(?:党的)?(?:[一二三四五六七八九十]+届)?[一二三四五六七八九十]中全会$")


def no_requirement(stem: str, copy: bool = True) -> bool:
    """Whether a true 判断's claim is narrative or guiding boilerplate, not a requirement of the campaign; a
    ``copy`` of its sentence must also say one (a modal, a duty, a frame) — a claim of the 判断's own making
    ("…概括为“五重五轻”，其中包括“重短轻长”") is checked on its list instead."""
    claim = statement(stem).rstrip("。")
    if _NARRATIVE.search(claim):
        return True
    clauses = [c for c in _CLAUSE.split(claim) if c]
    if clauses and all(_GUIDING.search(c) for c in clauses):
        return True
    return copy and not _REQUIREMENT.search(claim)


def level_phrase(key: str) -> bool:
    """"省市县乡", "中央和地方", "一二三": a key made of level or sequence characters only."""
    chars = [ch for ch in norm(key) if "\u4e00" <= ch <= "\u9fff" and ch not in "和与及"]
    return len(chars) >= 2 and (all(ch in _LEVELS for ch in chars) or all(ch in _SEQUENCE for ch in chars))


def sibling_ending(stem: str, key: str) -> bool:
    """Two or more sibling clauses of the blank's sentence end with the key's last character."""
    if BLANK not in stem or not key:
        return False
    last = norm(key)[-1:]
    clauses = [c for c in _CLAUSE.split(stem.split("：", 1)[-1]) if c and BLANK not in c]
    return sum(1 for c in clauses if c.endswith(last) and not c.endswith(norm(key))) >= 2


def sibling_items(stem: str, key: str) -> bool:
    """Two or more other items of the blank's 、-run end with the key's last two characters ("与中央巡视整改、
    深入贯彻…学习教育整改、…、生态环保督察整改等相结合" → "（巡视整改）"): the pattern and general knowledge fill
    it, and the run's distinctive item ("“十五五”规划编制实施") is the one worth a blank."""
    if BLANK not in stem or cjk_len(key) < 4:
        return False
    at = stem.index(BLANK)
    before, after = stem[:at], stem[at + len(BLANK):]
    left = re.search(r"(?:[^，,；;。：:]*?、)*$", before)
    right = re.match(r"^(?:、[^，,；;。：:、]*)*", after)
    if not left or not right or ("、" not in left.group(0) and not right.group(0)):
        return False
    items = [i for i in re.split(r"、", left.group(0)) + right.group(0).split("、") if i]
    items = [i.split("等", 1)[0] if i is items[-1] else i for i in items]  # "…督察整改等相结合"
    ending = norm(key)[-2:]
    return sum(1 for i in items if norm(i).endswith(ending)) >= 2


def foreign_options(options: Sequence[str], keys: Sequence[str], lists: Iterable[frozenset[str]]) -> bool:
    """A 单选's wrong options (two or more) all items of one list that holds no key."""
    wrong = {_sorted(o) for o in options if o not in keys}
    said = {_sorted(k) for k in keys}
    return len(wrong) >= 2 and any(wrong <= items and not said & items for items in lists)


# a 多选 on a list left open with 等 asks what the text names, not what 等 may cover: "…等工作安排。括号处原文
# 列举的工作安排有哪些？" — an option the text does not list is then surely wrong
LISTED = "括号处原文列举的"
_ASKS_LISTED = re.compile(LISTED + r"[\u4e00-\u9fff]{0,6}有哪些？$")


def asks_listed(stem: str) -> bool:
    """The stem asks only what the source lists ("…括号处原文列举的工作安排有哪些？")."""
    return _ASKS_LISTED.search(stem) is not None


def open_list(c: Candidate, central_text: str = "", kinds: Mapping[str, str] | None = None) -> bool:
    """A 多选 whose source leaves its list open with 等 right after the items, and whose stem does not ask
    only what the text lists (``LISTED``) — nor is a central list its text closes with a summarising noun
    ("…开门教育等工作安排") whose every wrong option is a phrase of the items' kind the centre lists elsewhere
    (``closed``: the owner's reading of such lists, as Party exams read them)."""
    q = c.question
    if q.qtype != "multiple" or asks_listed(q.stem):
        return False
    raw = q.sentence.split("\n")[-1]
    line = norm(raw)
    items = [norm(i) for i in (c.fact or "").split("、") if i] + [norm(k) for k in q.answer]
    if not any(f"{i}等" in line for i in items):
        return False
    listed = list(dict.fromkeys(i for i in (c.group or c.fact).split("、") if i))
    return not (kinds and asked_closed(q.options, q.answer, listed, raw, c.tier, central_text, kinds))


def twins(kept: Sequence[Candidate]) -> set[str]:
    """The 判断 on a list a 多选 asks: offering the item the 多选 offers ("其中包括“重速度轻质量”" beside option E)
    one answers the other, and any other item is the same recall a second time ("其中包括“重短轻长”")."""
    listed = {c.fact for c in kept if c.question.qtype == "multiple" and c.group}
    return {c.question.qid for c in kept if c.question.qtype == "truefalse" and c.group and c.fact in listed}


def list_items(facts: Collection[str]) -> list[frozenset[str]]:
    """Each list fact's items (as ``samefact.items_of``: sorted characters), for ``foreign_options``."""
    return [s for f in facts if (s := items_of(f)) is not None and len(s) >= 3]


def refusal(
    c: Candidate,
    lists: Iterable[frozenset[str]] = (),
    central_text: str = "",
    kinds: Mapping[str, str] | None = None,
) -> str | None:
    """Why this examiner refuses ``c``, or ``None`` (``central_text`` and ``kinds``: what closes a central
    list's 多选, ``open_list``)."""
    q = c.question
    keys = [a for a in q.answer if a not in ("正确", "错误")]
    if q.qtype == "truefalse" and c.truth and no_requirement(q.stem, copied(q.stem, q.sentence)):
        return "a true 判断 that states no requirement (a narrative aside or guiding boilerplate)"
    if q.qtype in ("single", "fill") and BLANK in q.stem:
        if any(level_phrase(k) for k in keys):
            return "a blank on a set phrase of levels or a sequence"
        if any(sibling_ending(q.stem, k) for k in keys):
            return "a blank whose sibling clauses share its last character"
        if q.qtype == "fill" and any(sibling_items(q.stem, k) for k in keys):
            return "a blank whose sibling items share its ending (…整改、…整改、（　）)"
    if _SESSION.match(norm(c.key).removeprefix("reference:")) or any(_SESSION.match(norm(k)) for k in keys):
        return "the plenary session a current text carries out: the latest one, in every member's news"
    if q.qtype == "single" and foreign_options(q.options, keys, lists):
        return "wrong options drawn from another list"
    if open_list(c, central_text, kinds):
        return "a 多选 on a list the source leaves open with 等"
    return None


def _sorted(text: str) -> str:
    return "".join(sorted(ch for ch in norm(text) if "\u4e00" <= ch <= "\u9fff"))
