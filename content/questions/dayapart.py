"""Two meeting-date 单选 in one bank must not answer each other (examiner round 13, cause 7).

The central meeting's day is asked among the campaign's other meetings' days (``meetings``), and a branch
whose own body's meeting is asked gets a second such 单选.  Built apart, each drew its wrong options from the
same few days, so the example bank's two offered each other's keys (the centre's 2月24日 among the 学校's
options, the 学校's 3月12日 among the centre's): a member who answered one struck that day from the other.
``apart`` settles it on the finished bank: in qid order, an option of a date 单选 that is another date
单选's key is replaced by a meeting day of the corpus no date 单选 keys and the question does not offer yet —
the one nearest in the calendar to the day it replaces (a day of the same season is as plausible), ties by
a hash of the qid.  Each replacement is a day the corpus gives another meeting, so it stays surely wrong; a
question with no such day left keeps its options and the check does not block it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from content.model import Question

__all__ = ["apart", "date_question"]

_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


def date_question(q: Question) -> bool:
    """Whether ``q`` is an enabled 单选 whose every option is a whole day ("2月24日")."""
    return q.qtype == "single" and q.enabled and len(q.options) >= 2 and all(_DAY.fullmatch(o) for o in q.options)


def apart(bank: Sequence[Question], days: Collection[str]) -> list[Question]:
    """``bank`` (in its order) with no date 单选 offering another's key; ``days``: the corpus's meeting days
    (``meetings.meeting_days``), the replacements."""
    dated = sorted((q for q in bank if date_question(q)), key=lambda q: q.qid)
    keys = {q.answer[0] for q in dated if q.answer}
    moved: dict[str, Question] = {}
    for q in dated:
        others = keys - set(q.answer)
        if not others & set(q.options):
            continue
        options = list(q.options)
        for i, o in enumerate(options):
            if o not in others:
                continue
            spare = [d for d in days if _DAY.fullmatch(d) and d not in keys and d not in options]
            if spare:
                options[i] = min(spare, key=lambda d: (abs(_ordinal(d) - _ordinal(o)), _hash(q.qid, d)))
        moved[q.qid] = replace(q, options=tuple(options))
    return [moved.get(q.qid, q) for q in bank]


def _ordinal(day: str) -> int:
    m = _DAY.fullmatch(day)
    return int(m.group(1)) * 31 + int(m.group(2)) if m else 0


def _hash(qid: str, day: str) -> str:
    return hashlib.sha1(f"{qid}|{day}".encode()).hexdigest()
