"""Single-span facts read off one sentence: dates, numbers, bodies, chairing persons, quoted terms — and
the quantities of a rule (Chinese-numeral counts, frequencies, ordinals, fractions: see ``quantities``).

Each finder is a pattern for the way official Chinese reports state that kind of fact::

    2月24日，中央党的建设工作领导小组召开会议      date "2月24日", body "中央党的建设工作领导小组"
    …组长蔡奇主持会议并讲话                         person "蔡奇"
    锚定…规模以上工业总产值超1000亿元              number "1000亿元"
    集中整治…等8个方面突出问题                      number "8个"
    以…“一把手”为重点                              term "一把手"
    时间：2026年3月25日（an agenda line）           date, labelled "时间"

The patterns are deliberately narrow: a missed fact costs one question, a wrong span costs trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from content.questions.quantities import bound_at, find_quantities
from content.questions.slots import Evidence, Slot
from content.questions.text import cjk_len

_DATE = re.compile(
    r"(?<!\d)(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日(?:至\d{1,2}日)?"
    r"|(?<!\d)\d{1,2}月(?:底|初|中旬|上旬|下旬)"
)
_UNITS = "亿元|万元|元|个月|个百分点|个|项|次|条|家|人|名|%|倍|天|周岁|岁"
_NUMBER = re.compile(rf"(?<![\d第.\-－])(\d+(?:\.\d+)?)\s*({_UNITS})(?![\d])")
_BODY_SUFFIX = "办公厅|领导小组|常委会|党组|党委|党工委|院务会|委员会|高新区|省委|市委|区委"
_BODY = re.compile(
    rf"(?:^|(?<=[，,。；;：:])|(?<=\d日)|(?<=近日))"
    rf"([\u4e00-\u9fff（）()]{{2,24}}?(?:{_BODY_SUFFIX}))"
    r"(?=(?:近日|已经|\d{1,2}月\d{1,2}日(?:上午|下午)?)?[，,]?(?:召开|印发|要求|表示|提出|决定|审议|成立|强调))"
)
_PERSON = re.compile(r"(?:组长|书记|校长|主任|部长|省长|市长|区长|主持[：:])([\u4e00-\u9fff]{2,3}?)(?=主持|出席|$)")
_TERM = re.compile(r"“([^“”、，,。；;：:！？\s]{2,10})”")
_FIELD = re.compile(r"^([\u4e00-\u9fff]{2,6})[：:]\s*(.{2,40})$")
# what a requirement names as its focus, lever or guide: "以一体推进学查改为抓手", "以…“一把手”为重点"
_ROLE = re.compile(r"以(?P<what>[^，。；、]{4,30}?)为(?P<role>抓手|重点|指导|主线|契机|落脚点|切入点|突破口|发力点)")
# a short imperative clause's object: "加强分类指导", "强化真督实导" (its verb says what is to be done with it)
_DO = re.compile(
    r"(?:^|[，,。；]|要)(?P<verb>加强|强化|注重|压实|坚持|健全|完善|做好|抓好|力戒|严防)"
    r"(?P<what>[\u4e00-\u9fff]{4})(?=[，,。；]|$)"
)
_SET_TARGETS = frozenset({"形式主义", "官僚主义"})  # "力戒（　）": every member fills it without reading
# what a campaign *is*: "是践行党的根本宗旨、夯实党的执政根基的重要举措"
_IS_THE = re.compile(
    r"是(?P<of>[^，。；]{6,40}?)的(?P<what>必然要求|重要举措|有效途径|重要任务|重要抓手|重要部署|根本遵循|重要保障|关键举措)"
    r"(?=[，。；]|$)"
)


def find_slots(ev: Evidence) -> Iterator[Slot]:
    """Every single-span fact in one evidence sentence."""
    text = ev.text
    field = _FIELD.match(text)
    if field:
        yield from _field_slots(ev, field)
        return
    for m in _DATE.finditer(text):
        yield Slot("date", m.group(0), m.start(), ev)
    taken: list[tuple[int, int]] = []
    for m in _NUMBER.finditer(text):
        taken.append(m.span())
        yield Slot("number", m.group(0), m.start(), ev, bound=bound_at(text, m.start(), m.end()))
    for q in find_quantities(text):
        end = q.start + len(q.value)
        if not any(a < end and q.start < b for a, b in taken):
            yield Slot(q.kind, q.value, q.start, ev, bound=q.bound)
    for m in _BODY.finditer(text):
        body = m.group(1)
        if cjk_len(body) >= 3 and not body.startswith(("各", "我", "要", "在")):
            yield Slot("body", body, m.start(1), ev)
    for m in _PERSON.finditer(text):
        yield Slot("person", m.group(1), m.start(1), ev)
    for m in _TERM.finditer(text):
        term = m.group(1)
        if _is_term(text, m, term):
            yield Slot("term", term, m.start(1), ev)
    for m in _ROLE.finditer(text):
        yield Slot("term", m.group("what"), m.start("what"), ev, label=m.group("role"))
    for m in _IS_THE.finditer(text):
        yield Slot("term", m.group("what"), m.start("what"), ev, label="是…的")
    for m in _DO.finditer(text):
        if m.group("what") not in _SET_TARGETS:
            yield Slot("term", m.group("what"), m.start("what"), ev, label=m.group("verb"))


def _is_term(text: str, m: re.Match[str], term: str) -> bool:
    """A quoted name worth asking for — not a quoted half-word ("“开门”教育") or an abbreviation."""
    if cjk_len(term) < 2 or _DATE.fullmatch(term) or text[: m.start()].endswith("简称"):
        return False
    after = text[m.end() : m.end() + 1]
    return not (len(term) <= 2 and after and "\u4e00" <= after <= "\u9fff")


def _field_slots(ev: Evidence, m: re.Match[str]) -> Iterator[Slot]:
    """An agenda line "键：值" — the value is the fact, the key says what it is."""
    key, value = m.group(1), m.group(2).strip()
    start = m.start(2) + (len(m.group(2)) - len(m.group(2).lstrip()))
    if _DATE.fullmatch(value):
        yield Slot("date", value, start, ev, label=key)
    elif "主持" in key and re.fullmatch(r"[\u4e00-\u9fff]{2,3}", value):
        yield Slot("person", value, start, ev, label=key)
