"""Wrong options that are plausible and wrong *by construction*.

Plausible: a distractor has the slot's kind and shape — another date for a date ("2月26日" for
"2月24日"), another convening body for a body, an item of another list for a list item, a quoted term for a
quoted term — and passes :func:`kinds.compatible`: same polarity (a fault for a fault), same form (a pair
for a pair), similar length, the pattern its siblings share ("亲自…").  Wrong by construction, checked in
this order, for every candidate:

1. it is not the answer, does not contain it and is not contained in it (up to width and quote marks);
2. it is not in the slot's family (the other items of its list and of lists sharing items with it), and
   does not contain one of them or sit inside one;
3. it does not occur in the evidence text, nor anywhere in the paragraph the evidence was read from —
   so nothing the member just read next to it ("…心浮气躁、急功近利…" two sentences on) can make it right;
4. wherever the corpus uses it, its neighbours differ from the slot's (“(　)召开会议，学习贯彻” must not
   read true for the distractor in some other sentence).

When the corpus has too few dates or numbers of the right shape, nearby values are made up
("7月底" → "6月底", "8月底"); they are marked as synthetic and score lower.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from content.questions.kinds import compatible, form, is_negative, shared_affix
from content.questions.slots import Slot
from content.questions.text import norm

_CONTEXT = 6
_SHAPE_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Distractor:
    value: str
    quality: float  # 0..1: shape and length match, lower when synthetic


class Pools:
    """Every slot value in the corpus, by kind, with where it occurs."""

    def __init__(self, slots: Iterable[Slot], paragraphs: Mapping[tuple[str, int], str] | None = None) -> None:
        self._paragraphs = {k: norm(v) for k, v in (paragraphs or {}).items()}
        self._values: dict[str, list[str]] = defaultdict(list)
        self._seen: dict[str, set[str]] = defaultdict(set)
        self._contexts: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._negative: set[str] = set()
        self._negative_cache: dict[str, bool] = {}
        self._halves: set[str] = set()  # one half of a two-part slogan ("下有对策") is no option on its own
        # an item of a patterned list ("边对照", "把工作摆进去") looks out of place beside other answers
        self._patterned: dict[str, tuple[str, str, str]] = {}
        for s in slots:
            if s.kind == "item" and len(s.family) == 2:
                self._halves.add(norm(s.value))
            if s.kind == "item" and len(s.family) > 2 and any(shared_affix(s.family)):
                self._patterned[norm(s.value)] = shared_affix(s.family)
            kind = _pool_kind(s.kind, s.value)
            key = norm(s.value)
            if key not in self._seen[kind]:
                self._seen[kind].add(key)
                self._values[kind].append(s.value)
            self._contexts[key].append(_neighbours(s))
            if s.negative or is_negative(s.value):
                self._negative.add(key)

    def negative(self, value: str) -> bool:
        """Whether ``value`` names a fault, by its words or by a list of faults it appears in."""
        hit = self._negative_cache.get(value)
        if hit is None:
            hit = self._negative_cache[value] = norm(value) in self._negative or is_negative(value)
        return hit

    def values(self, kind: str, value: str = "") -> list[str]:
        return self._values[_pool_kind(kind, value)]

    def pick(self, slot: Slot, n: int, prefer: frozenset[str] = frozenset()) -> list[Distractor]:
        """Up to ``n`` distractors for ``slot``, best first, deterministic for the same corpus.

        ``prefer`` holds values that make the best wrong options when they pass every check — the items
        of the other parts of the same speech for an item of one part.
        """
        answer = slot.value
        own = _neighbours(slot)
        scored: list[tuple[float, str, Distractor]] = []
        candidates = [(v, False) for v in self.values(slot.kind, slot.value)]
        if slot.kind in ("date", "number"):
            candidates += [(v, True) for v in _synthetic(answer)]
        phrase = slot.kind in ("item", "term", "keyword")
        negative = slot.negative or self.negative(answer)
        affix = shared_affix(slot.family) if len(slot.family) > 1 else ("", "", "")
        family = [(norm(f), sorted(norm(f))) for f in slot.family]
        usable: list[tuple[str, str, bool]] = []  # (key, value, synthetic) passing every strictness-free check
        seen: set[str] = set()
        kind_of_answer = form(answer)
        for value, synthetic in candidates:
            if phrase and (
                self.negative(value) != negative or (form(value) != kind_of_answer and kind_of_answer != "heavy")
            ):
                continue  # cheap part of kinds.compatible first: most of the pool fails here
            key = norm(value)
            if key in seen or key in self._halves or not self._acceptable(slot, key, family, own):
                continue
            seen.add(key)
            if slot.kind == "date" and _SHAPE_DIGITS.sub("9", value) != _SHAPE_DIGITS.sub("9", answer):
                continue  # "7月底" is asked against other month ends, never against "3月5日"
            pattern = self._patterned.get(key)
            if phrase and pattern and not _fits(answer, pattern):
                continue
            usable.append((key, value, synthetic))
        taken: set[str] = set()
        for strict in (True, False):
            if not strict and (not phrase or len(scored) >= n):
                break
            for key, value, synthetic in usable:
                if key in taken:
                    continue
                if phrase and not compatible(
                    answer,
                    value,
                    negative=negative,
                    value_negative=self.negative(value),
                    affix=affix,
                    strict_length=strict,
                ):
                    continue
                taken.add(key)
                quality = _shape(answer, value) * (0.6 if synthetic else 1.0) * (1.0 if strict else 0.7)
                if value in prefer:
                    quality = min(1.0, quality + 0.5)
                tiebreak = int(hashlib.sha1(f"{answer}|{value}".encode()).hexdigest()[:6], 16) / 0xFFFFFF
                scored.append((quality + 0.01 * tiebreak, value, Distractor(value, round(quality, 3))))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [d for _, _, d in scored[:n]]

    def _acceptable(self, slot: Slot, v: str, family: list[tuple[str, list[str]]], own: tuple[str, str]) -> bool:
        """Checks 1–4 of the module docstring for the normalised value ``v``."""
        a = norm(slot.value)
        if not v or v == a or v in a or a in v:
            return False
        if any(f in v or v in f or (len(f) == len(v) and fs == sorted(v)) for f, fs in family):
            return False
        if v in norm(slot.evidence.text):
            return False
        if v in self._paragraphs.get((slot.evidence.doc_id, slot.evidence.block), ""):
            return False
        before, after = own
        for b2, a2 in self._contexts.get(v, ()):
            if (len(after) >= 3 and a2 == after) or (len(before) >= 3 and b2 == before):
                return False
        return True


def _fits(answer: str, pattern: tuple[str, str, str]) -> bool:
    prefix, suffix, core = pattern
    return answer.startswith(prefix) and answer.endswith(suffix) and core in answer


def _pool_kind(kind: str, value: str = "") -> str:
    """Pools are by kind; numbers only mix with numbers of the same unit ("1次" never meets "7人").

    List items and quoted terms are separate pools: a slogan ("一岗双责") is asked against slogans, a work
    item ("建章立制") against work items.
    """
    if kind == "number":
        return "number:" + re.sub(r"[\d.\s]+", "", value)
    return kind


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
