"""Whom a requirement reaches, by cadre rank: stated true, and with the neighbouring rank.

A deployment names the rank its focus or duty starts from ("学习教育以县处级以上领导班子和领导干部特别是“一把手”
为重点"). Which rank is what a reader knows and a guesser does not: the neighbouring rank of the same series
is a real alternative of the same form, so the false statement stays grammatical and plausible — and it is
false by scope, not by grammar::

    判断  《通知》指出：学习教育以县处级以上领导班子…为重点，…   正确
    判断  《通知》指出：学习教育以乡科级以上领导班子…为重点，…   错误（原文：…县处级以上…）

"X以上" is swapped for the rank below and "X以下" for the rank above: the false statement charges people the
source does not ("乡科级以上…深入查找问题"), where the other way round it would charge only some of those the
source charges — a narrower claim the source implies ("厅局级以上…深入查找问题" is true of them). A bare rank
is swapped for the one above (or below, at the top). Both statements are made — the bank's balance of
true and false chooses — from central and own requirements only (a report's "全区处级以上干部参加" is a
local detail), whole sentences of readable length, said by whoever said them.

A rank is asked only where the materials name another rank of the series as well.  Two independent examiners
(banks of 11 and 8) found "以谁为重点？ → 县处级以上领导班子和领导干部特别是“一把手”" a give-away: it is the scope
formula of every recent central campaign, picked by habit, and the materials give no distinction a reader of the
earlier campaigns would miss — every document names the one rank (县处级; Beijing's 处级 is the same).  Where
the materials name one rank only, any question on it (true, or false with the rank below) is answered from that
habit; where they name two (a regulation's "县处级以上…" beside "厅局级以上…"), which rank goes with which
requirement is something only a reader knows.
"""

from __future__ import annotations

from collections.abc import Iterable

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.attribution import opener
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.filters import rhetoric
from content.questions.importance import OWN
from content.questions.slots import Candidate, Evidence
from content.questions.text import cjk_len, excerpt, norm

# the series of leading cadres' ranks, lowest first (地厅级 and 司局级 are other names of 厅局级)
SERIES = ("乡科级", "县处级", "厅局级", "省部级")
ALIASES = {"地厅级": "厅局级", "司局级": "厅局级"}
MAX_CHARS = 90
SCORE = 1.1
TRUE_PENALTY = 0.05  # the false statement is the better trap: the true one is asked where the balance needs it
KIND = "rank"  # whom a requirement reaches (``importance.KIND_WEIGHT``; a true one names it: ``CHECKABLE_TRUE``)


def neighbour(rank: str, after: str) -> str | None:
    """The rank a false statement puts in place of ``rank`` (``after``: the words that follow it)."""
    at = SERIES.index(ALIASES.get(rank, rank))
    if after.startswith("以上"):
        return SERIES[at - 1] if at > 0 else None
    if after.startswith("以下"):
        return SERIES[at + 1] if at + 1 < len(SERIES) else None
    return SERIES[at + 1] if at + 1 < len(SERIES) else SERIES[at - 1]


def rank_candidates(evidences: Iterable[Evidence]) -> list[Candidate]:
    """A true and a false statement for each central or own requirement that names one cadre rank — when the
    materials name more than one rank of the series (module docstring)."""
    evidences = list(evidences)
    if len(named_ranks(ev.text for ev in evidences)) < 2:
        return []  # one rank throughout: the campaigns' standing scope formula, known without reading
    out: list[Candidate] = []
    for ev in evidences:
        if ev.tier > OWN or "\n" in ev.text or "…" in ev.text or rhetoric(ev.text) or cjk_len(ev.text) > MAX_CHARS:
            continue
        named = [r for r in (*SERIES, *ALIASES) if r in ev.text]
        if len(named) != 1 or ev.text.count(named[0]) != 1:
            continue  # "县处级以上…厅局级…" names both: no test of which
        rank = named[0]
        start = ev.text.index(rank)
        other = neighbour(rank, ev.text[start + len(rank) :])
        if other is None:
            continue
        out.extend(_statements(ev, start, rank, other))
    return out


def named_ranks(texts: Iterable[str]) -> set[str]:
    """The ranks of the series (aliases as their rank) that ``texts`` name as a reach — "X以上" / "X以下",
    whom a requirement covers; a rank in a name ("省部级主要领导干部专题研讨班") covers no one here."""
    found: set[str] = set()
    for t in texts:
        found |= {ALIASES.get(r, r) for r in (*SERIES, *ALIASES) if f"{r}以上" in t or f"{r}以下" in t}
    return found


def _statements(ev: Evidence, start: int, rank: str, other: str) -> list[Candidate]:
    text, offset, from_start = excerpt(ev.text, start, start + len(rank))
    if text != ev.text:
        return []  # a whole sentence: a cut one says less than its requirement
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None or (not framed.prefix and opener(framed.text) is None):
        return []  # a statement says whose requirement it is ("《通知》指出：")
    before, after = framed.text[: framed.offset], framed.text[framed.offset + len(rank) :]
    # whom the focus reaches and whom a duty reaches are two facts, though one rank names both
    key = f"rank:{ALIASES.get(rank, rank)}:{norm(before)[-8:]}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    out = []
    for truth, stated in ((False, other), (True, rank)):
        verdict = TRUE_TEXT if truth else FALSE_TEXT
        q = new_question(
            "truefalse",
            ev,
            before + stated + after,
            (TRUE_TEXT, FALSE_TEXT),
            (verdict,),
            explanation(f"{verdict}。", framed.quote, framed.where, ev.document),
            f"rank|{'T' if truth else 'F'}",
            SCORE - (TRUE_PENALTY if truth else 0.0),
            sentence=framed.sentence,
        )
        out.append(Candidate(q, key, KIND, truth, key, paragraph, ev.tier, ev.doc_tier))
    return out


__all__ = ["SERIES", "named_ranks", "neighbour", "rank_candidates"]
