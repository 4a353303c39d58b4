"""Wrong options that are plausible and wrong *by construction*.

Plausible: a distractor has the slot's kind and shape — another date for a date ("2月26日" for
"2月24日"), another convening body for a body, an item of another list for a list item, of similar length.
Wrong by construction, checked in this order, for every candidate:

1. it is not the answer, does not contain it and is not contained in it (up to width and quote marks);
2. it is not in the slot's family (the other items of its list and of lists sharing items with it);
3. it does not occur in the evidence text at all — so nothing the evidence says can make it right;
4. wherever the corpus uses it, its neighbours differ from the slot's (“(　)召开会议，学习贯彻” must not
   read true for the distractor in some other sentence).

When the corpus has too few dates or numbers of the right shape, nearby values are made up
("7月底" → "6月底", "8月底"); they are marked as synthetic and score lower.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from content.questions.slots import Slot
from content.questions.text import contains, norm, same_items

_CONTEXT = 6
_SHAPE_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Distractor:
    value: str
    quality: float  # 0..1: shape and length match, lower when synthetic


class Pools:
    """Every slot value in the corpus, by kind, with where it occurs."""

    def __init__(self, slots: Iterable[Slot]) -> None:
        self._values: dict[str, list[str]] = defaultdict(list)
        self._seen: dict[str, set[str]] = defaultdict(set)
        self._contexts: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s in slots:
            kind = _pool_kind(s.kind, s.value)
            key = norm(s.value)
            if key not in self._seen[kind]:
                self._seen[kind].add(key)
                self._values[kind].append(s.value)
            self._contexts[key].append(_neighbours(s))

    def values(self, kind: str, value: str = "") -> list[str]:
        return self._values[_pool_kind(kind, value)]

    def pick(self, slot: Slot, n: int) -> list[Distractor]:
        """Up to ``n`` distractors for ``slot``, best first, deterministic for the same corpus."""
        answer = slot.value
        own = _neighbours(slot)
        scored: list[tuple[float, str, Distractor]] = []
        candidates = [(v, False) for v in self.values(slot.kind, slot.value)]
        if slot.kind in ("date", "number"):
            candidates += [(v, True) for v in _synthetic(answer)]
        taken: set[str] = set()
        for value, synthetic in candidates:
            key = norm(value)
            if key in taken or not self._acceptable(slot, value, own):
                continue
            taken.add(key)
            quality = _shape(answer, value) * (0.6 if synthetic else 1.0)
            tiebreak = int(hashlib.sha1(f"{answer}|{value}".encode()).hexdigest()[:6], 16) / 0xFFFFFF
            scored.append((quality + 0.01 * tiebreak, value, Distractor(value, round(quality, 3))))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [d for _, _, d in scored[:n]]

    def _acceptable(self, slot: Slot, value: str, own: tuple[str, str]) -> bool:
        a, v = norm(slot.value), norm(value)
        if not v or v == a or v in a or a in v:
            return False
        if any(same_items(value, f) for f in slot.family):
            return False
        if contains(slot.evidence.text, value):
            return False
        before, after = own
        for b2, a2 in self._contexts.get(v, ()):
            if (len(after) >= 3 and a2 == after) or (len(before) >= 3 and b2 == before):
                return False
        return True


def _pool_kind(kind: str, value: str = "") -> str:
    """Pools are by kind; numbers only mix with numbers of the same unit ("1次" never meets "7人")."""
    if kind == "number":
        return "number:" + re.sub(r"[\d.\s]+", "", value)
    return "item" if kind in ("item", "term") else kind


def _neighbours(slot: Slot) -> tuple[str, str]:
    text = slot.evidence.text
    line_start = text.rfind("\n", 0, slot.start) + 1
    line_end = text.find("\n", slot.end)
    line_end = len(text) if line_end < 0 else line_end
    before = norm(text[max(line_start, slot.start - _CONTEXT) : slot.start])
    after = norm(text[slot.end : min(line_end, slot.end + _CONTEXT)])
    return before, after


def _shape(answer: str, value: str) -> float:
    """How alike two values look: same digit pattern, same ending, same length."""
    score = 1.0 - min(abs(len(answer) - len(value)), 6) / 8
    if _SHAPE_DIGITS.sub("9", answer) == _SHAPE_DIGITS.sub("9", value):
        score += 0.3
    if answer[-2:] == value[-2:]:
        score += 0.2
    if (answer[:1] in "一二三四五六七八九十两") == (value[:1] in "一二三四五六七八九十两"):
        score += 0.1
    return max(0.0, min(1.0, score / 1.6))


def _synthetic(answer: str) -> list[str]:
    """Nearby dates and numbers in the answer's own format."""
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
