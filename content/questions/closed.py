"""Lists a central text closes with 等 and a summarising noun, read as complete — as Party exams read them.

The Notice writes "认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排" and "通过督促检查、调查研究、
了解群众反映等途径": the 等 closes the list and the noun names what its items are.  An exam reads such a list as
the whole list, so a 多选 on it and a blank on one of its items have one answer.  Two things stay open:

    "……"            a list cut off by an ellipsis
    等 + a field     "贯穿到科技创新、产业发展、城市治理、民生保障等各领域": the 等 samples a larger field (各…,
                     领域, 方面, 地区, 行业), and any other field is as right as the ones written

Only the centre's lists are read so (a report's or a speech's list is its author's sample), and a closed
list's wrong options must be unmistakably outside it (``outsiders``): phrases of the same kind that the
central texts write in *another* explicit list — "坚持分类指导，强化真督实导，注重宣传引导" is the meeting's row of
how to lead, not the Notice's 工作安排.  A list that has no such outsider is asked by a blank on its
distinctive item ("了解群众反映" among the four-character 督促检查、调查研究) instead of a 多选.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from content.questions.importance import CENTRAL
from content.questions.slots import Candidate
from content.questions.text import cjk_len, norm

# the noun after 等 that sums the list up; a field the 等 only samples is no closure
_CLOSING = re.compile(r"等(?P<noun>[\u4e00-\u9fff]{2,6}?)(?=[，。；,;：:]|$)")
_FIELD = re.compile(r"^(?:各|多|诸|众|其他)|领域|方面|地区|行业|部门|单位|地方|方向")
# what a summarising noun ends with: the kind of the items, not a verb ("等相结合") nor an idiom ("等趋之若鹜");
# problems and phenomena ("…等问题", "…等现象") are samples of faults, not a closed set
_SUMMING = re.compile(r"(?:安排|途径|方式|形式|环节|措施|举措|任务|要求|渠道|方法|手段|内容|机制|原则|步骤|事项)$")
_SENTENCE = re.compile(r"[^。；;！？\n]+")


def closing_noun(line: str, last_item: str) -> str | None:
    """The noun that closes the list ending in ``last_item`` ("工作安排", "途径"), or ``None`` when the list is
    left open ("……", "等各领域", "等相结合": a verb, not a noun naming what the items are; "等问题": a sample)."""
    text = norm(line)
    item = norm(last_item)
    at = text.find(item + "等")
    if at < 0:
        return None
    m = _CLOSING.match(text, at + len(item))
    if m is None:
        return None
    noun = m.group("noun")
    if _FIELD.search(noun) or not _SUMMING.search(noun):
        return None
    return noun


def closed(line: str, items: Sequence[str], tier: int) -> bool:
    """Whether a central line closes the list of ``items`` with 等 and a summarising noun."""
    if tier != CENTRAL or len(items) < 2 or "……" in line:
        return False
    text = norm(line)
    last = max(items, key=lambda i: text.find(norm(i)))
    return closing_noun(line, last) is not None


def outsiders(
    keys: Sequence[str], line: str, central_text: str, kinds: Mapping[str, str], taken: Sequence[str] = ()
) -> list[str]:
    """Phrases of the keys' kind (``kinds``) that a central sentence other than ``line`` writes in a list of
    its own — two or more of that kind, none of them a key: unmistakably not items of the closed list."""
    wanted = {kinds[k] for k in keys if k in kinds}
    if not wanted:
        return []
    own = norm(line)
    out: list[str] = []
    for sentence in _SENTENCE.findall(norm(central_text)):
        if own[:20] in sentence or any(norm(k) in sentence for k in keys):
            continue  # the closed list itself, or a restatement of it
        found = [p for p, kind in kinds.items() if kind in wanted and norm(p) in sentence]
        if len(found) < 2:
            continue
        out += [p for p in found if p not in out and p not in taken and norm(p) not in own]
    # the least restated first: a phrase the centre also requires on its own ("加强分类指导。") is nearer to
    # what a member might take for one of the list's items than one only the other row names (真督实导)
    sentences = _SENTENCE.findall(norm(central_text))
    return sorted(out, key=lambda p: sum(norm(p) in t for t in sentences))


def distinctive(items: Sequence[str]) -> str | None:
    """The one item of three or more whose length no other shares, while the others share one length
    ("了解群众反映" beside 督促检查、调查研究): the item a blank asks without the pattern answering it."""
    if len(items) < 3:
        return None
    lengths = [cjk_len(i) for i in items]
    for i, item in enumerate(items):
        rest = lengths[:i] + lengths[i + 1 :]
        if len(set(rest)) == 1 and rest[0] != lengths[i]:
            return item
    return None


def asked_closed(
    multiple_options: Sequence[str], keys: Sequence[str], items: Sequence[str], line: str, tier: int,
    central_text: str, kinds: Mapping[str, str],
) -> bool:
    """A 多选 on a closed central list whose every wrong option is an ``outsiders`` phrase: no "not in the
    list" answer is a guess."""
    if not closed(line, items, tier):
        return False
    wrong = [o for o in multiple_options if o not in keys]
    outside = outsiders([*items, *keys], line, central_text, kinds)
    return bool(wrong) and all(o in outside for o in wrong)


def refit_closed(c: Candidate, central_text: str, kinds: Mapping[str, str]) -> Candidate | None:
    """A 多选 on a list a central line closes ("…开门教育等工作安排"): its wrong options become the phrases of
    the items' kind the centre writes in another list of its own (分类指导, 真督实导, 宣传引导), never a phrase
    from a speech or a guess (``closed``); ``None`` when the list is not closed or has no such outsider (the
    open-list refusal then stands, and a blank on the distinctive item asks it)."""
    q = c.question
    raw = q.sentence.split("\n")[-1]
    items = [i for i in c.group.split("、") if i]
    if not closed(raw, items, c.tier):
        return None
    spare = outsiders([*items, *q.answer], raw, central_text, kinds)
    if not spare:
        return None
    wrong = [o for o in q.options if o not in q.answer]
    fresh = iter([p for p in spare if p not in wrong])
    options: list[str] = []
    for o in q.options:  # each wrong option that is no outsider gives its place to one, or goes
        if o in q.answer or o in spare:
            options.append(o)
        elif (into := next(fresh, None)) is not None:
            options.append(into)
    return replace(c, question=replace(q, options=tuple(options)))
