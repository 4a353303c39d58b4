"""A requirement that names one term of a pair the corpus lists together, stated with the other term.

Materials list terms of one form side by side ("坚决反对形式主义、官僚主义"); where a central requirement names
only one of them ("做好宣传引导，力戒形式主义"), which one it names is what a reader knows and a guesser does
not — the other is a real alternative of the same form (same length, same ending), so the false statement
stays grammatical and plausible::

    判断  《通知》要求：做好宣传引导，力戒官僚主义。   错误（原文：做好宣传引导，力戒形式主义。）

Only the false statement is made: the true one states a phrase every member would call right unread.  A
partner (below) is stated both ways, and the bank's balance of true and false chooses.

Counterparts are read from the corpus's own runs "A、B(、C)" whose items share an ending of two or more
characters and have one length; a sentence that names two of them, or whose paragraph names the other,
is no test of which one (the swap would be said there too).  Only central and own requirements.

*Partners* are counterparts of another kind: two four-character phrases that complete the same pair
differently — "关乎立党为公、执政为民" (a saying) and "强化立党为公、为民造福理念" (the Notice).  Which one
goes with 立党为公 here is exactly what members confuse::

    判断  习近平总书记明确：“政绩观问题是一个根本性问题，关乎立党为公、为民造福”。   错误
    判断  《通知》强调：…，进一步强化立党为公、执政为民理念。                       错误

Only pairs that stand alone are read ("立党为公、为民造福、科学决策…" is a list, asked as one).  A saying that
the text continues with "……" (one of several quoted) is stated up to its closing quote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.attribution import opener
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.filters import rhetoric
from content.questions.importance import OWN
from content.questions.slots import Candidate, Evidence
from content.questions.text import excerpt, norm

_RUN = re.compile(r"[\u4e00-\u9fff]{3,6}(?:、[\u4e00-\u9fff]{3,6})+")
_PAIR = re.compile(r"(?<!、)([\u4e00-\u9fff]{4})、([\u4e00-\u9fff]{4})(?!、)")
_CONTINUED = re.compile(r"(?<=”)…+$")
ENDING = 2
SCORE = 1.1
TRUE_PENALTY = 0.05  # the false statement is the better trap: the true one is asked where the balance needs it
KIND = "duty"  # a requirement's own words (``importance.KIND_WEIGHT``)


def counterparts(texts: Iterable[str]) -> dict[str, set[str]]:
    """Each term the texts list beside others of its form: "形式主义" → {"官僚主义"}."""
    found: dict[str, set[str]] = defaultdict(set)
    for text in texts:
        for run in _RUN.finditer(text):
            items = run.group(0).split("、")
            # the run's first item starts where the words before it end: "反对形式主义、官僚主义" lists 形式主义
            items[0] = items[0][-len(items[1]) :]
            for i, a in enumerate(items):
                for b in items[i + 1 :]:
                    if _alike(a, b):
                        found[a].add(b)
                        found[b].add(a)
    return found


def _alike(a: str, b: str) -> bool:
    return len(a) == len(b) and a != b and a[-ENDING:] == b[-ENDING:] and a[: len(a) - ENDING] != b[: len(b) - ENDING]


def partners(texts: Iterable[str]) -> dict[tuple[str, str], set[str]]:
    """(A, B) → the other phrases the texts pair with A: ("立党为公", "执政为民") → {"为民造福"}."""
    second: dict[str, set[str]] = defaultdict(set)
    for text in texts:
        for m in _PAIR.finditer(text):
            second[m.group(1)].add(m.group(2))
    return {(a, b): bs - {b} for a, bs in second.items() for b in bs if len(bs) > 1}


def counterpart_candidates(evidences: Sequence[tuple[Evidence, str]], paragraphs: Iterable[str]) -> list[Candidate]:
    """A false statement for each central or own requirement that names one term of a pair, or one partner."""
    paragraphs = list(paragraphs)
    known = counterparts(paragraphs)
    paired = partners(paragraphs)
    out: list[Candidate] = []
    for ev, paragraph in evidences:
        text = _CONTINUED.sub("。", ev.text)
        if ev.tier > OWN or "\n" in text or "…" in text or rhetoric(text):
            continue
        for m in _PAIR.finditer(text):
            others = sorted(o for o in paired.get((m.group(1), m.group(2)), ()) if o not in paragraph)
            if others:
                out.extend(_statements(ev, text, m.start(2), m.group(2), others[0], both=True))
        named = [t for t in known if t in text]
        if len(named) != 1:
            continue
        term = named[0]
        others = sorted(o for o in known[term] if o not in paragraph)
        if not others or text.count(term) != 1:
            continue
        out.extend(_statements(ev, text, text.index(term), term, others[0]))
    return out


def _statements(
    ev: Evidence, sentence: str, start: int, term: str, other: str, *, both: bool = False
) -> list[Candidate]:
    """The requirement with ``other`` in the place of ``term`` (at ``start``), said by whoever said it; with
    ``both``, also as written — a partner's true statement tests the same confusion the other way round."""
    text, offset, from_start = excerpt(sentence, start, start + len(term))
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None or (not framed.prefix and opener(framed.text) is None):
        return []  # a statement says whose requirement it is ("《通知》要求：")
    before, after = framed.text[: framed.offset], framed.text[framed.offset + len(term) :]
    key = f"counterpart:{norm(term)}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    out = []
    for truth, stated in ((False, other), (True, term))[: 2 if both else 1]:
        verdict = TRUE_TEXT if truth else FALSE_TEXT
        q = new_question(
            "truefalse",
            ev,
            before + stated + after,
            (TRUE_TEXT, FALSE_TEXT),
            (verdict,),
            explanation(f"{verdict}。", framed.quote, framed.where, ev.document),
            f"counterpart|{'T' if truth else 'F'}",
            SCORE - (TRUE_PENALTY if truth else 0.0),
            sentence=framed.sentence,
        )
        out.append(Candidate(q, key, KIND, truth, key, paragraph, ev.tier, ev.doc_tier))
    return out


__all__ = ["counterpart_candidates", "counterparts", "partners"]
