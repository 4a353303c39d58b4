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
from content.questions.quantities import cn_to_int
from content.questions.segment import boundaries
from content.questions.slots import Enumeration, Evidence
from content.questions.text import cjk_len, clauses, item_key, norm

_CHUNK = r"[^、，,。；;：:！？!?“”《》（）()\s—…]"
_RUN = re.compile(rf"{_CHUNK}{{1,16}}(?:、{_CHUNK}{{1,16}})+")
_COUNTED = re.compile(
    rf"(?:分为|划分为|包括|包含|设|有|即)(?P<run>{_CHUNK}{{1,14}}(?:、{_CHUNK}{{1,14}})+)等?"
    r"(?P<n>[一二三四五六七八九十两]|\d{1,2})(?P<measure>个等次|个档次|个等级|个方面|个阶段|个环节|个类别|项|类|种|级)"
)
_HEAVY_PAIR = re.compile(r"重([\u4e00-\u9fff]{1,3}?)、轻([\u4e00-\u9fff]{1,3}?)(?=[，,、；;。的]|$)")
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
    "上",  # "从党性上|找差距、查根源、强修养"
    "让群众",  # "让群众|参与、受益、可感可及"
    "经得起",
    "不同",  # "结合不同|层级、地区、领域、行业实际"
)


def inline_lists(ev: Evidence) -> list[Enumeration]:
    """``A、B、C`` lists inside one sentence; a list the text counts ("…四个等次") is taken whole."""
    found = counted_lists(ev)
    covered = [(e.starts[0], e.starts[-1] + len(e.items[-1])) for e in found]
    for m in _RUN.finditer(ev.text):
        if any(a < m.end() and m.start() < b for a, b in covered):
            continue
        enum = _inline(ev, m.start(), m.group(0))
        if enum is not None:
            found.append(enum)
    return found


PARALLEL = "parallel"  # the label of a list of clauses that repeat one verb ("深入学习A，深入学习B，深入学习C")
_LEADS = ("深入学习", "学习", "对照", "坚持", "加强", "强化", "完善", "注重", "推动", "聚焦")


def parallel_clauses(ev: Evidence) -> list[Enumeration]:
    """Three or more clauses that repeat one leading verb: the objects are a list ("要组织党员、干部深入学习…，深入
    学习《…建议》，深入学习…精神").  The first clause may hold more before the verb ("要组织党员、干部深入学习…").
    """
    text = ev.text
    spans = clauses(text)
    found: list[Enumeration] = []
    i = 0
    while i < len(spans):
        run: list[tuple[int, str]] = []
        lead = ""
        for verb in _LEADS:
            a, b = spans[i]
            at = text.find(verb, a, b)
            if at < 0:
                continue
            j = i + 1
            members = [(at + len(verb), text[at + len(verb) : b].rstrip("，,；;。"))]
            while j < len(spans) and text.startswith(verb, spans[j][0]):
                s0, s1 = spans[j]
                members.append((s0 + len(verb), text[s0 + len(verb) : s1].rstrip("，,；;。")))
                j += 1
            if len(members) >= 3 and all(3 <= cjk_len(m) <= 40 and "、" not in m[:2] for _, m in members):
                run, lead = members, verb
                break
        if not run:
            i += 1
            continue
        items = tuple(m for _, m in run)
        if len({norm(x) for x in items}) == len(items):
            label = f"{PARALLEL}:{lead.removeprefix('深入')}"  # objects are options only for the same verb
            found.append(Enumeration("inline", items, ev, tuple(s for s, _ in run), label=label, topic=lead))
        i += len(run)
    return found


