"""Key sayings: quoted statements (“为民造福是最大政绩”) and short stand-alone maxims.

A saying is worth remembering word for word, so it yields fill-in questions on its key word.  The key
word is either a known list item or quoted term that the saying contains ("为民造福" — these make
good single-choice questions too, with the other items as distractors) or, failing that, the jieba
word that is most characteristic of the corpus: used in a few sentences, not in most of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from content.questions.segment import words
from content.questions.slots import Evidence, Slot
from content.questions.text import cjk_len, norm

_QUOTE = re.compile(r"“([^“”]{8,80})”")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇两\d]{1,4}条")
_STOP = frozenset(
    (
        "坚持",
        "自觉",
        "所有",
        "都要",
        "一个",
        "我们",
        "进一步",
        "推动",
        "以上",
        "要求",
        "提出",
        "强调",
        "明确",
        "指出",
        "没有",
        "不是",
        "就是",
        "这是",
        "一是",
        "问题",
        "工作",
        "方面",
        "同志",
        "全党",
        "各级",
        "要把",
        "之大",
        "努力",
        "不断",
        "实现",
        "关于",
        "通过",
        "不能",
        "必须",
        "学习教育",
        "正确政绩观",
        "政绩观",
        "树立",
        "践行",
        "开展",
        "组织",
        "深入",
        "认真",
        "全面",
        "贯彻",
        "落实",
        "党员",
        "干部",
        "各级",
        "习近平",
        "总书记",
        "重要",
        "会议",
        "中央",
    )
)


def is_saying(ev: Evidence, paragraph: str) -> bool:
    """A quoted statement, or a whole short paragraph that states a maxim."""
    if _QUOTE.search(ev.text):
        return True
    if re.search(r"\d|^第[一二三四五六七八九十百]+条", ev.text):
        return False  # a short rule with numbers is a fact, not a maxim
    return ev.text.strip() == paragraph.strip() and 6 <= cjk_len(ev.text) <= 26 and "，" in ev.text


def saying_spans(ev: Evidence, paragraph: str) -> list[tuple[int, int]]:
    """Quoted sayings; and every sentence of a central or the branch's own passage (tier ≤ 1), whose key
    word — "负总责", "统筹协调", "第一责任人" — is a requirement worth remembering word for word."""
    spans = [(m.start(1), m.end(1)) for m in _QUOTE.finditer(ev.text)]
    if not spans and (is_saying(ev, paragraph) or (ev.tier <= 1 and not _ARTICLE.match(ev.lead or ev.text))):
        spans = [(0, len(ev.text))]
    return spans


def known_names(known: Mapping[str, Slot]) -> list[str]:
    """The known items and terms a saying is searched for, longest first: sorted once per corpus."""
    return sorted((k for k in known if cjk_len(k) >= 2), key=lambda k: (-len(k), k))


def saying_slots(
    ev: Evidence,
    spans: list[tuple[int, int]],
    known: Mapping[str, Slot],
    frequency: dict[str, int],
    total: int,
    names: Sequence[str] | None = None,
) -> Iterator[Slot]:
    """Slots inside each saying: known items/terms first, else one characteristic word.

    A known value keeps what it is where it was found — a list item with its list's family and polarity,
    a quoted term as a term — so its wrong options are of its own kind.
    """
    names = known_names(known) if names is None else names
    quoted = replace(ev, quoted=True)
    for a, b in spans:
        part = ev.text[a:b]
        hit = False
        for k in names:
            pos = part.find(k)
            if pos >= 0:
                hit = True
                found = known[k]
                family = found.family or frozenset({k})
                yield Slot(found.kind, k, a + pos, quoted, family=family, negative=found.negative, role=found.role)
                break
        if hit:
            continue
        best = _key_word(part, frequency, total)
        if best is not None:
            word, pos = best
            yield Slot("keyword", word, a + pos, quoted, family=frozenset({word}))


def _key_word(part: str, frequency: dict[str, int], total: int) -> tuple[str, int] | None:
    best: tuple[float, str, int] | None = None
    for word, start, _ in words(part):
        if not 2 <= len(word) <= 4 or cjk_len(word) != len(word) or word in _STOP:
            continue
        df = frequency.get(norm(word), 0)
        if df < 2 or df > max(3, total // 4):
            continue
        score = len(word) + 1.0 / df
        if best is None or score > best[0]:
            best = (score, word, start)
    return None if best is None else (best[1], best[2])


def document_frequency(sentences: Iterable[str]) -> dict[str, int]:
    """In how many sentences each jieba word occurs (normalised)."""
    freq: dict[str, int] = {}
    for s in sentences:
        for w in {norm(w) for w, _, _ in words(s) if len(w) >= 2}:
            freq[w] = freq.get(w, 0) + 1
    return freq
