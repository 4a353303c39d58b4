"""Which questions of one quiz session would give each other away.

After each answer the member reads the source sentence (and the explanation).  When that sentence holds the
answer of a question still to come in the same session — two blanks cut from one sentence, a 多选 whose
options are another question's answer — the later question is answered by reading, not by knowing.  A
session is therefore chosen so that no question's feedback shows the answer of any question after it:
:func:`apart` keeps the given order and skips (for this session only) a question an earlier one reveals.
A stem is read before its own answer and before every later question, so an earlier question's stem that
states a later one's answer ("县处级以上领导班子及其成员通过…（　）等途径" before "…以谁为重点？") gives it away
just as its feedback would (examiner round 6).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from content.grading import normalise
from content.model import TRUE_TEXT
from content.questions.cloze import cited
from content.questions.judged import claim_of

MIN_SECRET = 2  # a one-character answer (一, 党) is in every sentence: no give-away to speak of


class Asked(Protocol):
    @property
    def qtype(self) -> str: ...
    @property
    def stem(self) -> str: ...
    @property
    def answer(self) -> list[str]: ...
    @property
    def explanation(self) -> str: ...
    @property
    def sentence(self) -> str: ...


Q = TypeVar("Q", bound=Asked)


def shown(q: Asked) -> str:
    """What the feedback after ``q`` lets the member read (normalised): its quoted source and explanation."""
    sourced = cited(q.explanation)
    return normalise((sourced[1] if sourced is not None else q.sentence) + q.explanation)


def secrets(q: Asked) -> list[str]:
    """What must stay unseen until ``q`` is answered (normalised): its answers — a 判断's answer is whether its
    source sentence says so, so the sentence itself."""
    if q.qtype == "truefalse":
        source = cited(q.explanation)
        return [normalise(source[1] if source is not None else q.sentence)]
    return [s for s in (normalise(a) for a in q.answer) if len(s) >= MIN_SECRET]


def stated(q: Asked) -> list[str]:
    """What a stem must not state before ``q`` is answered (normalised): its answers, and for a true 判断
    its claim (``judged.claim_of``: after the subject it may share with other questions, or the item it
    states a membership of) — a whole source sentence is never in another stem, its claim may be."""
    if q.qtype == "truefalse":
        if list(q.answer) != [TRUE_TEXT]:
            return []
        return [normalise(claim_of(q.stem))]
    return secrets(q)


def reveals(earlier: Asked, later: Asked) -> bool:
    """Whether the feedback after ``earlier`` — or its stem — shows ``later``'s answer (or both come from one
    sentence)."""
    if normalise(earlier.sentence) == normalise(later.sentence):
        return True
    seen = shown(earlier)
    if any(secret in seen for secret in secrets(later)):
        return True
    stem = normalise(earlier.stem)
    return any(secret in stem for secret in stated(later))


def apart(candidates: Sequence[Q], size: int) -> list[Q]:
    """Up to ``size`` of ``candidates`` in their order, each one skipped when the feedback of a question
    already taken (asked before it) would show its answer.  A skipped question keeps its place for a later
    session (a due review stays due)."""
    taken: list[Q] = []
    for q in candidates:
        if len(taken) == size:
            break
        if not any(reveals(t, q) for t in taken):
            taken.append(q)
    return taken
