"""Options that point at the key by their wording: the key as their hub, or a wrong option rewording a key.

When every wrong option is the key with one part changed, the key is the one option that shares parts with
all the others, while the wrong options, each changed in another place, share less with each other.  An
examiner found it in the bank of 15 (Q10, "以谁为重点？")::

    A  厅局级以上领导班子和领导干部特别是“一把手”      the key with its rank changed
    B  全体党员干部特别是基层党组织书记和委员          shares only "干部特别是" with the key
    C  县处级以上领导班子和新提拔的年轻领导干部        the key's first half, a new tail
    D  县处级以上领导班子和领导干部特别是“一把手”      key: shares with A, B and C

A member who picks "the option most like the others" scores without reading.  Options that are whole
alternatives — phrases that differ from the key as much as from each other — do not point at the key, and
a date changed in one half ("春节假期后启动、7月底" against "…10月底" and "元旦后启动、6月底") does not
either: there the wrong options share as much with each other as with the key.

A wrong option that keeps nearly every part of a key and adds words of its own rewords it (bank of 15, Q8:
"习近平总书记关于树立和践行正确政绩观学习教育的重要讲话和重要指示精神" beside the key "习近平总书记关于树立和践行
正确政绩观的重要论述"): it is wrong only by the text's wording, a trap of form, not of understanding.  A
wrong option as long as the key with one slot changed ("…10月底基本结束" for "…7月底…") changes a fact, not the
wording, and is judged by the hub rule instead.

Parts are character pairs (the options' Chinese characters and digits); the share of two options is the
pairs they have in common over the pairs of the shorter one.  The rule reads only the finished options, so
``worth.refusal`` applies it to every builder's 单选 and ``pipeline`` reports a secretary's hand-written one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations
from statistics import mean

from content.model import Question

# the key shares this much more with the wrong options, on average, than they share with each other
# (bank of 15: Q10 0.57 against 0.26 is a hub; Q11's dates 0.74 against 0.66 are not)
HUB_MARGIN = 0.2
# a wrong option that has this share of a key's parts and is longer by ``REWORD_LONGER`` characters or more
REWORD_SHARE = 0.8
REWORD_LONGER = 3
_PART = re.compile(r"[^\u4e00-\u9fff0-9]")


def parts(option: str) -> set[str]:
    """The character pairs of an option, punctuation and quote marks left out."""
    text = _PART.sub("", option)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def share(a: str, b: str) -> float:
    """How much of the shorter option's parts the other one has too (0 … 1)."""
    pa, pb = parts(a), parts(b)
    return len(pa & pb) / max(1, min(len(pa), len(pb)))


def is_hub(options: Sequence[str], key: str) -> bool:
    """Whether ``key`` shares parts with every other option, more than they share with each other."""
    wrong = [o for o in options if o != key]
    if len(wrong) < 2 or key not in options:
        return False
    with_key = [share(key, o) for o in wrong]
    if min(with_key) == 0:
        return False  # one wrong option shares nothing with it: the key is no centre
    among = [share(a, b) for a, b in combinations(wrong, 2)]
    return mean(with_key) - mean(among) >= HUB_MARGIN


def rewords(wrong: str, key: str) -> bool:
    """Whether ``wrong`` keeps nearly all of ``key``'s parts and adds words: the key reworded, not replaced."""
    pk = parts(key)
    longer = len(_PART.sub("", wrong)) - len(_PART.sub("", key))
    return bool(pk) and longer >= REWORD_LONGER and len(pk & parts(wrong)) / len(pk) >= REWORD_SHARE


def reworded(q: Question) -> bool:
    """A choice question with a wrong option that rewords one of its keys."""
    if q.qtype not in ("single", "multiple"):
        return False
    return any(rewords(o, k) for o in q.options if o not in q.answer for k in q.answer)


def hub(q: Question) -> bool:
    """A 单选 whose key is the hub of its options (a 多选's several keys are not one centre)."""
    return q.qtype == "single" and len(q.answer) == 1 and is_hub(q.options, q.answer[0])


__all__ = ["HUB_MARGIN", "hub", "is_hub", "parts", "reworded", "rewords", "share"]
