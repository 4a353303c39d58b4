"""Who holds a named responsibility: a duty handed to another holder, stated false.

A deployment assigns each *role* of the campaign to one holder: "各级党委（党组）要对学习教育负总责", "党委（党组）
主要负责同志要履行好第一责任人责任", "中央党的建设工作领导小组抓好统筹协调".  Copied alone such a sentence reads
true to anyone: 负总责 and 第一责任人 are stock formulas every deployment of every campaign repeats, so an
examiner found the true copies give-aways (bank of 15, Q13 and Q14).  What a member must know is *whose* role
it is, and only the false twin asks that — the same duty handed to a holder the corpus charges with a
*different* role::

    判断  中央党的建设工作领导小组会议指出：中央党的建设工作领导小组要对学习教育负总责。   错误
          (the same passage: the group 抓好统筹协调, the 党委 负总责)
    判断  《通知》要求：党委（党组）领导班子成员要履行好第一责任人责任。                   错误
          (the corpus pairs the two: "主要负责同志要担负起第一责任人责任，领导班子成员要履行好“一岗双责”")

The true copy is not asked (the examiner refuses a true 判断 made of these formulas for every builder).  The
twin holder is of the same kind (a body for a body, a person for a person), shares no head or opening
with the true one (各级党委 and 行业系统主管部门党委 overlap: either may be read to include the other), and is
taken from the same central passage or from a sentence of any material that restates this role beside the
twin's own.  A duty that names no role ("要把开展学习教育作为重要政治任务，精心组织实施") has no twin: anyone
shares it, and it is not asked.  A twin's fact is the pair of roles it confuses ("subject:统筹协调|负总责"), so
two twins of this module that swap the same two roles are one fact for the ranker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate, Evidence
from content.questions.text import cjk_len, excerpt, norm

KIND = "subject"  # whose role a duty is (``importance.KIND_WEIGHT``; a true one names it: ``CHECKABLE_TRUE``)
SCORE = 1.1
MAX_CHARS = 60
# the roles a deployment hands out, one holder each
_ROLE = re.compile(r"负总责|第一责任人|主体责任|监督责任|一岗双责|指导作用|统筹协调|牵头抓总")
_PERSON = r"(?:主要负责同志|主要负责人|领导班子成员|班子成员|一把手|书记)"
_BODY = r"(?:党委|党组|领导小组|部门|机关|党组织)"
_HOLDER = re.compile(
    rf"(?P<who>[\u4e00-\u9fff（）()]{{2,20}}?(?:{_PERSON}|{_BODY}(?:（[^）]{{1,4}}）)?))"
    r"(?:要|应|须)?(?:抓好|负责|履行|担负|落实|发挥|对|充分发挥|认真履行|切实)"
)
_CLAUSE = re.compile(r"[^，,；;。：:]+")
_UNNAMED = re.compile(r"^(?:各级|全体|广大|各|相关|有关|其他|领导|会议)?(?:党员干部|领导干部|干部)$")


@dataclass(frozen=True)
class _Held:
    who: str
    role: str
    person: bool


def _held(clause: str) -> _Held | None:
    """The holder and role of a clause that hands one role to one holder ("…领导班子成员要履行好“一岗双责”")."""
    roles = _ROLE.findall(clause)
    m = _HOLDER.search(clause)
    if len(set(roles)) != 1 or m is None or _UNNAMED.match(m.group("who")):
        return None
    who = re.sub(r"^(?:会议(?:指出|强调|要求))", "", m.group("who"))
    person = re.search(rf"{_PERSON}$", who) is not None
    return _Held(who, roles[0], person)


def _clauses(text: str) -> list[_Held]:
    return [h for c in _CLAUSE.findall(text) if (h := _held(c)) is not None]


def _core(who: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]", "", who)


def _distinct(a: str, b: str) -> bool:
    """Two holders neither of which may be read to include the other."""
    a, b = _core(a), _core(b)
    return a not in b and b not in a and a[-2:] != b[-2:] and a[:2] != b[:2]


def _echoes(who: str, duty: str) -> bool:
    """The duty repeats two characters of its holder's name ("行业系统主管部门…对本行业本系统…"): another holder
    would not fit it, so no false twin is plausible."""
    core = _core(who)
    return any(core[i : i + 2] in duty for i in range(len(core) - 1) if core[i : i + 2] not in ("学习", "教育"))


def _twin(true: _Held, text: str, other: _Held) -> str | None:
    """``text`` with ``other`` holding ``true``'s role: a body replaces the body, a person the person's title."""
    if other.person != true.person or not _distinct(true.who, other.who):
        return None
    if not true.person:
        return text.replace(true.who, other.who, 1)
    title = re.search(rf"{_PERSON}$", true.who)
    mine = title.group(0) if title else ""
    if mine and _distinct(mine, other.who) and other.who not in true.who:
        at = text.find(true.who)
        return text[:at] + true.who[: -len(mine)] + other.who + text[at + len(true.who) :]
    return None


def duty_candidates(evidences: Iterable[Evidence]) -> list[Candidate]:
    """A true and a false statement for each central sentence that hands one named role to one holder."""
    evidences = list(evidences)
    held = {ev.text: _clauses(ev.text) for ev in evidences}
    # the holders a sentence sets beside another role's holder ("…第一责任人责任，领导班子成员…“一岗双责”")
    beside: dict[str, list[_Held]] = {}
    for found in held.values():
        for h in found:
            beside.setdefault(h.role, []).extend(o for o in found if o.role != h.role)
    out: list[Candidate] = []
    for ev in evidences:
        if ev.tier != CENTRAL or "\n" in ev.text or cjk_len(ev.text) > MAX_CHARS:
            continue
        found = held[ev.text]
        if len(found) != 1 or not norm(ev.text).startswith(norm(found[0].who)[:4]):
            continue  # one sentence, one holder, said first: "各级党委（党组）要对学习教育负总责。"
        true = found[0]
        if _echoes(true.who, ev.text[ev.text.find(true.who) + len(true.who):]):
            continue  # "行业系统主管部门党委（党组）要…对本行业本系统…": the duty names its holder
        section = [h for e in evidences if e.doc_id == ev.doc_id and e.section == ev.section for h in held[e.text]]
        others = [h for h in (*section, *beside.get(true.role, ())) if h.role != true.role]
        twins = [(t, o) for o in others if (t := _twin(true, ev.text, o)) and t != ev.text]
        if twins:
            out.extend(_statements(ev, true, *twins[0]))
    return out


def _statements(ev: Evidence, true: _Held, false_text: str, other: _Held) -> list[Candidate]:
    """The false twin as a 判断 under the fact of the two roles it swaps (the true copy is a give-away)."""
    start = ev.text.find(true.who)
    text, offset, from_start = excerpt(ev.text, start, start + len(true.who))
    if text != ev.text:
        return []
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None or not framed.prefix or ev.text not in framed.text:
        return []  # a statement says whose requirement it is ("《通知》要求：")
    key = f"subject:{'|'.join(sorted((true.role, other.role)))}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    q = new_question(
        "truefalse",
        ev,
        framed.text.replace(ev.text, false_text, 1),
        (TRUE_TEXT, FALSE_TEXT),
        (FALSE_TEXT,),
        explanation(f"{FALSE_TEXT}。", framed.quote, framed.where, ev.document),
        "subject|F",
        SCORE,
        sentence=framed.sentence,
    )
    return [Candidate(q, key, KIND, False, key, paragraph, ev.tier, ev.doc_tier)]


__all__ = ["KIND", "duty_candidates"]
