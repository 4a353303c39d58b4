"""Parts of one sentence that pair things up, asked by which part goes with which.

Some requirements pair each step with what it must do, or each claim with what the campaign is::

    要坚持开门教育，查摆问题听取群众意见，整改整治接受群众监督，检验成效接受群众评判
    聚焦主题组织集中学习研讨，突出重点抓好问题查摆，动真碰硬抓好整改整治，源头施治抓好建章立制，…
    是…的必然要求，是践行党的根本宗旨、夯实党的执政根基的重要举措，是…推进全面从严治党的有效途径

The fact is the pairing itself, and the other parts of the same sentence are the best wrong values there
are — so a false statement *exchanges* two of them (never repeats one: a part said twice would give it away),
and verification checks that each lands in a clause the text does not have (``verify.exchange_of``)::

    填空  《通知》强调：要坚持开门教育，查摆问题听取群众意见，整改整治（　），检验成效接受群众评判。
    判断  《通知》强调：要坚持开门教育，查摆问题听取群众意见，整改整治接受群众评判，检验成效接受群众监督。  错误

No 单选: its wrong options would be parts the same sentence states, and which step a manner word goes with
("突出重点…", "源头施治…") may be argued.

A run of clauses pairs things only when each clause is a four-character step followed by its part and the
parts share a word ("群众", "抓好"): such parts cannot be told apart by form, only by reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from content.model import FALSE_TEXT, TRUE_TEXT, QuestionType
from content.questions.cloze import Framed, explanation, new_question, stand_alone
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK, excerpt, norm, width_variants

_CLAUSE = re.compile(r"[^，。；！？]+")
_PAIRED = re.compile(r"^(?P<head>[\u4e00-\u9fff]{4})(?P<part>[\u4e00-\u9fff]{4,8})$")
_IS_THE = re.compile(r"是[^，。；]{6,40}?的(?P<part>[\u4e00-\u9fff]{4})(?=[，。；]|$)")
MIN_PARTS = 3
FILL_SCORE = 1.3
FALSE_SCORE = 1.3
TRUE_SCORE = 1.25


def sibling_groups(text: str) -> list[list[tuple[int, str]]]:
    """Each group of paired parts in ``text``: (offset, part), three or more, in order."""
    groups: list[list[tuple[int, str]]] = []
    run: list[tuple[int, str]] = []
    for m in _CLAUSE.finditer(text):
        pm = _PAIRED.match(m.group(0))
        if pm and (not run or (_shared(run[0][1], pm.group("part")) and not _patterned(run[0], pm, text))):
            run.append((m.start() + pm.start("part"), pm.group("part")))
            continue
        if len(run) >= MIN_PARTS:
            groups.append(run)
        run = [(m.start() + pm.start("part"), pm.group("part"))] if pm else []
    if len(run) >= MIN_PARTS:
        groups.append(run)
    found = [(m.start("part"), m.group("part")) for m in _IS_THE.finditer(text)]
    if len({p for _, p in found}) >= MIN_PARTS:
        groups.append(found)
    return [_trimmed(g) for g in groups if len({norm(p) for _, p in g}) == len(g)]


def _trimmed(group: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Parts that all open with one verb ("抓好问题查摆", "抓好整改整治") are asked without it."""
    lead = group[0][1][:2]
    if all(p.startswith(lead) and len(p) >= 6 for _, p in group):
        return [(start + 2, p[2:]) for start, p in group]
    return group


def _patterned(first: tuple[int, str], m: re.Match[str], text: str) -> bool:
    """Steps that open alike ("既看发展又看基础，既看显绩又看潜绩"): a parallel slogan, whose pattern answers it."""
    head = text[first[0] - 4 : first[0]]
    return head[:2] == m.group("head")[:2] or first[1][:2] == m.group("part")[:2] == "又看"


def _shared(a: str, b: str) -> bool:
    """Two parts share a two-character word ("听取群众意见", "接受群众监督"), so neither form gives it away."""
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def sibling_candidates(evidences: Iterable[Evidence]) -> list[Candidate]:
    """A blank on each paired part, a false 判断 that exchanges it with its neighbour, and the true one."""
    out: list[Candidate] = []
    for ev in evidences:
        if "\n" in ev.text:
            continue
        for group in sibling_groups(ev.text):
            fact = "siblings:" + "、".join(sorted(norm(p) for _, p in group))
            first, last = group[0][0], group[-1][0] + len(group[-1][1])
            text, offset, from_start = excerpt(ev.text, first, last)  # one window shows every part in place
            framed = stand_alone(ev, text, offset, from_start)
            if framed is None or any(p not in framed.quote for _, p in group):
                continue
            shift = framed.offset - first  # a part's offset in the stem
            for i, (start, part) in enumerate(group):
                neighbour = group[i + 1] if i + 1 < len(group) else group[i - 1]
                out.extend(_questions(ev, framed, (start + shift, part), (neighbour[0] + shift, neighbour[1]), fact))
    return out


def _questions(
    ev: Evidence, framed: Framed, part: tuple[int, str], other: tuple[int, str], fact: str
) -> list[Candidate]:
    (at, value), (at2, value2) = part, other
    stem = framed.text
    if stem[at : at + len(value)] != value or stem[at2 : at2 + len(value2)] != value2:
        return []
    (a, va), (b, vb) = sorted([(at, value), (at2, value2)])
    exchanged = stem[:a] + vb + stem[a + len(va) : b] + va + stem[b + len(vb) :]
    slot = f"sibling|{value}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""

    def make(
        qtype: QuestionType,
        text: str,
        answer: tuple[str, ...],
        verdict: str,
        suffix: str,
        score: float,
        truth: bool | None,
    ) -> Candidate:
        options = (TRUE_TEXT, FALSE_TEXT) if qtype == "truefalse" else ()
        expl = explanation(verdict, framed.quote, framed.where, ev.document)
        q = new_question(qtype, ev, text, options, answer, expl, slot + suffix, score, sentence=framed.sentence)
        return Candidate(q, fact, "item", truth, fact, paragraph, ev.tier, ev.doc_tier)

    return [
        make("fill", stem[:at] + BLANK + stem[at + len(value) :], width_variants(value), "", "", FILL_SCORE, None),
        make("truefalse", exchanged, (FALSE_TEXT,), "错误。", "|F", FALSE_SCORE, False),
        make("truefalse", stem, (TRUE_TEXT,), "正确。", "|T", TRUE_SCORE, True),
    ]
