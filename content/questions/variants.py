"""Accepted variants of a fill's answer: what a member who read the text may defensibly write instead.

A fill is marked by its accepted answers, so a blank with an equally right wording must accept it or not be
asked as a fill.  Two sources, both narrow on purpose (``content.verify`` accepts an alternative only from
here):

    word order   "一体推进学查改" / "学查改一体推进" — the central meeting itself writes the second
    plan names   "第十五个五年规划" / "十五五规划" — the short name every document uses for a five-year plan;
                 a plan's work ("“十五五”规划编制实施") also accepts the plan alone ("十五五规划"): the blank stands
                 among 整改 items, the plan is what a member must know, and "编制实施" is the work any plan gets
                 (examiner round 2, Q4) — a plan of another number or any other noun stays wrong
    short names  the same term without its qualifier ("中央巡视整改" / "巡视整改") — never another term: "巡视巡察
                 整改", "以人民为中心" or "人民至上" are not in the source, and a blank they would fill as well is
                 an open blank, refused (``giveaways``), not widened
"""

from __future__ import annotations

import re

_HOW = "(一体推进|统筹推进|协同推进)"
_ORDER = re.compile(rf"^{_HOW}([\u4e00-\u9fff]{{2,6}})$|^([\u4e00-\u9fff]{{2,6}}){_HOW}$")
_PLAN = re.compile(r"^第([一二三四五六七八九十]{1,3})个五年规划$")
_PLAN_WORK = re.compile(r"^“?([一二三四五六七八九十]{1,2}五)”?规划(?:编制实施|编制|实施)$")
SYNONYMS: dict[str, tuple[str, ...]] = {"中央巡视整改": ("巡视整改",)}


def accepted(answer: str) -> tuple[str, ...]:
    """The variants of ``answer`` a fill also accepts (not ``answer`` itself)."""
    out: list[str] = list(SYNONYMS.get(answer, ()))
    m = _ORDER.match(answer)
    if m:
        out.append(m.group(2) + m.group(1) if m.group(1) else m.group(4) + m.group(3))
    plan = _PLAN.match(answer)
    if plan:
        out.append(f"{plan.group(1)}五规划")
    work = _PLAN_WORK.match(answer)
    if work:
        out.append(f"{work.group(1)}规划")
    return tuple(v for v in out if v != answer)
