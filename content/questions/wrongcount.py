"""How many wrong options each 多选 shows: 1 to 3, spread over the finished bank (examiner round 13, cause 5).

Builders draw 2 or 3 wrong options (``listcounts._counts``), and this corpus seldom supplies more than two good
ones, so in round 12 every 多选 keyed all its options but two (3 of 5, 4 of 6, 3 of 5): "leave out exactly
two" answered the type without reading.  A hash per question would leave today's three 多选 all at two as
often as not, so the count is decided once for the finished bank, like the key positions (``keys.placed``)::

    bank's generated 多选 ──sorted by qid──▶ each in turn: of the counts its good wrong options allow, the one
    the bank has shown least so far, ties by a hash of the qid ──▶ that many wrong options, the first in option
    order (the filters kept them all as good)

Only cut, never added: a 多选 keeps at most the wrong options the examiner's filters kept.  One wrong option only
beside three keys or more (``ONE_WRONG_KEYS``): the member must still affirm every key, not pick one odd phrase
out of three (``worth``'s "one wrong" still refuses a 多选 the builders or the filters leave with one).  A
secretary's 多选 stays as written.  Ids do not move (``ids.question_id`` never hashes the options); a published
question whose options change gets a new revision on the next sync (``storage.revisions``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from content.model import Question

__all__ = ["MAX_WRONG", "ONE_WRONG_KEYS", "allowed", "varied"]

MAX_WRONG = 3  # wrong options a 多选 shows at most
ONE_WRONG_KEYS = 3  # keys a 多选 needs before one wrong option is enough


def allowed(q: Question) -> list[int]:
    """The wrong-option counts ``q`` may show: 1 (beside ``ONE_WRONG_KEYS`` keys or more) up to what it has."""
    has = len([o for o in q.options if o not in q.answer])
    least = 1 if len(q.answer) >= ONE_WRONG_KEYS else 2
    return list(range(least, min(has, MAX_WRONG) + 1)) or [has]


def varied(bank: Sequence[Question]) -> list[Question]:
    """``bank`` (in its order) with each enabled generated 多选 cut to the wrong-option count the bank has shown
    least so far (module docstring); other questions unchanged."""
    shown: Counter[int] = Counter()
    cut: dict[str, Question] = {}
    for q in sorted((q for q in bank if _ours(q)), key=lambda q: q.qid):
        n = min(allowed(q), key=lambda k: (shown[k], hashlib.sha1(f"{q.qid}|{k}".encode()).hexdigest()))
        shown[n] += 1
        wrong = [o for o in q.options if o not in q.answer]
        keep = set(wrong[:n])
        cut[q.qid] = replace(q, options=tuple(o for o in q.options if o in q.answer or o in keep))
    return [cut.get(q.qid, q) for q in bank]


def _ours(q: Question) -> bool:
    return q.qtype == "multiple" and q.enabled and q.origin == "generated" and 0 < len(q.answer) < len(q.options)
