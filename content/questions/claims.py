"""Who must do what, stated as the centre states it: a true 判断 on a requirement with its subject.

A deployment's sentences that charge a subject with a requirement are the claims a member should know to be
true::

    中央党的建设工作领导小组会议指出：各级党委（党组）要对学习教育负总责。                    正确
    中央党的建设工作领导小组会议强调：省市县乡领导班子换届工作要认真落实学习教育有关要求。    正确
    学校党的建设和全面从严治党工作领导小组（扩大）会议强调：学校各级党组织要切实扛起主体责任，…  正确

Why true ones: the false statements the other builders make (a swapped measure, an exchanged part, a date of
another meeting) need true statements beside them, or a member learns that every 判断 is 错误 — and a
requirement's subject is what makes it a claim ("各级党委（党组）要…"), unlike a slogan.  A false twin is not
made here: swapping the subject ("行业系统主管部门党委（党组）要对学习教育负总责") may still be true, since
one body includes the other (``roles`` asks that only where the bodies cannot overlap).

Only sentences no other builder asks about (a true statement beside a blank of the same sentence would
show its answer), only central and own passages, only sentences that open with their subject (four or
more characters before "要", no pronoun, no "会议"), whole, short enough to read, never cut by "……" and
not closing rhetoric.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.filters import rhetoric
from content.questions.importance import OWN
from content.questions.slots import Candidate, Evidence
from content.questions.text import cjk_len, norm

_SUBJECT = re.compile(r"^(?P<who>[\u4e00-\u9fff（）]{4,16}?)要(?!求)")
_VAGUE = re.compile(r"^(?:会议|我们|这|该|其|同时|对此|要|全党|党员干部|领导干部)")
MIN_CHARS, MAX_CHARS = 14, 70
SCORE = 1.0


def claim_candidates(evidences: Iterable[Evidence]) -> list[Candidate]:
    """A true 判断 for each central or own sentence that charges its subject with a requirement."""
    out: list[Candidate] = []
    for ev in evidences:
        m = _SUBJECT.match(ev.text)
        if ev.tier > OWN or m is None or _VAGUE.match(m.group("who")) or "\n" in ev.text:
            continue
        if not MIN_CHARS <= cjk_len(ev.text) <= MAX_CHARS or "…" in ev.text or rhetoric(ev.text):
            continue
        framed = stand_alone(ev, ev.text, 0, True)
        if framed is None or framed.text == ev.text:
            continue  # a claim says whose requirement it is ("…会议指出：")
        key = "claim:" + norm(ev.text)
        q = new_question(
            "truefalse",
            ev,
            framed.text,
            (TRUE_TEXT, FALSE_TEXT),
            (TRUE_TEXT,),
            explanation("正确。", framed.quote, framed.where, ev.document),
            "claim",
            SCORE,
            sentence=framed.sentence,
        )
        paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
        out.append(Candidate(q, key, "duty", True, key, paragraph, ev.tier, ev.doc_tier))
    return out


__all__ = ["claim_candidates"]
