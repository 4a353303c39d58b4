"""What each item of a numbered list means: its heading against the description that follows it.

A list whose items are headings of a word or two ("一是重始轻终。…二是重短轻长。…") describes each item in the
sentence after it.  Knowing the list's names is one fact (``lists`` asks it); knowing which description goes
with which name is another, and only a member who read the descriptions has it::

    填空  在浙江工作期间，习近平将…概括为“五重五轻”。（　）。有的干部喜欢给自己留名，替自己立碑，
          追求“看得见、摸得着”的政绩。                                               重显轻隐

No 判断: a description glosses its name, so a true copy has nothing to check and a sibling's name is false
at sight (an examiner's verdicts on "重显轻隐。有的干部喜欢给自己留名…" and its twin).

The item's ordinal ("三是") is left out of the stem: the list's order alone would tell the name.

The false statement puts a sibling's name on the description — a real alternative of the same form, so it
stays grammatical and plausible.  An item is asked only when its description does not spell its name: the
characters that tell the name from its siblings ("短"/"长" of 重短轻长 in "“短平快”的政绩"; "全局" of
重局部轻全局 in "全局观念不强") must not occur in the description, nor the swapped-in sibling's.  A
description that speaks as "我们" has no referent in a stem and is not used.

Only central and own lists: a speech's or a report's outline is the kind of fact a member need not know.
The list's descriptions are one fact (``group``): asked at most once per type, so never more than a blank
and a statement per list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question
from content.questions.importance import OWN
from content.questions.slots import Candidate, Enumeration, Evidence
from content.questions.text import BLANK, cjk_len, clauses, norm, width_variants

MIN_ITEMS = 3
MAX_NAME = 6  # a name of a word or two ("重局部轻全局"); longer items are requirements, not names
DESCRIPTION = (16, 48)  # characters of description quoted after the name: enough to tell, short to read
# statements first: ``described`` asks the same list by a 单选 on the name, which a blank would only repeat
FILL_SCORE = 1.2
STATEMENT_SCORE = 1.25
KIND = "item"
_LEAD_ENDS = ("——", "：", ":")
_SPEAKS_AS_US = ("我们", "我")


def description_candidates(enums: Sequence[Enumeration], evidences: Iterable[Evidence]) -> list[Candidate]:
    """A blank on an item's name before its description, and statements that name it rightly or wrongly."""
    by_block: dict[tuple[str, int], list[Evidence]] = defaultdict(list)
    for ev in evidences:
        by_block[(ev.doc_id, ev.block)].append(ev)
    out: list[Candidate] = []
    for e in enums:
        lead = e.context.strip()
        if e.kind != "numbered" or len(e.items) < MIN_ITEMS or not lead.endswith(_LEAD_ENDS):
            continue
        if any(
            cjk_len(i) > MAX_NAME or line.rstrip("。") != line[: line.find(i)] + i
            for i, line in zip(e.items, e.lines, strict=True)
        ):
            continue  # items are whole first sentences of a word or two: "三是重显轻隐。"
        unique = _distinctive(e.items)
        described = []
        for item, line in zip(e.items, e.lines, strict=True):
            found = _description(by_block, e.evidence.doc_id, line)
            if found is not None and found[0].tier <= OWN:
                described.append((item, line, *found))
        group = "described:" + "、".join(sorted(norm(i) for i in e.items))
        for item, line, ev, text in described:
            if unique[item] & set(text):
                continue  # the description spells the name
            out.extend(_asked(e, lead, item, line, ev, text, unique, group))
    return out


def _description(
    by_block: dict[tuple[str, int], list[Evidence]], doc_id: str, line: str
) -> tuple[Evidence, str] | None:
    """The item's heading sentence's evidence and the start of the sentence after it (whole clauses)."""
    for (doc, _), evs in by_block.items():
        if doc != doc_id:
            continue
        at = next((i for i, ev in enumerate(evs) if ev.text == line), None)
        if at is None or at + 1 >= len(evs):
            continue
        nxt = evs[at + 1].text
        if nxt.startswith(_SPEAKS_AS_US):
            return None
        text = ""
        for a, b in clauses(nxt):
            piece = nxt[a:b]
            if cjk_len(text + piece) > DESCRIPTION[1]:
                break
            text += piece
        if cjk_len(text) < DESCRIPTION[0]:
            return None
        return evs[at], text.rstrip("，,；;：:、") + ("" if text.endswith("。") else "。")
    return None


def _distinctive(items: Sequence[str]) -> dict[str, set[str]]:
    """The characters of each item its siblings do not share ("重短轻长" → 短, 长: 重/轻 are the pattern's)."""
    counts: dict[str, int] = defaultdict(int)
    for i in items:
        for ch in set(i):
            counts[ch] += 1
    return {i: {ch for ch in i if counts[ch] == 1} for i in items}


def _asked(
    e: Enumeration,
    lead: str,
    item: str,
    line: str,
    ev: Evidence,
    text: str,
    unique: dict[str, set[str]],
    group: str,
) -> list[Candidate]:
    at = line.find(item)
    tail = line[at + len(item) :]  # without its ordinal ("三是"): the list's order alone would tell the name
    sentence = f"{lead}\n{line}{text.rstrip('。')}"  # two verbatim lines: the lead-in, the item's opening
    quote_true = f"{lead}\n{line}{text}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    key = f"described:{norm(item)}"

    def make(qtype: str, stem: str, answer: tuple[str, ...], slot: str, score: float, truth: bool | None) -> Candidate:
        options = (TRUE_TEXT, FALSE_TEXT) if qtype == "truefalse" else ()
        verdict = "" if truth is None else (f"{TRUE_TEXT}。" if truth else f"{FALSE_TEXT}。")
        q = new_question(
            qtype,  # type: ignore[arg-type]
            ev,
            stem,
            options,
            answer,
            explanation(verdict, quote_true, "", ev.document),
            slot,
            score,
            sentence=sentence,
        )
        return Candidate(q, key, KIND, truth, group, paragraph, ev.tier, ev.doc_tier)

    # no 判断: the description glosses its name ("留名立碑，看得见、摸得着" → 重显轻隐), so the true copy has nothing
    # to check and the false one (a sibling's name) is false at sight — the examiner's Q5 and its twin
    return [make("fill", f"{lead}\n{BLANK}{tail}{text}", width_variants(item), "described", FILL_SCORE, None)]


__all__ = ["description_candidates"]
