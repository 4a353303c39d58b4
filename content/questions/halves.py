"""The second half of a central pair of requirements, as a blank — where nothing but the text tells it.

    中央党的建设工作领导小组会议强调：着力完善制度、（　），健全有效防范和纠治政绩观偏差工作机制。   立好规矩

Two four-character phrases side by side ("A、B", not part of a longer list) pair two requirements.  The
second half is asked only when nothing predicts it:

* the pair is written in one document only — a pair every material writes ("实事求是、求真务实", "边查边改、
  立行立改") is a set phrase any member completes;
* the first half is followed by nothing else in the corpus, alone or at the head of a list — else the blank
  has a rival answer ("立党为公、（执政为民 / 为民造福）"; "坚持聚焦主题、（简约务实）" beside the speech's
  "坚持聚焦主题、统筹推进、务求实效") and is a 判断's business, not a blank's;
* the halves share no character in place (``filters.predictability``: "上有政策、下有对策", "不分批次、不划阶段"
  — one shared character is a pattern when there is only one sibling to read it from).

The fact is the pair (its ``group``, as ``cloze`` names a pair), so a pair another builder asks ("坚持聚焦主题、
简约务实") is not asked twice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.filters import predictability
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK, excerpt, norm, width_variants

_PAIR = re.compile(r"(?<!、)([\u4e00-\u9fff]{4})、([\u4e00-\u9fff]{4})(?=[，,。；])")
_FOLLOWED = re.compile(r"([\u4e00-\u9fff]{4})、(?=([\u4e00-\u9fff]{4}))")
SCORE = 1.0
KIND = "role"  # what a requirement turns on (``importance.KIND_WEIGHT``)


def half_candidates(evidences: Iterable[Evidence], documents: Sequence[str]) -> list[Candidate]:
    """A blank on the second half of each central pair that only the text can complete; ``documents``: each
    document's whole text."""
    follows: dict[str, set[str]] = defaultdict(set)
    for d in documents:
        for m in _FOLLOWED.finditer(d):
            follows[m.group(1)].add(m.group(2))
    out: list[Candidate] = []
    for ev in evidences:
        if ev.tier != CENTRAL or "\n" in ev.text or "…" in ev.text:
            continue
        for m in _PAIR.finditer(ev.text):
            first, second = m.group(1), m.group(2)
            written = f"{first}、{second}"
            if sum(written in d for d in documents) > 1 or follows[first] - {second}:
                continue
            if predictability(second, [first]) > 0:
                continue
            out.extend(_blank(ev, m.start(2), second, first))
    return out


def _blank(ev: Evidence, start: int, value: str, first: str) -> list[Candidate]:
    text, offset, from_start = excerpt(ev.text, start, start + len(value))
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None:
        return []
    stem = framed.text[: framed.offset] + BLANK + framed.text[framed.offset + len(value) :]
    q = new_question(
        "fill",
        ev,
        stem,
        (),
        width_variants(value),
        explanation("", framed.quote, framed.where, ev.document),
        "half",
        SCORE,
        sentence=framed.sentence,
    )
    group = "、".join(sorted((norm(first), norm(value))))
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    return [Candidate(q, norm(value), KIND, None, group, paragraph, ev.tier, ev.doc_tier)]


__all__ = ["half_candidates"]
