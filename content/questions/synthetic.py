"""Dates and quantities made up near an answer, for when the corpus has too few of its shape.

``distractors`` prefers real values from the corpus; when a date or a count has fewer than it needs, the
values made here ("7月底" → "6月底", "8月底"; "2月24日" → "2月26日"; "六个月" → "三个月") fill the rest, scored
lower as synthetic.  :func:`months` keeps a date from being the only one of its month among the options, which
would answer the question by the month alone.  Kept apart because it invents text, which nothing else in
option-finding does.
"""

from __future__ import annotations

import re

from content.questions.quantities import neighbours
from content.questions.shortlist import Scored

__all__ = ["QUANTITY_KINDS", "made_up", "months"]

QUANTITY_KINDS = ("number", "frequency", "ordinal", "fraction")


def months(answer: str, ranked: list[Scored], n: int) -> list[Scored]:
    """The best ``n`` dates, unless the answer would be the only one of its month among them.

    "3月12日" against "2月24日, 2月26日, 2月28日" is answered by the month alone; the last of them gives way to
    the best date of the answer's own month (there always is one: the made-up neighbours keep the month).
    """
    top = ranked[:n]
    month = _month(answer)
    months = {_month(s.entry.value) for s in top}
    if month is None or month in months or len(months) != 1 or len(top) < 2:
        return top
    same = next((s for s in ranked[n:] if _month(s.entry.value) == month), None)
    return top if same is None else [*top[:-1], same]


def _month(value: str) -> str | None:
    m = re.search(r"(\d{1,2})月", value)
    return m.group(1) if m else None


def made_up(answer: str, kind: str = "number") -> list[str]:
    """Nearby dates and numbers in the answer's own format (``quantities.neighbours`` for the written-out ones)."""
    if kind in QUANTITY_KINDS and not answer[:1].isdigit():
        return neighbours(kind, answer)
    m = re.fullmatch(r"(\d{4}年)?(\d{1,2})月(\d{1,2})日", answer)
    if m:
        year, month, day = m.group(1) or "", int(m.group(2)), int(m.group(3))
        days = [d for d in (day + 2, day - 2, day + 5, day - 5, day + 9) if 1 <= d <= 28]
        return [f"{year}{month}月{d}日" for d in days] + [f"{year}{month % 12 + 1}月{day}日"]
    m = re.fullmatch(r"(\d{1,2})月(底|初|中旬|上旬|下旬)", answer)
    if m:
        month = int(m.group(1))
        return [f"{x}月{m.group(2)}" for x in (month - 1, month + 1, month + 2, month - 2) if 1 <= x <= 12]
    m = re.fullmatch(r"(\d+)(\D*)", answer)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        variants = [n // 2, n * 3 // 2, n * 2, n * 4 // 5] if n >= 100 else [n + 2, n - 2, n + 4, n - 1, n + 1]
        return [f"{v}{unit}" for v in variants if v > 0 and v != n]
    return []
