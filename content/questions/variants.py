"""Accepted variants of a fill's answer: what a member who read the text may defensibly write instead.

A fill is marked by its accepted answers, so a blank with an equally right wording must accept it or not be
asked as a fill.  Two sources, both narrow on purpose (``content.verify`` accepts an alternative only from
here):

    word order   "一体推进学查改" / "学查改一体推进" — the central meeting itself writes the second
    plan names   "第十五个五年规划" / "十五五规划" — the short name every document uses for a five-year plan;
    work done    one rule for a key that is a named core followed by two or more coordinated work verbs
                 ("“十五五”规划" + 编制、实施): the core with any ordered subset of the verbs, the last two joined by
                 nothing, 和 or 与 — "十五五规划", "十五五规划编制", "十五五规划实施", "十五五规划编制和实施".  The
                 blank stands among 整改 items, the core is what a member must know and the verbs are the work
                 any plan gets (examiner round 2, Q4; examiner2 Q3: "十五五规划" was accepted but "十五五规划实施"
                 was not).  The core must carry a name — a number ("十五五", "2026年") or a quoted or 《》 title —
                 and at least four characters: "重大规划编制实施" derives nothing.  A form that drops the core
                 ("规划编制实施", "编制实施") or changes it (another number, another noun) stays wrong
    short names  the same term without its qualifier ("中央巡视整改" / "巡视整改") — never another term: "巡视巡察
                 整改", "以人民为中心" or "人民至上" are not in the source, and a blank they would fill as well is
                 an open blank, refused (``giveaways``), not widened
"""

from __future__ import annotations

import re
from itertools import combinations

_HOW = "(一体推进|统筹推进|协同推进)"
_ORDER = re.compile(rf"^{_HOW}([\u4e00-\u9fff]{{2,6}})$|^([\u4e00-\u9fff]{{2,6}}){_HOW}$")
_PLAN = re.compile(r"^第([一二三四五六七八九十]{1,3})个五年规划$")
# the work a plan, a programme or a rule gets; two or more of them, written together, end a "work done" key
WORK_VERBS = ("编制", "实施", "制定", "执行", "修订", "评估", "谋划", "部署", "落实")
_WORK = re.compile(rf"^(?P<core>.+?)(?P<verbs>(?:{'|'.join(WORK_VERBS)}){{2,}})$")
MIN_CORE = 4  # characters (quotes aside) a core needs to be distinctive: "十五五规划", not "规划"
_NAMED = re.compile(r"[0-9０-９一二三四五六七八九十百]|“[^”]+”|《[^》]+》")  # a number or a quoted title
_MARKS = str.maketrans("", "", "“”《》")
_JOINS = ("", "和", "与")
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
    out.extend(work_forms(answer))
    return tuple(dict.fromkeys(v for v in out if v != answer))


def work_forms(answer: str) -> list[str]:
    """A "work done" key's accepted forms (see the module's rule): the core alone, with one verb, or with
    several in the key's order, their last two joined by nothing, 和 or 与."""
    m = _WORK.match(answer)
    if m is None:
        return []
    named, core = m.group("core"), m.group("core").translate(_MARKS)
    if len(core) < MIN_CORE or not _NAMED.search(named):
        return []
    verbs = m.group("verbs")
    listed = [verbs[i : i + 2] for i in range(0, len(verbs), 2)]
    out = [core]
    for size in range(1, len(listed) + 1):
        for chosen in combinations(listed, size):
            heads, last = "".join(chosen[:-1]), chosen[-1]
            out.extend(f"{core}{heads}{join}{last}" for join in (_JOINS if heads else ("",)))
    return out
