"""Two-part options must be a balanced set, or the key is the option whose halves recur most.

An examiner (issue #7, bank of 11, Q8) found the hand-written timing 单选 built half by half::

    A  2026年元旦后启动、6月底基本结束
    B  2026年春节假期后启动、7月底基本结束      key
    C  2026年3月启动、年底基本结束
    D  2026年春节假期后启动、10月底基本结束

Each wrong option varied one half of the key, so the key's start (春节假期后) is the one start written twice:
a test-wise member narrows to B or D without reading.  In a balanced set every half appears as often as every
other half in its place — the key's halves no more often than the wrong ones' (春节后/7月底, 春节后/10月底,
元旦后/7月底, 元旦后/10月底: each half twice), or all options wholly different (each half once) — and
counting halves tells nothing.

An option has two parts when one "、" or "，" splits it (outside quotation marks); the rule applies when every
option of a 单选 or 多选 splits so, by the same mark.  ``verify`` holds generated and hand-written questions to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["halves", "unbalanced"]

_MARKS = ("、", "，")


def halves(option: str, mark: str) -> tuple[str, str] | None:
    """The two parts ``mark`` splits ``option`` into, outside quotation marks; ``None`` unless exactly two."""
    depth, cuts = 0, []
    for i, ch in enumerate(option):
        if ch in "“‘《（(":
            depth += 1
        elif ch in "”’》）)":
            depth = max(0, depth - 1)
        elif ch == mark and depth == 0:
            cuts.append(i)
    if len(cuts) != 1:
        return None
    head, tail = option[: cuts[0]].strip(), option[cuts[0] + 1 :].strip()
    return (head, tail) if head and tail else None


def unbalanced(options: Sequence[str]) -> bool:
    """Whether ``options`` are all two-part compounds and some half recurs more often than another of its
    place — so the halves' frequencies, not the content, single out the key."""
    if len(options) < 3:
        return False
    for mark in _MARKS:
        split = [halves(o, mark) for o in options]
        if any(s is None for s in split):
            continue
        for place in (0, 1):
            counts = Counter(s[place] for s in split if s is not None)
            if len(set(counts.values())) > 1:
                return True
        return False
    return False
