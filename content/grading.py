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
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# Unicode categories dropped when comparing typed text: punctuation (P*), separators (Z*) and the invisible
# rest (C*: control and format characters such as a zero-width space a keyboard slipped in)
_DROPPED = ("P", "Z", "C")


def normalise(text: str) -> str:
    """The comparable core of a typed answer: half width, case folded, no punctuation or spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROPPED) and not ch.isspace())


def accepts(typed: str, accepted: Sequence[str]) -> bool:
    """Whether a typed 填空 answer matches one of the accepted answers once both are normalised."""
    core = normalise(typed)
    return bool(core) and any(core == normalise(answer) for answer in accepted if normalise(answer))


def correct_indices(options: Sequence[str], answer: Sequence[str]) -> list[int]:
    """The 0-based indices of the correct options (a poll's ``correct_option_ids``)."""
    right = set(answer)
    return [index for index, option in enumerate(options) if option in right]


def grade_choice(chosen: Sequence[int], options: Sequence[str], answer: Sequence[str]) -> bool:
    """A choice answer is right when the chosen options are exactly the correct ones (none missing, none extra)."""
    if not chosen or any(not 0 <= index < len(options) for index in chosen):
        return False
    return {options[index] for index in chosen} == set(answer)
