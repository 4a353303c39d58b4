"""Where and when a leader said it: the occasion a commentary names for his statement.

A feature on a campaign tells *when* its leader spoke about the theme and *where* — and a member who read it
knows that the portrait of wrong 政绩观 (本位主义、好大喜功…) was drawn at the January study session, while
"五重五轻" goes back to his years in Zhejiang.  One form, found by its shape, never by this campaign's
sentences::

    statement   "今年1月，在省部级…研讨班开班式上，习近平给错误政绩观“画像”：本位主义、…、推脱责任……"
                → a 判断 stating it on its own occasion (正确) or on another occasion the same document names
                  for the same speaker ("在浙江工作期间", 错误): two times that cannot both be right — unless
                  the claim may be said of that one too (the title calls 五重五轻 a "画像" as well: 正确 only)

A statement that leads a list ("…概括为“五重五轻”——") is never stated: the list's own questions open with it,
so its truth is shown beside it; its occasion is still the natural wrong one for the document's other
statements.  A list the source leaves open ("画像”：本位主义、…、推脱责任……") is left out of the claim: stated
whole it would be a misquote, stated with "……" a cut stem; the occasion is the claim.
A news feature's series of occasions ("从中央经济工作会议，到…专题研讨班，再到春节团拜会，习近平总书记在多个场合
强调…") is no longer asked: its claim is that he stressed the theme on many occasions, and a blank on one station
asks an illustration, not the claim (examiner round 9, cause 2; the rule that refuses such a blank from any
builder is ``series``).

The stem says whose report it is ("据《…》报道：…"): the occasion is the document's account, and the
explanation quotes it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question
from content.questions.importance import OTHERS, REGIONAL
from content.questions.slots import Candidate, Evidence
from content.questions.text import cjk_len, norm, short_title

KIND = "occasion"
SCORE = 1.0
MIN_STATEMENT = 8  # "习近平指出" says nothing of its own: no claim to place
MAX_STATEMENT = 70  # a longer statement is read for its claim, not for its occasion
_LEADER = r"习近平(?:总书记|同志)?"
# "今年1月，在…开班式上，习近平…", "在浙江工作期间，习近平…"
_STATED = re.compile(
    rf"^(?P<occasion>(?:(?:今年|去年|\d{{4}}年)?\d{{1,2}}月[，,])?(?P<place>在[^，。“”]{{3,40}}?(?:上|期间|时)))[，,]"
    rf"(?P<who>{_LEADER})(?P<rest>[^。]+?)(?P<end>……|——|：|。)?$"
)
_QUOTED = re.compile(r"“([^“”]{2,12})”")


@dataclass(frozen=True)
class _Statement:
    ev: Evidence
    occasion: str  # "今年1月，在省部级主要领导干部专题研讨班开班式上"
    place: str  # "在省部级主要领导干部专题研讨班开班式上": the occasion without its time, what a swap replaces
    claim: str  # "习近平给错误政绩观“画像”" (the open list it trailed left out)
    leads_list: bool  # ends in "——" / "：": the lead of a list other questions open with


def occasion_candidates(evidences: Iterable[Evidence]) -> list[Candidate]:
    """判断 on the occasion of a leader's statement."""
    by_doc: dict[str, list[_Statement]] = defaultdict(list)
    out: list[Candidate] = []
    for ev in evidences:
        if ev.tier in (REGIONAL, OTHERS) or "\n" in ev.text:
            continue  # other units' accounts of a leader's words are theirs to tell
        stated = _statement(ev)
        if stated is not None:
            by_doc[ev.doc_id].append(stated)
    for statements in by_doc.values():
        for s in statements:
            others = [o for o in statements if norm(o.place) != norm(s.place)]
            if s.leads_list or not others:
                continue
            other = others[0]
            out.extend(_judged(s, None if _shared(s, other) else other.place))
    return out


def _shared(s: _Statement, other: _Statement) -> bool:
    """Whether the claim may be said of the other occasion too: its quoted word ("“画像”") or its last words are
    in the other statement or in the title ("“五重五轻”，习近平曾这样给错误政绩观“画像”" calls 五重五轻 a 画像
    as well) — then "在浙江工作期间，习近平给错误政绩观“画像”" is no sure falsehood, and only the true one is made."""
    marks = _QUOTED.findall(s.claim) or [_cjk(s.claim)[-4:]]
    around = _cjk(other.ev.text + other.claim + s.ev.document)
    return any(_cjk(m) and _cjk(m) in around for m in marks)


def _cjk(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


def _statement(ev: Evidence) -> _Statement | None:
    m = _STATED.match(ev.text.strip())
    if m is None:
        return None
    rest = m.group("rest").strip()
    end = m.group("end") or ""
    if end == "……":
        if "：" not in rest:
            return None  # a sentence cut off, not an open list
        rest = rest.split("：")[0]  # "画像”：本位主义、…、推脱责任……": the open list is no part of the claim
    claim = m.group("who") + rest
    if not MIN_STATEMENT <= cjk_len(claim) <= MAX_STATEMENT or "…" in claim:
        return None
    return _Statement(ev, m.group("occasion"), m.group("place"), claim, end in ("——", "："))


def _judged(s: _Statement, other: str | None) -> list[Candidate]:
    """The statement on its own occasion (正确) and on the document's other occasion (错误): one fact.

    The false one swaps the place only ("在浙江工作期间" for "在…研讨班开班式上"), its time left out with it:
    one swap, and no time that would contradict the place on its own."""
    ev = s.ev
    where = f"据《{short_title(ev.document)}》报道："
    key = f"{KIND}:{norm(s.claim)}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    out = []
    stated = [(True, s.occasion, s.occasion)] + ([(False, other, s.place)] if other is not None else [])
    for truth, occasion, original in stated:
        verdict = TRUE_TEXT if truth else FALSE_TEXT
        q = new_question(
            "truefalse",
            ev,
            f"{where}{occasion}，{s.claim}。",
            (TRUE_TEXT, FALSE_TEXT),
            (verdict,),
            explanation(f"{verdict}。", f"{original}，{s.claim}。", "", ev.document),
            f"{KIND}|{'T' if truth else 'F'}",
            SCORE,
        )
        out.append(Candidate(q, key, KIND, truth, key, paragraph, ev.tier, ev.doc_tier))
    return out


__all__ = ["occasion_candidates"]
