"""Whether a piece of a question is proven by its evidence: the primitives every check in
:mod:`content.verify` is built from.

A stem is made of verbatim fragments of its evidence sentence (or the document's title), its opening
attribution of at most two such pieces; a value the evidence states in one clause is still *wrong* in
another clause that has words of its own (:func:`bound_elsewhere`).  Kept apart from the per-type
checks so that those read as the rules they enforce, and so that every check proves text the same way.
"""

from __future__ import annotations

import re

from content.model import Question
from content.questions.text import GAP, contains, fragments, split_attribution

__all__ = ["BOUND_CONTEXT", "bound_elsewhere", "supported", "verbatim"]

_ITEM_MARK = re.compile(rf"[，,；;：:。！？!?、“”]|{re.escape(GAP)}|\n")
BOUND_CONTEXT = 2  # characters of its own a clause needs to bind a value that the evidence has elsewhere


def supported(q: Question, text: str) -> bool:
    return contains(q.sentence, text) or contains(q.document, text)


def verbatim(q: Question, stem: str) -> str | None:
    """The first fragment of ``stem`` that is neither in the evidence nor the title, if any.

    An opening attribution ("《通知》强调：", "龙岩高新区党工委（扩大）会议强调：") must be made of at most
    two verbatim pieces ("龙岩高新区" + "党工委（扩大）会议"): who says it is part of what the stem claims.
    """
    who, _ = split_attribution(stem)
    if who and not _speaker_supported(q, who):
        return who
    return next((f for f in fragments(stem) if not supported(q, f)), None)


def _speaker_supported(q: Question, who: str) -> bool:
    name = who.strip("《》")
    if supported(q, name):
        return True
    return any(supported(q, name[:i]) and supported(q, name[i:]) for i in range(2, len(name) - 1))


def bound_elsewhere(q: Question, stem: str, marker: str, value: str) -> bool:
    """Whether ``value``, put where ``marker`` is in ``stem``, sits in a clause the evidence does not have.

    A value the evidence states elsewhere ("检验成效接受群众评判") is still wrong in another clause
    ("查摆问题（　）"): the clause — cut at clause marks and at "、", so a list item never counts — must
    have words of its own beside it and, filled with it, must not be in the evidence.
    """
    marks = [(m.start(), m.end()) for m in _ITEM_MARK.finditer(stem)]
    at = stem.find(marker)
    while at >= 0:  # a swapped-in value may also stand where it belongs: any one place bound elsewhere will do
        start = max((end for begin, end in marks if end <= at), default=0)
        stop = min((begin for begin, end in marks if begin >= at + len(marker)), default=len(stem))
        own = stem[start:at] + stem[at + len(marker) : stop]
        filled = stem[start:at] + value + stem[at + len(marker) : stop]
        if sum("\u4e00" <= ch <= "\u9fff" for ch in own) >= BOUND_CONTEXT and not contains(q.sentence, filled):
            return True
        at = stem.find(marker, at + 1)
    return False
