"""One-edit differences between a false 判断 and the sentence it falsifies: a swap, or an exchange.

``content.verify`` proves a false statement by these: it must differ from its quoted original by exactly one
swapped term (``swap_of``), or by two parts of different clauses exchanged (``exchange_of``) — anything else
is several edits, and its falsity would not be proven by the text.
"""

from __future__ import annotations

import re

__all__ = ["exchange_of", "swap_of"]


def exchange_of(statement: str, original: str) -> tuple[str, str] | None:
    """(a, b) when ``statement`` is ``original`` with two of its parts, in different clauses, exchanged.

    "…查摆问题听取群众意见，整改整治接受群众监督…" → "…查摆问题接受群众监督，整改整治听取群众意见…": the
    differing stretch reads A·M·B in the original and B·M·A in the statement, A and B single terms (no clause
    mark, at most 30 characters) and M holding a clause mark — so reordering a list ("A、B") is no exchange.
    """
    p = 0
    while p < min(len(statement), len(original)) and statement[p] == original[p]:
        p += 1
    if len(statement) != len(original) or p == len(original):
        return None
    s = 0
    while statement[len(statement) - 1 - s] == original[len(original) - 1 - s]:
        s += 1
    old, new = original[p : len(original) - s], statement[p : len(statement) - s]
    for i in range(1, len(old)):
        for j in range(i + 1, len(old)):
            a, m, b = old[:i], old[i:j], old[j:]
            if (
                new == b + m + a
                and re.search(r"[，,；;]", m)
                and not any(re.search(r"[，,。；;：:、]", x) for x in (a, b))
            ):
                return (a, b) if max(len(a), len(b)) <= 30 else None
    return None


def swap_of(statement: str, original: str) -> tuple[str | None, str | None]:
    """(swapped-in, swapped-out) when ``statement`` is ``original`` with one span replaced.

    The differing stretch between the common prefix and suffix must be a single term: no clause
    punctuation inside it, at most 30 characters — two edits far apart are not one swap.
    """
    if statement == original:
        return None, None
    p = 0
    while p < min(len(statement), len(original)) and statement[p] == original[p]:
        p += 1
    s = 0
    while (
        s < min(len(statement), len(original)) - p
        and statement[len(statement) - 1 - s] == original[len(original) - 1 - s]
    ):
        s += 1
    if p + s >= min(len(statement), len(original)) and p > 0:
        p -= 1  # one side is empty ("每年" → "每半年"): the swap is the character next to the insertion
    new, old = statement[p : len(statement) - s], original[p : len(original) - s]
    if not new or not old or any(len(x) > 30 or re.search(r"[，,。；;：:]|……", x) for x in (new, old)):
        return None, None  # several edits, not one swap
    if "、" in new and sorted(new.split("、")) == sorted(old.split("、")):
        return None, None  # "查摆问题、学习研讨" for "学习研讨、查摆问题": a list reordered says the same
    return new, old
