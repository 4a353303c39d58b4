"""Put paragraphs that a copy broke apart back together — or drop the broken piece.

Two kinds of breakage occur in the real materials:

* a word split over two lines, the halves adjacent (000: "…紧盯就业、教育、医" / "疗、养老…");
* a web page copied out of order (003): a paragraph stops mid-sentence ("…把开展学习教育当作当前") and its
  rest ("一项重大政治任务，…") turns up one or more paragraphs later, after text from another section.

The rule.  A paragraph is *unfinished* when it does not end like a sentence (``ends_sentence``; an
introductory "：" or "——" counts as finished).  Every later paragraph in the same document is a candidate
continuation unless it opens like a new sentence (a date, "会议强调", "近日", an enumeration marker …).
Candidate pairs that would leave quotes unbalanced are impossible.  The rest are ranked:

    tier 0  a dictionary word spans the seam: "问题清|单和群众" (清单), "正确政绩|观引领" (政绩观)
    tier 1  no word evidence; the nearest free candidate wins (and after "、" it must start with a short
            clause, the next item of the enumeration: "要压实责任、|强化统筹。")

Pairs are taken greedily by (tier, distance), so strong evidence claims its continuation before a weak
guess can.  A *stray tail* — a one-sentence paragraph of fewer than ``STRAY_TAIL_CJK`` Chinese characters
such as "质量发展。" — is only accepted with tier-0 evidence: it is the remnant of a sentence whose middle was
lost, and gluing it to the nearest unfinished paragraph would invent a sentence.

Whatever stays unmatched is removed: an unfinished paragraph loses its unfinished last sentence (the whole
paragraph if that is all it is), and a stray tail is dropped — but only in a document that had unfinished
paragraphs at all (a short "谢谢大家！" in an intact speech is text).  Each removal is reported so a person
can check the source.

The dictionary is jieba's word list, read as text on first need (no jieba start-up cost, ~50 ms).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from content.sentences import ends_sentence, split_sentences

STRAY_TAIL_CJK = 8
SHORT_CLAUSE = 8  # after "、" the next enumeration item is a short clause
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
OPENER = re.compile(
    r"^(?:\d{1,4}年|\d{1,2}月\d{1,2}日|近日|日前|近期|连日来|今年|去年|同志们|"
    r"会议(?:指出|强调|要求|认为|提出|明确|号召|部署|决定|审议|听取|传达)|"
    r"[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、]|"
    r"第[一二三四五六七八九十百\d]+[章节条])"
)
_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）"}
_CLAUSE_END = re.compile(r"[，。；！？：、]")


@dataclass(frozen=True)
class Repair:
    """What the rejoining did, for the report."""

    kind: str  # "joined", "dropped-unfinished", "dropped-stray"
    text: str


def is_finished(text: str) -> bool:
    return ends_sentence(text) or text.endswith(("：", "——"))


def is_stray_tail(text: str) -> bool:
    return ends_sentence(text) and len(split_sentences(text)) == 1 and len(_CJK.findall(text)) < STRAY_TAIL_CJK


def rejoin(paragraphs: list[str]) -> tuple[list[str | None], list[Repair]]:
    """Rejoin broken paragraphs.  Returns one entry per input: the repaired text at the position of the
    paragraph that starts it, ``None`` where a paragraph was consumed or dropped."""
    texts: list[str | None] = list(paragraphs)
    repairs: list[Repair] = []
    # Stray tails only exist where something broke; a short "谢谢大家！" in an intact speech is text.
    broken = [t for t in paragraphs if not is_finished(t)]
    if not broken:
        return texts, repairs
    # A joined paragraph ends like its tail and starts like its head, so every seam that can ever be
    # tried is (end of an originally unfinished paragraph) + (start of some paragraph): look them up once.
    words = known_words({w for head in broken for tail in paragraphs for w in _seam_words(head, tail)})
    while True:
        pair = _best_pair(texts, words)
        if pair is None:
            break
        head, tail = pair
        joined = f"{texts[head]}{texts[tail]}"
        texts[head], texts[tail] = joined, None
        repairs.append(Repair("joined", joined))
    for i, text in enumerate(texts):
        if text is None:
            continue
        if not is_finished(text):
            sentences = split_sentences(text)
            kept = "".join(s for s in sentences if is_finished(s))
            repairs.append(Repair("dropped-unfinished", sentences[-1] if sentences else text))
            texts[i] = kept or None
        elif is_stray_tail(text) and not _starts_sentence(text):
            repairs.append(Repair("dropped-stray", text))
            texts[i] = None
    return texts, repairs


def _starts_sentence(text: str) -> bool:
    return OPENER.match(text) is not None


def _best_pair(texts: list[str | None], words: set[str]) -> tuple[int, int] | None:
    live = [i for i, t in enumerate(texts) if t is not None]
    heads = [i for i in live if not is_finished(texts[i] or "")]
    if not heads:
        return None
    options: list[tuple[int, int, int, int]] = []  # (tier, distance, head, tail)
    seams: dict[tuple[int, int], list[str]] = {}
    for h in heads:
        for distance, t in enumerate((j for j in live if j > h), start=1):
            head, tail = texts[h] or "", texts[t] or ""
            if _starts_sentence(tail) or not _quotes_ok(head + tail):
                continue
            seams[(h, t)] = _seam_words(head, tail)
            options.append((-1, distance, h, t))
    ranked: list[tuple[int, int, int, int]] = []
    for _, distance, h, t in options:
        head, tail = texts[h] or "", texts[t] or ""
        if any(w in words for w in seams[(h, t)]):
            ranked.append((0, distance, h, t))
        elif not is_stray_tail(tail) and _plausible_without_words(head, tail):
            ranked.append((1, distance, h, t))
    if not ranked:
        return None
    _, _, h, t = min(ranked)
    return h, t


def _plausible_without_words(head: str, tail: str) -> bool:
    if head.endswith("、"):
        first_clause = _CLAUSE_END.split(tail, maxsplit=1)[0]
        return 0 < len(first_clause) <= SHORT_CLAUSE
    return True


def _seam_words(head: str, tail: str) -> list[str]:
    """Strings of 2–4 Chinese characters that straddle the seam between head and tail."""
    if not head or not tail or not _CJK.match(head[-1]) or not _CJK.match(tail[0]):
        return []
    out: list[str] = []
    for a in range(1, 4):
        left = head[-a:]
        if not all(_CJK.match(c) for c in left):
            break
        for b in range(1, 4):
            right = tail[:b]
            if a + b > 4 or not all(_CJK.match(c) for c in right):
                break
            out.append(left + right)
    return out


def _quotes_ok(text: str) -> bool:
    """No closing mark before its opening one; everything closed if the text ends a sentence."""
    depth = dict.fromkeys(_PAIRS, 0)
    closing = {v: k for k, v in _PAIRS.items()}
    for ch in text:
        if ch in _PAIRS:
            depth[ch] += 1
        elif ch in closing:
            depth[closing[ch]] -= 1
            if depth[closing[ch]] < 0:
                return False
    return not is_finished(text) or not any(depth.values())


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """jieba's word list as a set, read once per process (about 0.1 s); jieba itself is never started."""
    return frozenset(_frequencies())


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    """jieba's word list with each word's corpus frequency (its second column)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    if not path.is_file():
        return {}
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, rest = line.partition(" ")
            count = rest.split(" ", 1)[0]
            out[word] = int(count) if count.isdigit() else 0
    return out


def word_frequency(word: str) -> int:
    """How often jieba's general corpus uses ``word`` (0 when it is no dictionary word): a set idiom everyone
    completes ("急功近利", 98) against a campaign's formula ("科学决策", 3)."""
    return _frequencies().get(word, 0)


def known_words(candidates: set[str]) -> set[str]:
    """The subset of ``candidates`` that jieba's dictionary lists as words."""
    return candidates & _dictionary() if candidates else set()
