"""Whether a membership 判断's lead-in names a list, and its X is one of that list's items.

"<lead-in>，其中包括“X”。" reads "X is one of the things the lead-in lists".  That holds only when the lead-in
itself enumerates something and X is one of its items.  An examiner (issue #7, bank of 11, Q10) found the
curated::

    《通知》强调，学习教育要坚持聚焦主题、简约务实，其中包括“不分批次、不划阶段”。      keyed 正确

"其中" points back to 聚焦主题、简约务实, and 不分批次、不划阶段 is the next clause of the source, not one of them.
Read literally the statement is false, and read loosely ("the Notice says this too") it is true.  A lead-in
names a list when

* it ends on the list's summarising noun after 等 ("认真落实……等工作安排"), and then X must be one of the
  、-items before that 等 in the source (the first may carry the verb that leads into the list, "认真落实学习研讨");
* or it ends on a quoted name ("概括为“五重五轻”") or a noun the source enumerates line by line after it
  (a numbered list, "第三条 党支部的基本任务"), and then X must be one of those lines.

A lead-in that ends on a predicate ("…要坚持聚焦主题、简约务实") names no list, so neither verdict has a
literal reading: the 判断 is refused, true or false.
"""

from __future__ import annotations

import re

from content.evidence import verbatim
from content.model import TRUE_TEXT, Question
from content.questions.text import MEMBER_LINKS, QUOTED_SOURCE, contains, norm
from content.reasons import Reason, reason

__all__ = ["enumerated", "list_items", "membership_problems", "names_a_list"]

# "……等工作安排" / "等途径": the noun after 等 that says what the items are
_SUMMED = re.compile(r"等(?P<noun>[\u4e00-\u9fff]{2,6})$")
_CLAUSE = re.compile(r"[，,。；;：:！？!?\n]")
# what follows a lead-in that introduces its items: a dash, a colon ("…基本任务是："), or a line break (a
# numbered list after its lead sentence)
_INTRODUCES = re.compile(r"^(?:是|为|如下)?(?:—|[：:]|[。]?\n)")
_ITEM_END = re.compile(r"[。；;\n—：:]")
_NUMERAL = "[一二三四五六七八九十]+"
_ORDINAL = re.compile(rf"^(?:{_NUMERAL}是|[（(](?:{_NUMERAL}|\d+)[）)]|{_NUMERAL}、|\d+[.、．])")


def names_a_list(stem: str, scope: str, sentence: str) -> bool:
    """Whether the membership 判断 ``stem`` (lead-in ``scope``) asks about a list its lead-in names."""
    link = stem[len(scope) :]
    if link.startswith(MEMBER_LINKS[0]):
        return True  # "在《讲话》“…”部分，分条提出的要求中包括": the link itself names the list (要求)
    return list_items(scope, sentence) is not None


def list_items(scope: str, sentence: str) -> list[str] | None:
    """The items the lead-in ``scope`` enumerates in ``sentence`` (its evidence), or ``None`` when it names
    no list.  Items are in comparison form (``text.norm``)."""
    lead, text = norm(scope).rstrip("。"), norm(sentence)
    summed = _SUMMED.search(lead)
    if summed:
        at = text.find("等" + summed.group("noun"))
        if at < 0:
            return None
        run = _CLAUSE.split(text[:at])[-1]
        items = [i for i in run.split("、") if i]
        return items if len(items) >= 2 else None
    tail = _CLAUSE.split(lead)[-1]
    start = text.find(tail) if tail else -1
    if start < 0:
        return None
    rest = text[start + len(tail) :]
    if not _INTRODUCES.match(rest):
        return None  # "…简约务实，不分批次…": the next clause, not items the lead-in introduces
    items = [_ORDINAL.sub("", i) for i in _ITEM_END.split(rest)]
    items = [i for i in items if len(i) >= 2]
    return items if len(items) >= 2 else None


def enumerated(item: str, items: list[str]) -> bool:
    """Whether ``item`` is one of ``items``: the whole item, the first item without its leading verb
    ("认真落实学习研讨" holds 学习研讨), or a line's head phrase ("重始轻终" of "重始轻终，…")."""
    x = norm(item).rstrip("。")
    if not x:
        return False
    for i, it in enumerate(items):
        head = _CLAUSE.split(it)[0]
        if x in (it, head) or (i == 0 and it.endswith(x)):
            return True
    return False


def membership_problems(q: Question, scope: str, item: str) -> list[Reason]:
    """ "<list lead-in>，其中包括“X”。": true iff X is in the list (the evidence) and is not the lead-in
    (``content.verify``'s check of a membership 判断, kept here beside the rules it applies)."""
    bad = verbatim(q, scope)
    if bad:
        return [reason("scope_not_in_evidence", fragment=bad[:30])]
    if not names_a_list(q.stem, scope, q.sentence):  # "…简约务实，其中包括“不分批次…”": no list, no literal reading
        return [reason("scope_not_a_list", fragment=scope[-30:])]
    if q.answer[0] == TRUE_TEXT:
        items = list_items(scope, q.sentence)  # None: a speech's part, whose link names the list
        listed = contains(q.sentence, item) and not contains(scope, item)
        if listed and (items is None or enumerated(item, items)):
            return []
        return [reason("not_a_list_item", item=item[:30])]
    if contains(q.sentence, item):
        return [reason("false_membership_is_listed", item=item[:30])]
    m = QUOTED_SOURCE.search(q.explanation)
    if not m:
        return [reason("false_without_original")]
    # the quotation runs over several items, so it is checked item by item
    bad = next((b for part in re.split(r"(?<=[。；！？：—])", m.group(1)) if (b := verbatim(q, part))), None)
    return [reason("original_not_in_evidence", fragment=bad[:30])] if bad else []
