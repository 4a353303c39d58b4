"""Wrong options a secretary made up, where the materials offer real variants of the key.

An examiner (issue #7, bank of 11, Q7) found the hand-written "学习教育以谁为重点？" a give-away: its key is the
stock target formula of the recent central campaigns, and its three wrong options were constructions written
nowhere in the materials ("省部级以上领导干部特别是“关键少数”中的中管干部", "机关党员干部特别是“窗口”单位和基层
站所负责人"), so a member who read nothing picks the familiar one.  The materials hold real alternatives: the key's own
words at another rank of its series (乡科级 / 厅局级 / 省部级, which ``ranks`` swaps in for its false 判断), which
only a reader of the Notice tells from the key.  (Beijing's "处级以上…" is a substring of the key, which
verification refuses; the Notice's "县处级以上领导班子及其成员" names the same people in other words.)

A wrong option is *real* when the materials write it, or when it joins two pieces the materials write (one
passage's group with another's qualifier, "县处级以上领导班子及其成员" + "特别是“一把手”"); a cadre rank stands for
any rank of its series (乡科级 for 县处级: the alternative ``ranks`` swaps in).  Dates and numbers
are left out: a campaign's other dates are made up by design (``synthetic``).  ``pipeline`` notes a curated
choice question with an invented wrong option; the secretary redraws it from the variants the corpus offers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from content.model import Question
from content.questions.ranks import ALIASES, SERIES
from content.questions.text import norm

__all__ = ["invented", "invented_options"]

MIN_PIECE = 2  # characters each written piece of a joined option has at least
# a cadre rank stands for any rank of its series: the rank below is the real alternative ``ranks`` swaps in
_RANK = re.compile("|".join((*SERIES, *ALIASES)))


def invented(option: str, corpus: str) -> bool:
    """Whether ``option`` (no digits) is written nowhere in ``corpus`` (normalised), whole or as two pieces."""
    text = _RANK.sub("某级", norm(option))
    if not text or any(ch.isdigit() for ch in text) or text in corpus:
        return False
    return not any(
        text[:i] in corpus and text[i:] in corpus for i in range(MIN_PIECE, len(text) - MIN_PIECE + 1)
    )


def invented_options(q: Question, texts: Iterable[str]) -> list[str]:
    """The wrong options of a 单选/多选 ``q`` that no text of the materials writes (whole or in two pieces)."""
    if q.qtype not in ("single", "multiple"):
        return []
    corpus = "\n".join(_RANK.sub("某级", norm(t)) for t in texts)
    return [o for o in q.options if o not in q.answer and invented(o, corpus)]
