"""What *kind* of phrase a value is, so a wrong option is never ruled out by its look alone.

A member eliminates an option without knowing the material when it is visibly of another kind than the
blank: a failing ("心浮气躁") among work arrangements, a bare verb ("作决策") beside four-character items,
a pair ("开发和保护") among single terms.  Two values are *compatible* when they agree on::

    polarity   negative (a fault: 弄虚作假, 重始轻终, 不敢担当, “低级红”) vs anything else; among faults, one of
               doing too little (不敢担当, 敷衍塞责, 推诿扯皮) vs one of excess (急功近利, 盲目蛮干) — "不敢担当"
               among the failings that end in 搞“形象工程” is ruled out by meaning alone (examiner round 6)
    form       pair "X和Y" · heavy/light "重X轻Y" · question word "为了谁" · numbered slogan "一岗双责"
               · plain phrase
    length     within a third of the answer's length (at least 2 characters either way)
    affix      when every item of the answer's list shares a beginning or an ending ("亲自部署、亲自过问",
               "把自己摆进去、把工作摆进去", "即知即改、立行立改"), the wrong option shares it too

Polarity comes from the phrase itself (a small lexicon of fault words) or from its list: every item of a
list introduced by "是否存在…", "错误政绩观是…" or "力戒/严防…" is a fault.  The lexicon is deliberately
short and about this genre (党建 texts name faults in a small, stable vocabulary); a phrase it misses is
"not negative", which only ever makes the distractor filter stricter for the faults it does know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_NEGATIVE = re.compile(
    r"不(?!必|断|忘|懈|移)|虚|假|盲目|漠视|敷衍|推诿|推脱|脱离|好大喜功|急功近利|浮|躁|蛮干|主义|低级|高级黑|一刀切"
    r"|扭曲|错位|缺失|损害|怕|包袱|隐患|形象工程|政绩工程|旧账|做秀|造势|杀鸡取卵|寅吃卯粮|昙花一现|灰绩|违背|强烈"
    r"|对策|阳奉阴违|拈轻|择易|短平快|急于求成"
)
_HEAVY = re.compile(r"^重[\u4e00-\u9fff]{1,3}轻[\u4e00-\u9fff]{1,3}$")
_PAIR = re.compile(r"^[\u4e00-\u9fff]{1,3}和[\u4e00-\u9fff]{1,3}$")
_QUESTION = re.compile(r"谁|什么|怎么|哪|有没有|好不好")
# a manner adverb and a verb ("深刻理解", "准确把握", "全面落实"): never an option among noun phrases
_MANNER = re.compile(
    r"^(?:深刻|准确|全面|认真|扎实|切实|坚决|严格|精准|深入|积极|主动|充分|不断|牢牢|始终|持续|广泛|及时|大力|着力)"
)
_NUMBERED = re.compile(r"^[一二三四五六七八九十两][个大会岗城区员下手重][\u4e00-\u9fff]{0,4}$")
# a fault of doing too little: shirking, evading, going through the motions
_INACTION = re.compile(
    r"不敢|不愿|不为|不作为|不担当|敷衍|塞责|推诿|推脱|扯皮|躺平|怕|庸|懒|拈轻|避重|消极|得过且过|慢作为"
)
# words in a list's lead-in that make every item of the list a fault
NEGATIVE_CUES = re.compile(r"是否存在|错误政绩观|力戒|严防|防止|摒弃|杜绝|反对|纠治|画像|偏差")


@lru_cache(maxsize=16384)
def is_negative(value: str) -> bool:
    return bool(_NEGATIVE.search(value) or _HEAVY.match(value))


@lru_cache(maxsize=16384)
def is_inaction(value: str) -> bool:
    """A fault of doing too little (不敢担当, 敷衍塞责) — the opposite sign of a fault of excess (急功近利)."""
    return bool(_INACTION.search(value))


@lru_cache(maxsize=16384)
def form(value: str) -> str:
    if _HEAVY.match(value):
        return "heavy"
    if _PAIR.match(value):
        return "pair"
    if _QUESTION.search(value):
        return "question"
    if _NUMBERED.match(value):
        return "numbered"
    if len(value) == 4 and _MANNER.match(value):
        return "manner"
    return "plain"


def list_is_negative(items: Iterable[str], lead: str) -> bool:
    """A list of faults: most items are faults by the lexicon, or its lead-in names them as such."""
    items = list(items)
    faults = sum(1 for i in items if is_negative(i))
    return faults * 2 > len(items) or bool(NEGATIVE_CUES.search(lead))


def shared_affix(items: Iterable[str]) -> tuple[str, str, str]:
    """(prefix, suffix, core) every item shares — "亲自", "改", "摆进去" / "一批" — or empty strings.

    ``core`` is the longest run of two or more characters found inside every item ("上再" in
    "认识上再深化、重点上再聚焦"), so a pattern in the middle of the items is seen as well.
    """
    items = [i for i in items if i]
    if len(items) < 2:
        return "", "", ""
    prefix = suffix = items[0]
    for i in items[1:]:
        while prefix and not i.startswith(prefix):
            prefix = prefix[:-1]
        while suffix and not i.endswith(suffix):
            suffix = suffix[1:]
    first = min(items, key=len)
    core = ""
    for size in range(len(first), 1, -1):
        runs = (first[a : a + size] for a in range(len(first) - size + 1))
        core = next((r for r in runs if all(r in i for i in items)), "")
        if core:
            break
    return prefix, suffix, core


@lru_cache(maxsize=65536)
def _shared_run(a: str, b: str, size: int = 2) -> bool:
    return any(a[i : i + size] in b for i in range(len(a) - size + 1) if "\u4e00" <= a[i] <= "\u9fff")


def compatible(
    answer: str,
    value: str,
    *,
    negative: bool,
    value_negative: bool,
    affix: tuple[str, str, str],
    strict_length: bool = True,
) -> bool:
    """Whether ``value`` looks like the same kind of phrase as ``answer`` (see the module docstring).

    ``strict_length=False`` is the fallback for a small corpus (one regulation): any length will do, but
    polarity, form and pattern still must match.
    """
    if negative != value_negative:
        return False
    if negative and is_inaction(answer) != is_inaction(value):
        return False  # "不敢担当" among failings of excess (心浮气躁、急功近利…): its meaning rules it out
    fa, fv = form(answer), form(value)
    if fa != fv:
        return False  # "好大喜功" among 重X轻Y options is found out by its form alone
    band = 0 if len(answer) <= 4 else max(1, len(answer) // 4)
    if fa == "heavy":
        band = 2  # 重始轻终 and 重局部轻全局 are one pattern
    if strict_length and abs(len(answer) - len(value)) > band:
        return False
    if _shared_run(answer, value, 2 if len(answer) <= 6 else 4):
        return False  # "作决策" beside "科学决策": a variant of the answer, not another answer
    if fa != "plain":
        return True  # the form already is the pattern ("重…轻…", "…和…")
    prefix, suffix, core = affix
    return value.startswith(prefix) and value.endswith(suffix) and core in value
