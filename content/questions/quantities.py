"""Quantities the way rules state them, in Chinese or Arabic numerals — found, compared, and varied.

A branch's own regulations carry their facts in numbers written out in Chinese, next to a frequency and a
bound, so these are read as slots of their own::

    党员大会每季度至少召开一次                  frequency "每季度"   number "一次" (at least)
    每月第三个星期五为主题党日                  frequency "每月"     ordinal "第三个星期五"
    党员应当按月交纳党费                        frequency "按月"
    党员连续六个月不交纳党费                    number "六个月"
    应当在一个月内向党支部书面报告              number "一个月" (at most: a deadline)
    每年累计不少于32学时                        number "32学时" (at least)
    一般不超过参评党员总数的三分之一            fraction "三分之一" (at most)

A Chinese-numeral quantity is taken only in a clause that reads as a rule (每/按/至少/不超过/累计/连续/
以上/内/应当/一般…): "这是一次触及灵魂的思想洗礼" holds a numeral and a measure word but no fact.  A number's
*measure* is what follows the numeral ("个月", "次", "学时"); wrong options are always of the answer's
measure and in its numerals, made by construction when the corpus has none: 六个月 → 三个月, 十二个月,
五个月 …; 每季度 → 每月, 每半年 …; 第三个星期五 → 第一个星期五 …; 三分之一 → 二分之一, 四分之一 ….

``bound`` says which wrong values make a *false* statement for sure: under "至少一次" a larger count is
false while a smaller one is merely weaker (true), so a 判断 swaps only towards the stricter side.  "max"
covers caps and deadlines ("不超过三个月", "一个月内") and the thresholds of conditions ("离开六个月以上的",
"连续六个月不交纳"): there a smaller value is the claim the rule does not make.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Bound = Literal["", "min", "max"]
QuantityKind = Literal["number", "frequency", "ordinal", "fraction"]

CN_NUMERALS = "〇一二三四五六七八九十两"
_DIGIT_OF = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2}
# measure words after a Chinese numeral; "time" ones may follow 一 (一次, 一个月), the others only a real count
_TIME_UNITS = "个工作日|个季度|个星期|个小时|个月|小时|学时|课时|分钟|次|年|天|日|周"
_COUNT_UNITS = "个等次|个档次|个等级|个方面|个阶段|个环节|名|人|项|条|批|类|种"
_CN_NUMBER = re.compile(
    rf"(?<![第每同某这那哪唯统逐万之任单均再又个{CN_NUMERALS}百千])([{CN_NUMERALS}]{{1,3}})"
    rf"({_TIME_UNITS}|{_COUNT_UNITS})"
    r"(?!性|次日|年级|年代|年来|年度|规划|计划|行动|周年)"
)
_NEW_ARABIC = re.compile(r"(?<![\d第.\-－])(\d{1,5})\s*(学时|课时|小时|分钟|个工作日|个季度|个等次|字)(?!\d)")
_FREQUENCY = re.compile(r"(每(?:个)?|按)(半个月|半月|两个月|两年|三年|五年|半年|季度|学期|周|月|年)")
_ORDINAL = re.compile(r"(?:第([一二三四五])个|最后一个)(星期[一二三四五六日天]|周[一二三四五六日])|第([一二三四])季度")
_FRACTION = re.compile(r"([二三四五六七八九十])分之([一二三四五六七八九])")
_RULE_CUE = re.compile(
    r"每|按|至少|不少于|不低于|不超过|不得|不多于|累计|连续|以上|以内|以下|(?<=[月日天年周时])内|满|超过|应当|须|一般"
    r"|为期|期限|任期|分为|共计"
)
_MIN_BEFORE = ("至少", "不少于", "不低于", "不得少于", "最少")
_MAX_BEFORE = ("不超过", "不得超过", "不多于", "最多", "至多")
_CONDITION_BEFORE = ("连续", "满", "超过")
_CONDITION_AFTER = ("以上的", "以上，", "及以上")
_CLAUSE = re.compile(r"[，,；;。：:！？!?]")
# a frequency ladder, shortest period first; 按X has its own shorter ladder
LADDER = ("周", "半月", "月", "两个月", "季度", "半年", "年", "两年", "三年", "五年")
_BY_LADDER = ("周", "月", "季度", "半年", "年")
# the durations rules actually use, per measure word
_NATURAL = {
    "个月": (1, 2, 3, 6, 12, 18, 24),
    "年": (1, 2, 3, 5, 10),
    "日": (3, 5, 7, 10, 15, 20, 30),
    "天": (3, 5, 7, 10, 15, 20, 30),
    "个工作日": (3, 5, 7, 10, 15, 20, 30),
    "周": (1, 2, 3, 4, 6, 8),
}


@dataclass(frozen=True)
class Quantity:
    kind: QuantityKind
    value: str
    start: int
    bound: Bound = ""


def find_quantities(text: str) -> Iterator[Quantity]:
    """Frequencies, ordinals, fractions and Chinese-numeral (or newly measured Arabic) numbers in ``text``."""
    for m in _FREQUENCY.finditer(text):
        if _quoted(text, m.start()) or not _frequency_fact(text, m):
            continue
        yield Quantity("frequency", m.group(0), m.start(), _clause_bound(text, m.start()))
    for m in _ORDINAL.finditer(text):
        if not _quoted(text, m.start()):
            yield Quantity("ordinal", m.group(0), m.start())
    for m in _FRACTION.finditer(text):
        if not _quoted(text, m.start()):
            yield Quantity("fraction", m.group(0), m.start(), bound_at(text, m.start(), m.end()))
    for m in _CN_NUMBER.finditer(text):
        n = cn_to_int(m.group(1))
        unit = m.group(2)
        if n is None or n == 0 or _quoted(text, m.start()) or not _rule_clause(text, m.start()):
            continue
        if n == 1 and not re.fullmatch(_TIME_UNITS, unit):
            continue  # "一项重要工作", "一名同志": an article, not a count
        yield Quantity("number", m.group(0), m.start(), bound_at(text, m.start(), m.end()))
    for m in _NEW_ARABIC.finditer(text):
        if not _quoted(text, m.start()):
            yield Quantity("number", m.group(0), m.start(), bound_at(text, m.start(), m.end()))


def _quoted(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count("“") > before.count("”")


def _clause(text: str, pos: int) -> tuple[int, int]:
    starts = [m.end() for m in _CLAUSE.finditer(text, 0, pos)]
    end = _CLAUSE.search(text, pos)
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _rule_clause(text: str, pos: int) -> bool:
    a, b = _clause(text, pos)
    return bool(_RULE_CUE.search(text[a:b]))


def _frequency_fact(text: str, m: re.Match[str]) -> bool:
    """每X only with a count or a date in its clause ("每季度至少召开一次"); 按X only before a verb ("按月交纳")."""
    if m.group(1) == "按":  # "按月交纳" is the rule; "不能按月交纳的" only names the exception to it
        before = text[max(0, m.start() - 2) : m.start()]
        return (
            m.group(2) in _BY_LADDER
            and bool(re.match(r"[\u4e00-\u9fff]", text[m.end() : m.end() + 1]))
            and not before.endswith(("不能", "未", "没有", "不"))
        )
    _, b = _clause(text, m.start())
    rest = text[m.end() : b]
    return bool(re.search(rf"[{CN_NUMERALS}\d]+(?:次|个|天|日|周|年|学时|小时|课时)|第[一二三四五]个", rest))


def _clause_bound(text: str, pos: int) -> Bound:
    """A frequency under "至少…一次" is a minimum: a longer period is weaker, a shorter one stricter."""
    a, b = _clause(text, pos)
    return "min" if any(w in text[a:b] for w in _MIN_BEFORE) else ""


def bound_at(text: str, start: int, end: int) -> Bound:
    """ "至少召开一次" → min; "不超过三个月", "一个月内" → max; anything else → no bound (its own clause decides)."""
    a, _ = _clause(text, start)
    before = text[a:start]
    if any(w in before for w in _MIN_BEFORE):
        return "min"
    if any(w in before for w in _MAX_BEFORE) or text[end : end + 2].startswith(("内", "以内")):
        return "max"
    if before.endswith(_CONDITION_BEFORE) or text[end : end + 3].startswith(_CONDITION_AFTER):
        return "max"  # the threshold of a condition: "离开六个月以上的" also holds for twelve, not for three
    return ""


def cn_to_int(digits: str) -> int | None:
    """一 → 1, 十二 → 12, 三十二 → 32, 两 → 2 (None for anything else)."""
    if not digits or any(c not in CN_NUMERALS for c in digits):
        return None
    if "十" not in digits:
        return _DIGIT_OF.get(digits) if len(digits) == 1 else None
    tens, _, ones = digits.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    t = 1 if not tens else _DIGIT_OF.get(tens)
    o = 0 if not ones else _DIGIT_OF.get(ones)
    return None if t is None or o is None else t * 10 + o


def int_to_cn(n: int) -> str:
    """1 → 一, 2 → 两 (before a measure word), 12 → 十二, 20 → 二十, 32 → 三十二 (1–99)."""
    digits = "〇一二三四五六七八九"
    if n == 2:
        return "两"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def parse(value: str) -> tuple[float, str] | None:
    """(amount, measure) of a number slot — "六个月" → (6, "个月"), "32学时" → (32, "学时") — for comparing."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(\D*)", value)
    if m:
        return float(m.group(1)), m.group(2)
    m = re.fullmatch(rf"([{CN_NUMERALS}]{{1,3}})(\D*)", value)
    if m and (n := cn_to_int(m.group(1))) is not None:
        return float(n), m.group(2)
    return None


