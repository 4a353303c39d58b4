"""True 判断 on a pairing: which part of one sentence goes with which step.

A requirement often pairs each step with what goes with it::

    要坚持开门教育，查摆问题听取群众意见，整改整治接受群众监督，检验成效接受群众评判     (a step, then its part)
    做到查摆问题“深”、整改整治“硬”、建章立制“实”                                        (a step, then its word)

The pairing is a real claim a member must know (is it 整改整治 or 检验成效 that the masses *judge*?) and the
statement that affirms it cannot be told true by its form: the same sentence with two partners exchanged reads
just as well.  A bank whose 判断 are all false is answered 4/4 by "always 错误", so these true statements are
what keeps the 判断 balanced.  Each pairing set is one fact (the fact ``siblings`` gives its blanks), asked
once by the ranker, in whichever type the bank needs.

Besides the whole run, each two neighbouring pairs are stated alone, the speaker then the source's words from
the first of them (a 判断 never holds "……": only true statements would, a give-away by form)::

    《通知》强调：整改整治接受群众监督，检验成效接受群众评判。

makes the same claim and no longer prints half the steps another question lists as keys (the 工作安排 多选's
查摆问题、整改整治) — the ranker keeps whichever does not leak.

A false twin exchanges two partners of the same sentence (``siblings``); the examiner refuses it
(``giveaways.exchanged``: an earlier examiner found which of 监督/评判 goes with 整改整治 defensible either way
in the *false* direction), so the true statement is what this module adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.siblings import sibling_groups
from content.questions.slots import Candidate, Evidence
from content.questions.text import excerpt, norm, split_attribution

PAIRING = "pairing"
TRUE_SCORE = 1.25
# a step of four characters and its quoted word, three or more joined by 、: 查摆问题“深”、整改整治“硬”、建章立制“实”
_ITEM = r"[\u4e00-\u9fff]{4}“[\u4e00-\u9fff]{1,2}”"
_QUOTED_RUN = re.compile(rf"{_ITEM}(?:、{_ITEM}){{2,}}")
_QUOTED_ITEM = re.compile(r"[\u4e00-\u9fff]{4}“(?P<part>[\u4e00-\u9fff]{1,2})”")
_CLAUSE_END = "，,；;：:"


def quoted_groups(text: str) -> list[list[tuple[int, int, str]]]:
    """Each run of steps with a quoted word in ``text``: (item start, item end, word), distinct words only."""
    out = []
    for run in _QUOTED_RUN.finditer(text):
        found = _QUOTED_ITEM.finditer(run.group(0))
        items = [(run.start() + m.start(), run.start() + m.end(), m.group("part")) for m in found]
        if len({w for _, _, w in items}) == len(items):
            out.append(items)
    return out


def clause_groups(text: str) -> list[list[tuple[int, int, str]]]:
    """Each run of "step + part" clauses (``siblings.sibling_groups``): (clause start, clause end, part)."""
    out = []
    for group in sibling_groups(text):
        items = []
        for start, part in group:
            begin = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
            items.append((begin, start + len(part), part))
        out.append(items)
    return out


def pairing_candidates(evidences: Iterable[Evidence]) -> list[Candidate]:
    """The true statements of each pairing set: the whole run and each two neighbouring pairs."""
    out: list[Candidate] = []
    for ev in evidences:
        if "\n" in ev.text:
            continue
        for groups, prefix in ((clause_groups(ev.text), "siblings:"), (quoted_groups(ev.text), PAIRING + ":")):
            for items in groups:
                fact = prefix + "、".join(sorted(norm(p) for _, _, p in items))
                windows = [items] + ([items[i : i + 2] for i in range(len(items) - 1)] if len(items) > 2 else [])
                out.extend(c for w in windows if (c := _statement(ev, items, w, fact)) is not None)
    return out


def _statement(
    ev: Evidence, items: list[tuple[int, int, str]], window: list[tuple[int, int, str]], fact: str
) -> Candidate | None:
    """``window``'s pairs said in ``ev``'s words, the other pairs of the run left out (none dropped inside)."""
    first, last = items[0][0], items[-1][1]
    text, offset, from_start = excerpt(ev.text, first, last)
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None:
        return None
    shift = framed.offset - first
    stem = framed.text
    if any(stem[a + shift : b + shift] != ev.text[a:b] for a, b, _ in items):
        return None
    if window == items:
        statement = stem
    else:  # the speaker, then the window's pairs as the source runs them: "《通知》强调：整改整治接受群众监督，…"
        _, rest = split_attribution(stem)
        speaker = stem[: len(stem) - len(rest)]
        statement = speaker + stem[window[0][0] + shift : window[-1][1] + shift]
    statement = statement.rstrip("，,、；;") + ("" if statement.endswith("。") else "。")
    parts = "|".join(p for _, _, p in window)
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    expl = explanation("正确。", framed.quote, framed.where, ev.document)
    q = new_question("truefalse", ev, statement, (TRUE_TEXT, FALSE_TEXT), (TRUE_TEXT,), expl,
                     f"pairing|{parts}|T", TRUE_SCORE, sentence=framed.sentence)
    return Candidate(q, fact, PAIRING, True, fact, paragraph, ev.tier, ev.doc_tier)