def counted_lists(ev: Evidence) -> list[Enumeration]:
    """ "分为优秀、合格、基本合格、不合格四个等次": the count proves where the list starts and ends.

    An unquoted list's first and last items are otherwise trimmed by guesswork (see the module docstring);
    when the text says how many items there are and the run between the opener and the count has exactly
    that many, every item is certain — whatever their lengths.  The measure word ("等次") becomes the
    list's label: its items are asked only against items of lists counted in the same measure.
    """
    found = []
    for m in _COUNTED.finditer(ev.text):
        items = m.group("run").split("、")
        n = cn_to_int(m.group("n")) if not m.group("n").isdigit() else int(m.group("n"))
        if n != len(items) or not all(1 <= cjk_len(i) <= 14 for i in items) or len(set(items)) < len(items):
            continue
        starts, pos = [], m.start("run")
        for item in items:
            starts.append(pos)
            pos += len(item) + 1
        label = m.group("measure").removeprefix("个")
        count = m.group("n") + m.group("measure")
        found.append(Enumeration("inline", tuple(items), ev, tuple(starts), label=label, count=count))
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
    tail = after.lstrip("”")
    left_open = "……" if tail.startswith("…") else "等" if tail.startswith("等") else ""
    return Enumeration(
        kind="inline",
        items=tuple(items),
        evidence=ev,
        starts=tuple(offsets),
        label=label.group(1) if label else "",
        open=left_open,
        # a locality's quoted slogan ("明显好转、根本好转、最佳口碑") is an option only for another slogan
        role="slogan" if quoted and ev.tier >= 2 else _role(after) or ("" if quoted else _lead_words(text, offsets[0])),
    )


_ROLE_NOUN = re.compile(
    r"^”?等(多种形式|工作安排|中心工作|途径|方式|形式|措施|举措|领域|各领域|内容|指标|方面|问题|行为|现象|倾向)"
)


def _role(after: str) -> str:
    """The noun a list's "等" names ("…等途径", "…等指标"), or "总要求": what its items are."""
    m = _ROLE_NOUN.match(after)
    if m:
        return m.group(1)
    return "总要求" if re.match(r"^”?(?:的|为)总要求", after) else ""


def _lead_words(text: str, start: int) -> str:
    """The two characters before a list ("落实|学习研讨…", "存在|漠视群众…"): what its items are there for."""
    lead = text[max(0, start - 2) : start]
    return lead if cjk_len(lead) == 2 else ""


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
        if 2 <= n < len(chunk) and chunk[n:].startswith(
            ("的", "为", "作为", "是", "和", "中", "上下功夫", "检验", "实际")
        ):
            return chunk[:n]
    return None


def heavy_pairs(ev: Evidence) -> list[tuple[str, int]]:
    """ "重速度、轻质量" written as two items is one fault of the 重X轻Y kind: "重速度轻质量" (value, start).

    They are the natural wrong options for a question on “五重五轻”, so they join the distractor pools.
    """
    return [(f"重{m.group(1)}轻{m.group(2)}", m.start()) for m in _HEAVY_PAIR.finditer(ev.text)]


def link_families(enums: Iterable[Enumeration]) -> list[Enumeration]:
    """Give every list the union of items of all lists it shares two or more items with.

    Items are matched through an index of :func:`item_key` ("查摆问题" is "问题查摆"), so only lists that
    share an item are ever compared — the corpus's lists are not paired all with all.
    """
    enums = list(enums)
    parent = list(range(len(enums)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [[item_key(x) for x in e.items] for e in enums]
    holders: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in dict.fromkeys(ks):
            holders.setdefault(k, []).append(i)
    for i, ks in enumerate(keys):
        shared: Counter[int] = Counter()
        for k in ks:
            shared.update(j for j in holders[k] if j > i)
        for j in sorted(shared):
            n = shared[j]
            same_doc = enums[i].evidence.doc_id == enums[j].evidence.doc_id
            # two lists of one document that share an item speak of one thing ("…等内容" and "…等指标" of 考核)
            if n >= 2 or (n >= 1 and (same_doc or min(len(enums[i].items), len(enums[j].items)) <= 2)):
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