def period(value: str) -> int | None:
    """Position of a frequency on the ladder (shorter periods first), for telling stricter from weaker."""
    unit = re.sub(r"^(每个?|按)", "", value).replace("半个月", "半月")
    return LADDER.index(unit) if unit in LADDER else None


def measure(kind: str, value: str) -> str:
    """The pool of a Chinese-numeral value's wrong options: its measure word ("number:cn:个月", "ordinal:星期五").

    Arabic numbers keep their own pools ("number:个月"): options are never mixed across numeral styles.
    """
    if kind == "ordinal":
        return "ordinal:" + re.sub(rf"第[{CN_NUMERALS}]个?|最后一个", "", value)
    if kind == "frequency":
        return "frequency:" + ("按" if value.startswith("按") else "每")
    if kind == "fraction":
        return kind
    return "number:cn:" + re.sub(rf"^[{CN_NUMERALS}]+", "", value)


def stricter(bound: Bound, answer: str, value: str, kind: str) -> bool:
    """Whether ``value`` in the answer's place makes a claim the rule does not make (a sure false statement)."""
    if not bound:
        return True
    if kind == "frequency":
        a, v = period(answer), period(value)
        return a is not None and v is not None and (v < a if bound == "min" else v > a)
    pa, pv = parse(answer), parse(value)
    if kind == "fraction":
        fa, fv = _fraction(answer), _fraction(value)
        return fa is not None and fv is not None and (fv > fa if bound == "min" else fv < fa)
    if pa is None or pv is None or pa[1] != pv[1]:
        return False
    return pv[0] > pa[0] if bound == "min" else pv[0] < pa[0]


