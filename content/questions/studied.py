"""What a central text tells members to study, asked as a 多选 against what other passages study instead.

The Notice lists its study material as a run of one verb ("要组织党员、干部深入学习习近平总书记关于树立和践行正确
政绩观的重要论述，深入学习《中共中央关于制定…第十五个五年规划的建议》，深入学习习近平总书记关于本地区本部门本
领域的重要讲话和重要指示精神"): which texts the campaign studies is one of its own requirements, and no member
fills it from the phrase.  The run is blanked whole and the question asks only what the text lists::

    多选  《通知》强调：要组织党员、干部深入学习（　），进一步强化立党为公、为民造福理念。括号处原文列举的学习
          内容有哪些？   — the three, against what the meetings study instead (the central meeting's
          "…学习教育的重要讲话和重要指示精神", the city's "…在中央政治局会议上的重要讲话精神")

A wrong option is another object of 学习 in the corpus, of a key's kind (its last word: 论述, 精神, 建议, 讲话)
and length band, and never one a member could defend as one of the keys: not a key's part or whole, not a
key with words left out ("习近平总书记重要讲话和重要指示精神" is every one of his speeches, the third key included),
not a visit's speech that names its place ("视察重庆…": a national list would not, so it gives itself away),
not a key reworded (``hubs.rewords``: "…关于树立和践行正确政绩观学习教育的重要讲话和重要指示精神" keeps nearly all of
"…关于树立和践行正确政绩观的重要论述" — an examiner found it a trap of wording, bank of 15, Q8).
With fewer than two such options the list is not asked (``worth``: one outsider is found by elimination).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.enumerations import PARALLEL
from content.questions.hubs import rewords
from content.questions.importance import CENTRAL
from content.questions.requirements import LISTED
from content.questions.slots import Candidate, Enumeration
from content.questions.text import BLANK, cjk_len, norm

VERB = "学习"
KIND = "item"
SCORE = 1.2
WRONG = 3  # wrong options at most
BAND = 0.3  # as the examiner's: a wrong option within ±30 % of a key's length
_HEAD = re.compile(r"(论述|精神|建议|讲话)》?$")
_OBJECT = re.compile(
    r"学习(?:贯彻|领会)?(?P<obj>[^，。；、,;：:]{8,40}?(?:论述|精神|建议》|讲话))(?=[，。；,;、]|$)"
)
_PLACE_VISIT = re.compile(r"视察|考察|调研")


def studied_candidates(enums: Iterable[Enumeration], paragraphs: Iterable[str]) -> list[Candidate]:
    """A 多选 for each central run of "学习A，学习B，学习C" whose objects the corpus offers real alternatives to."""
    texts = list(paragraphs)
    out: list[Candidate] = []
    for e in enums:
        if not e.label.startswith(f"{PARALLEL}:{VERB}") or e.evidence.tier != CENTRAL or "\n" in e.evidence.text:
            continue
        keys = list(e.items)
        if not all(_HEAD.search(k) for k in keys):
            continue
        wrong = alternatives(keys, e.evidence.text, texts)
        if len(wrong) >= 2:
            built = _question(e, keys, wrong[:WRONG])
            if built is not None:
                out.append(built)
    return out


def alternatives(keys: Sequence[str], line: str, texts: Iterable[str]) -> list[str]:
    """Other objects of 学习 in ``texts`` that no member could defend as one of ``keys`` (module docstring)."""
    heads = {_head(k) for k in keys}
    found: list[str] = []
    for text in texts:
        for m in _OBJECT.finditer(text):
            obj = m.group("obj")
            n = norm(obj)
            if n in norm(line) or obj in found or _head(obj) not in heads or _PLACE_VISIT.search(obj):
                continue
            if obj.count("《") != obj.count("》") or obj.startswith("教育"):
                continue  # "学习教育的通知》和…": the campaign's name, not an object of 学习
            if any(_within(n, norm(k)) or _within(norm(k), n) or rewords(obj, k) for k in keys):
                continue
            if not any(abs(cjk_len(obj) - cjk_len(k)) <= max(1, round(BAND * cjk_len(k))) for k in keys):
                continue
            found.append(obj)
    return found


def _head(text: str) -> str:
    m = _HEAD.search(text)
    return m.group(1) if m else ""


def _within(short: str, long: str) -> bool:
    """Whether ``short`` is ``long`` with words left out (its characters in order): a generalisation of it."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def _question(e: Enumeration, keys: list[str], wrong: list[str]) -> Candidate | None:
    ev = e.evidence
    first, last = e.starts[0], e.starts[-1] + len(keys[-1])
    framed = stand_alone(ev, ev.text, first, True)
    if framed is None or not framed.prefix or ev.text not in framed.text:
        return None  # the stem says whose requirement it is ("《通知》强调：")
    at = framed.text.find(ev.text)
    stem = framed.text[: at + first] + BLANK + framed.text[at + last :]
    stem = f"{stem.rstrip()}{LISTED}{VERB}内容有哪些？"
    options = tuple(sorted((*keys, *wrong), key=lambda o: norm(o)[::-1]))  # mixed, stable
    q = new_question(
        "multiple",
        ev,
        stem,
        options,
        tuple(keys),
        explanation("", framed.quote, framed.where, ev.document),
        f"studied|{'、'.join(keys)}",
        SCORE,
        sentence=framed.sentence,
    )
    group = f"studied:{'、'.join(keys)}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    return Candidate(q, group, KIND, None, group, paragraph, ev.tier, ev.doc_tier)


__all__ = ["alternatives", "studied_candidates"]
