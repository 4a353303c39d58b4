"""Wrong options of one visible form the keys lack: a 多选 a reader answers by sorting options by form.

Examiner2, Q6: among the keys 查摆问题、建章立制、开门教育 the two wrong options 真督实导 and 分类指导 both end
in 导, and no key does — a test-wise reader drops the "…导" pair and scores without knowing the 工作安排.
So wrong options that share a form (the same last character, or the same length of a short phrase) no key
has are not offered together: one of them is replaced by the next wrong option of the pool, or the question
is not asked as a 多选.  A single wrong option with its own ending is no cue — every option has some ending; it is the
shared, key-less form that groups the wrong ones apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from content.questions.text import cjk_len


def _last(option: str) -> str:
    return option.rstrip("”’」』）)")[-1:]


def _length(option: str) -> int | None:
    """A phrase's length is seen at a glance; whole statements differ in length anyway."""
    size = cjk_len(option)
    return size if size <= PHRASE else None


PHRASE = 8  # characters up to which an option is a phrase whose length is its visible shape
_FORMS: tuple[tuple[str, Callable[[str], object]], ...] = (("ending", _last), ("length", _length))


def form_cue(wrong: Iterable[str], keys: Sequence[str]) -> str | None:
    """The form ("ending 导") two or more of ``wrong`` share and no key has, or None."""
    wrong = list(wrong)
    for name, form in _FORMS:
        held = {form(k) for k in keys}
        shared = Counter(form(w) for w in wrong)
        for value, count in shared.items():
            if count >= 2 and value is not None and value not in held:
                return f"{name} {value}"
    return None


def unmarked(pool: Sequence[str], keys: Sequence[str], n: int) -> list[str]:
    """Up to ``n`` wrong options from ``pool`` (in its order) no two of which share a form the keys lack."""
    out: list[str] = []
    for w in pool:
        if len(out) >= n:
            break
        if form_cue([*out, w], keys) is None:
            out.append(w)
    return out


__all__ = ["form_cue", "unmarked"]