def _fraction(value: str) -> float | None:
    m = re.fullmatch(r"([二三四五六七八九十])分之([一二三四五六七八九])", value)
    if not m:
        return None
    den, num = cn_to_int(m.group(1)), cn_to_int(m.group(2))
    return None if not den or not num else num / den


def neighbours(kind: str, value: str) -> list[str]:
    """Made-up wrong options in the answer's own form, nearest first (see the module docstring)."""
    if kind == "frequency":
        head = re.match(r"每个?|按", value)
        if head is None or (rank := period(value)) is None:
            return []
        ladder = _BY_LADDER if head.group(0) == "按" else LADDER
        unit = LADDER[rank]
        if unit not in ladder:
            return []
        i = ladder.index(unit)
        near = sorted((j for j in range(len(ladder)) if j != i), key=lambda j: (abs(j - i), j))
        return [head.group(0) + ladder[j] for j in near[:5]]
    if kind == "ordinal":
        m = re.fullmatch(r"第([一二三四五])个(.+)", value)
        if m:
            n = cn_to_int(m.group(1)) or 0
            steps = (n + 1, n - 1, n + 2, n - 2, n + 3, n - 3)
            weeks = [f"第{'一二三四'[k - 1]}个{m.group(2)}" for k in steps if 1 <= k <= 4]
            return [*weeks, f"最后一个{m.group(2)}"]
        m = re.fullmatch(r"第([一二三四])季度", value)
        if m:
            n = cn_to_int(m.group(1)) or 0
            return [f"第{'一二三四'[k - 1]}季度" for k in (n - 1, n + 1, n - 2, n + 2, n - 3, n + 3) if 1 <= k <= 4]
        return []
    if kind == "fraction":
        known = ("二分之一", "三分之一", "三分之二", "四分之一", "四分之三", "五分之一", "五分之二")
        mine = _fraction(value)
        return sorted((f for f in known if f != value), key=lambda f: abs((_fraction(f) or 0) - (mine or 0)))[:5]
    m = re.fullmatch(rf"([{CN_NUMERALS}]{{1,3}})(\D+)", value)
    counted = cn_to_int(m.group(1)) if m else None
    if m is None or counted is None:
        return []
    n = counted
    unit = m.group(2)
    steps_of = _NATURAL.get(unit)
    if steps_of and n in steps_of:  # 六个月 → 三个月, 十二个月, 两个月: the values a rule would really use
        i = steps_of.index(n)
        order = sorted((j for j in range(len(steps_of)) if j != i), key=lambda j: (abs(j - i), j))
        return [int_to_cn(steps_of[j]) + unit for j in order]
    seen: list[int] = []
    for k in (n + 1, n - 1, n + 2, n - 2, n * 2, n // 2, n + 3):
        if 0 < k < 100 and k != n and k not in seen:
            seen.append(k)
    return [int_to_cn(k) + unit for k in seen]
