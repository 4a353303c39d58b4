"""Who is charged with what: the division of duties a deployment sets out, asked as "which body?".

A deployment assigns each duty to a body in a sentence of its own, and the bodies of one passage are the
natural options for each other::

    学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。
    各级党委（党组）要对学习教育负总责。
    行业系统主管部门党委（党组）要充分发挥对本行业本系统学习教育的指导作用。

    单选  中央党的建设工作领导小组会议指出：（　）要对学习教育负总责。
          A.各级党委（党组） B.中央党的建设工作领导小组 C.行业系统主管部门党委（党组）
    判断  中央党的建设工作领导小组会议指出：中央党的建设工作领导小组要对学习教育负总责。   错误

Each wrong option is a body the same passage charges with a *different* duty, in a sentence of its own, so
it is wrong by the text; the options never include a body named in the question's own sentence.  Only
passages with at least three such bodies are asked (two make a coin toss), and only where the question
stands alone (its speaker is said in front of it, ``cloze.stand_alone``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.ids import question_id, stable_order
from content.questions.importance import CENTRAL, OWN, TEMPLATE
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK, excerpt, norm

_HOLDER = r"(?:党委|党组|领导小组|部门|机关|负责同志|班子成员|书记|党组织|领导干部)"
_DUTY = re.compile(
    rf"(?:^|[，,])(?:会议(?:指出|强调|要求)，)?(?P<who>[\u4e00-\u9fff（）()]{{2,16}}?{_HOLDER}(?:（[^）]{{1,4}}）)?)"
    r"(?P<verb>要|抓好|负责|履行|对)(?P<duty>[^。；]{4,60})"
)
_VAGUE = re.compile(r"^(?:各级|全体|广大)?(?:党员干部|领导干部|干部)$")


def _duty(ev: Evidence) -> tuple[str, int, str] | None:
    """(body, its offset, its duty) of a sentence that charges a body with a duty."""
    for m in _DUTY.finditer(ev.text):
        if not _VAGUE.match(m.group("who")) and "，" not in m.group("who"):
            return m.group("who"), m.start("who"), m.group("verb") + m.group("duty")
    return None


def _head(body: str) -> str:
    """What kind of body it is: "党组织", "党委", "领导小组" (its last word, "（党组）" aside)."""
    core = re.sub(r"（[^）]*）$", "", body)
    m = re.search(_HOLDER + "$", core)
    return m.group(0) if m else core[-2:]


def _shares(a: str, b: str) -> bool:
    a, b = re.sub(r"（[^）]*）", "", a), re.sub(r"（[^）]*）", "", b)
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def _alike(a: str, b: str) -> bool:
    """Two duties that share a phrase ("扛起主体责任") do not tell their bodies apart."""
    a, b = norm(a).replace("学习教育", "#"), norm(b).replace("学习教育", "#")
    return any(a[i : i + 4] in b for i in range(len(a) - 3) if "#" not in a[i : i + 4])


def role_candidates(evidences: Sequence[Evidence]) -> list[Candidate]:
    """单选 and 判断 on who holds each duty, for passages that charge three or more bodies — or, in a central
    passage, fewer, with the generic bodies a deployment charges elsewhere in the corpus as further options."""
    evidences = list(evidences)
    sections: dict[tuple[str, str, int], list[tuple[Evidence, str, int, str]]] = defaultdict(list)
    for ev in evidences:
        found = _duty(ev)
        if found is not None:
            sections[(ev.doc_id, ev.heading, ev.tier)].append((ev, *found))
    elsewhere = _generic_duties(evidences)
    out: list[Candidate] = []
    for duties in sections.values():
        bodies = list(dict.fromkeys(who for _, who, _, _ in duties))
        central = duties[0][0].tier == CENTRAL
        if len(bodies) < 3 and not central:
            continue
        shortest = {w: min((e.text for e, x, _, _ in duties if x == w), key=len) for w in bodies}
        for ev, who, start, duty in duties:
            if central and ev.text != shortest[who]:
                continue  # one body, several duties: its shortest sentence asks who, the others would repeat it
            charged = [(w, d) for _, w, _, d in duties]
            others = _wrong_bodies(who, duty, ev, bodies, charged)
            if central and not _stock_duty(who, duty):
                further = [(w, d) for w, d in elsewhere if w not in bodies]
                names = list(dict.fromkeys(w for w, _ in further))
                others += [b for b in _wrong_bodies(who, duty, ev, names, further) if b not in others]
            elif len(bodies) < 3:
                continue
            if len(others) < 2:
                continue
            out.extend(_questions(ev, who, start, others, swaps=[b for b in others if b in bodies]))
    return out


def _wrong_bodies(
    who: str, duty: str, ev: Evidence, bodies: Sequence[str], charged: Sequence[tuple[str, str]]
) -> list[str]:
    """The bodies of ``bodies`` surely wrong for ``who``'s duty (``charged``: each body's own duties)."""
    return [
        b
        for b in bodies
        if b != who
        and norm(b) not in norm(ev.text)
        and norm(who) not in norm(b)
        and b[:2] != who[:2]  # "各级党委" beside "各级党组织": one may be read as the other
        and _head(b) != _head(who)  # "上级党组织" beside "各级党组织": the one may include the other
        and not _shares(b, who)  # "各级党委" beside "上级党组织": "各级" may be read to include "上级"
        and not any(_alike(duty, d) for w, d in charged if w == b)
    ]


_ORGAN = r"(?:党委|党组|领导小组|部门|机关|党组织)"  # bodies, not persons: "主要负责同志" shares any duty
_GENERIC = re.compile(
    rf"(?:^|[，,；;])(?P<who>[\u4e00-\u9fff]{{2,8}}?{_ORGAN})(?P<verb>要|抓好|负责|履行)(?P<duty>[^，。；]{{4,30}})"
)
_UNNAMED = ("各级", "全体", "广大", "各", "相关", "有关", "其他", "其它")  # may be read to include any body
_PLACE = re.compile(r"[省市区县乡镇村]|学校|高新区|自治")


def _generic_duties(evidences: Sequence[Evidence]) -> list[tuple[str, str]]:
    """(body, duty) of every body a central, own or template passage charges, named without a place
    ("组织部门要牵头抓总…，纪检监察机关要强化监督执纪，宣传部门要做好宣传引导"): bodies every deployment has,
    so they are real alternatives wherever a central passage names who does what."""
    out: list[tuple[str, str]] = []
    for ev in evidences:
        if ev.tier not in (CENTRAL, OWN, TEMPLATE):
            continue
        for m in _GENERIC.finditer(ev.text):
            who = m.group("who")
            if _VAGUE.match(who) or _PLACE.search(who) or who.startswith(_UNNAMED):
                continue
            out.append((who, m.group("verb") + m.group("duty")))
    return out


def _stock_duty(who: str, duty: str) -> bool:
    """A duty whose body any member names unread ("主要负责同志…第一责任人"), or whose words echo the body
    ("行业系统主管部门党委…对本行业本系统…"): no question of who."""
    if "第一责任人" in duty or "一岗双责" in duty:
        return True
    core = re.sub(r"（[^）]*）", "", who)
    return any(core[i : i + 2] in duty for i in range(len(core) - 1) if core[i : i + 2] not in ("学习", "教育"))


def _questions(ev: Evidence, who: str, start: int, others: list[str], swaps: Sequence[str] = ()) -> list[Candidate]:
    text, offset, from_start = excerpt(ev.text, start, start + len(who))
    if not from_start:
        return []
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None or framed.text[framed.offset : framed.offset + len(who)] != who:
        return []
    before, after = framed.text[: framed.offset], framed.text[framed.offset + len(who) :]
    others = [b for b in others if norm(b) not in norm(framed.sentence)]  # nor in the line naming the speaker
    if len(others) < 2:
        return []
    key = f"{norm(who)}→{norm(after)[:12]}"
    paragraph = f"{ev.doc_id}#{ev.block}"
    options = stable_order(question_id("single", ev.text, f"role|{who}"), [who, *others[:3]])
    single = new_question(
        "single",
        ev,
        before + BLANK + after,
        options,
        (who,),
        explanation("", framed.quote, framed.where, ev.document),
        f"role|{who}",
        1.5,
        sentence=framed.sentence,
    )
    swaps = [b for b in swaps if b in others]
    if not swaps:  # a false statement swaps in a body of the passage itself, never a guessed one
        return [Candidate(single, key, "duty", None, key, paragraph, ev.tier, ev.doc_tier)]
    swap = swaps[0]
    false = new_question(
        "truefalse",
        ev,
        before + swap + after,
        (TRUE_TEXT, FALSE_TEXT),
        (FALSE_TEXT,),
        explanation("错误。", framed.quote, framed.where, ev.document),
        f"role|{who}|F",
        1.4,
        sentence=framed.sentence,
    )
    return [
        Candidate(single, key, "duty", None, key, paragraph, ev.tier, ev.doc_tier),
        Candidate(false, key, "duty", False, key, paragraph, ev.tier, ev.doc_tier),
    ]
