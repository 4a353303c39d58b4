"""Lists: the backbone of study material, and the best source of fair questions.

Three shapes are recognised, all from structure rather than from known wording (numbered lists and
headings live in ``numbered``)::

    inline    …以立党为公、为民造福、科学决策、真抓实干为总要求…      (、-separated, or “quoted”)
    numbered  概括为“五重五轻”——  / 一是重始轻终。… / 二是重短轻长。…   (一是… or （一）… items)
    headings  一、站在政治和全局高度…  二、准确把握核心要义…             (the parts of a speech)

An unquoted inline list has no marked start or end ("认真落实学习研讨、…、开门教育等工作安排"), so the
first and last items are trimmed to the length of the middle ones, and only at a jieba word boundary;
an item that cannot be trimmed safely is dropped rather than guessed.

Lists that share two or more items are one *family* ("学习研讨、查摆问题…" and "学习研讨、问题查摆…"):
no item of a family is ever offered as a wrong option for a question about that family.  A list whose
items are faults ("是否存在漠视群众、敷衍塞责…的行为") is marked ``negative`` so its wrong options are faults too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from content.questions.kinds import list_is_negative
from content.questions.segment import boundaries
from content.questions.slots import Enumeration, Evidence
from content.questions.text import cjk_len, clauses, norm, same_items

_CHUNK = r"[^、，,。；;：:！？!?“”《》（）()\s—…]"
_RUN = re.compile(rf"{_CHUNK}{{1,16}}(?:、{_CHUNK}{{1,16}})+")
_LABEL = re.compile(r"^”?(?:等|为|的)([\u4e00-\u9fff]{2,6})(?=[，,。；;、]|$)")
# words that open an unquoted list: the first item is trimmed only after one of them
_OPENERS = (
    "以",
    "落实",
    "通过",
    "紧盯",
    "贯穿到",
    "把",
    "将",
    "推进",
    "抓好",
    "包括",
    "坚持",
    "围绕",
    "聚焦",
    "注重",
    "突出",
    "强化",
    "加强",
    "实现",
    "做到",
    "开展",
    "涵盖",
    "有",
    "对",
    "在",
    "从",
    "和",
    "与",
)


def inline_lists(ev: Evidence) -> list[Enumeration]:
    """``A、B、C`` lists inside one sentence."""
    found = []
    for m in _RUN.finditer(ev.text):
        enum = _inline(ev, m.start(), m.group(0))
        if enum is not None:
            found.append(enum)
    return found


def _inline(ev: Evidence, start: int, run: str) -> Enumeration | None:
    text = ev.text
    chunks = run.split("、")
    end = start + len(run)
    quoted = start > 0 and text[start - 1] == "“" and end < len(text) and text[end] == "”"
    offsets = []
    pos = start
    for c in chunks:
        offsets.append(pos)
        pos += len(c) + 1
    items = list(chunks)
    if quoted:
        if len(items) < 2:
            return None
    else:
        if len(items) < 3:
            return None
        middle = [len(c) for c in items[1:-1]]
        size = Counter(middle).most_common(1)[0][0]
        if size < 2:
            return None
        first = _trim_first(items[0], size)
        last = _trim_last(items[-1], size)
        if first is None:
            items, offsets = items[1:], offsets[1:]
        else:
            offsets[0] += len(items[0]) - len(first)
            items[0] = first
        if last is None:
            items, offsets = items[:-1], offsets[:-1]
        else:
            items[-1] = last
        if len(items) < 3 or max(map(len, items)) - min(map(len, items)) > 3:
            return None
        if start > 0 and text[start - 1] == "”":
            return None
    if any(not 2 <= cjk_len(i) <= 14 for i in items) or len({norm(i) for i in items}) < len(items):
        return None
    after = text[offsets[-1] + len(items[-1]) :]
    label = _LABEL.match(after)
    return Enumeration(
        kind="inline",
        items=tuple(items),
        evidence=ev,
        starts=tuple(offsets),
        label=label.group(1) if label else "",
    )


def _trim_first(chunk: str, size: int) -> str | None:
    """The first item of an unquoted list, cut after a list-opening word ("认真落实|学习研讨")."""
    if len(chunk) <= size:
        return chunk
    cut = len(chunk) - size
    if cut in boundaries(chunk) and chunk[:cut].endswith(_OPENERS):
        return chunk[cut:]
    return None


def _trim_last(chunk: str, size: int) -> str | None:
    """The last item, cut before what follows the list ("真抓实干|为总要求", "开门教育|等工作安排")."""
    if "等" in chunk[1:]:
        head = chunk[: chunk.index("等", 1)]
        return head if abs(len(head) - size) <= 2 else None
    if len(chunk) <= size:
        return chunk
    for n in (size, size + 1, size - 1, size + 2):
        if 2 <= n < len(chunk) and chunk[n:].startswith(("的", "为", "作为", "是", "和", "中")):
            return chunk[:n]
    return None


def link_families(enums: Iterable[Enumeration]) -> list[Enumeration]:
    """Give every list the union of items of all lists it shares two or more items with."""
    enums = list(enums)
    parent = list(range(len(enums)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(enums):
        for j in range(i + 1, len(enums)):
            b = enums[j]
            shared = sum(1 for x in a.items if any(same_items(x, y) for y in b.items))
            if shared >= 2 or (shared >= 1 and min(len(a.items), len(b.items)) <= 2):
                parent[root(i)] = root(j)
    groups: dict[int, set[str]] = {}
    for i, e in enumerate(enums):
        groups.setdefault(root(i), set()).update(e.items)
    return [
        replace(e, family=frozenset(groups[root(i)]), negative=list_is_negative(e.items, _lead_in(e)))
        for i, e in enumerate(enums)
    ]


def _lead_in(e: Enumeration) -> str:
    """The words that introduce a list: they say whether its items are faults ("是否存在…").

    For an inline list that is its own clause up to the first item ("查一查是否存在"), or the clause
    before when the list opens a clause ("…给错误政绩观“画像”：") — never the whole sentence, whose
    earlier clauses may speak of faults ("从根源上纠偏差，将正确政绩观贯穿到科技创新、…").
    """
    if e.kind != "inline":
        return e.context
    text, start = e.evidence.text, e.starts[0]
    spans = clauses(text)
    for i, (a, b) in enumerate(spans):
        if a <= start < b:
            own = text[a:start]
            return own if cjk_len(own) >= 2 or i == 0 else text[spans[i - 1][0] : start]
    return text[:start]
