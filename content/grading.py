"""Grading a member's answer: plain functions over a question's options and accepted answers.

Choice questions (单选 / 多选 / 判断) are graded by the set of option texts chosen: a 多选 answer is right
only when it names every correct option and nothing else.  A typed 填空 answer is compared after both sides
are normalised, because a phone keyboard gives full-width digits, a stray 。 or a space as easily as the
text itself::

    "“两个维护”。"  ─┐
    "两个维护"      ─┼─ normalise ─▶ "两个维护"
    " 两个 维护 "   ─┘
    "２０２６年"    ─── normalise ─▶ "2026年"

Normalising = Unicode NFKC (full width → half width), case folded, every punctuation mark, quote, space
and invisible character removed.  Any of the bank's accepted answers (``Question.answer`` lists them for 填空)
counts as right.

A blank whose answer lists several items ("学习、宣传、贯彻") is right with the same items in any order and
with any separator a phone offers — 、，,;；/ or spaces — or none at all::

    "贯彻，学习，宣传"  "宣传 贯彻 学习"  "贯彻学习宣传"  ─▶ the items {学习, 宣传, 贯彻} ─▶ right
    "学习、宣传"  "学习、宣传、贯彻、落实"                ─▶ an item missing or added  ─▶ wrong

The same comparison (:func:`same_answer`) decides whether two accepted answers a secretary lists are
spellings of one answer (``content.verify``), so an alternative that grading would treat as the answer is
never refused on upload, and one it would not is never stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import permutations

# Unicode categories dropped when comparing typed text: punctuation (P*), separators (Z*) and the invisible
# rest (C*: control and format characters such as a zero-width space a keyboard slipped in)
_DROPPED = ("P", "Z", "C")


def normalise(text: str) -> str:
    """The comparable core of a typed answer: half width, case folded, no punctuation or spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROPPED) and not ch.isspace())


# what separates the items of a stored answer: list marks only — a space inside a stored answer is part of
# a name ("干在实处 走在前列" is one book title, not two items to reorder) …
_LIST_MARKS = re.compile(r"[、，,;；/|｜]+")
# … while a member types items apart with whatever the keyboard offers, spaces included
_SEPARATORS = re.compile(r"[、，,;；/|｜\s]+")
MAX_ORDERED_ITEMS = 6  # beyond this many items, an answer typed without separators is compared in order only


def items(text: str, *, typed: bool = False) -> list[str]:
    """The normalised items of a listed answer, in order (one item for an answer that lists nothing)."""
    marks = _SEPARATORS if typed else _LIST_MARKS
    parts = (normalise(part) for part in marks.split(unicodedata.normalize("NFKC", text)))
    return [part for part in parts if part]


def same_answer(typed: str, answer: str) -> bool:
    """Whether ``typed`` says ``answer``: equal once normalised, or the same listed items in any order and
    with any separator (or none)."""
    core, target = normalise(typed), normalise(answer)
    if not core or not target:
        return False
    if core == target:
        return True
    wanted = items(answer)
    if len(wanted) < 2:
        return False
    if sorted(items(typed, typed=True)) == sorted(wanted):
        return True
    if len(core) != len(target) or len(wanted) > MAX_ORDERED_ITEMS:
        return False
    return any("".join(order) == core for order in permutations(wanted))  # typed with no separator at all


def accepts(typed: str, accepted: Sequence[str]) -> bool:
    """Whether a typed 填空 answer says one of the accepted answers (:func:`same_answer`)."""
    return any(same_answer(typed, answer) for answer in accepted)


def correct_indices(options: Sequence[str], answer: Sequence[str]) -> list[int]:
    """The 0-based indices of the correct options (a poll's ``correct_option_ids``)."""
    right = set(answer)
    return [index for index, option in enumerate(options) if option in right]


def grade_choice(chosen: Sequence[int], options: Sequence[str], answer: Sequence[str]) -> bool:
    """A choice answer is right when the chosen options are exactly the correct ones (none missing, none extra)."""
    if not chosen or any(not 0 <= index < len(options) for index in chosen):
        return False
    return {options[index] for index in chosen} == set(answer)
