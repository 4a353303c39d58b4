"""Which item of a numbered list a description belongs to: the list's items against each other.

A numbered list names its items and then says what each means::

    在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”——
    一是重始轻终。我们强调工作要善作善成，但有些干部做工作只是为了装潢门面，……
    四是重易轻难。有的干部抓工作拈轻怕重，把好做的事揽过来自己去做，棘手的事避开它不愿做或推给别人去做，……

    单选  在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”。其中，“有的干部抓工作拈轻怕重，
          把好做的事揽过来自己去做，棘手的事避开它不愿做或推给别人去做”说的是哪一项？
          A.重始轻终 B.重短轻长 C.重显轻隐 D.重易轻难

The wrong options are the list's other items — real alternatives of the same form, each wrong by the text,
since the description is quoted from the item's own paragraph.  The description is whole clauses of that
paragraph, never cut inside one, and is refused when it repeats a word of its item ("全局观念" for
"重局部轻全局"): the stem would answer itself.  All descriptions of one list are one fact, asked once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from content.model import Document
from content.questions.cloze import explanation, new_question
from content.questions.ids import question_id, stable_order
from content.questions.slots import Candidate, Enumeration, Evidence
from content.questions.text import cjk_len, norm, quoted

MIN_ITEMS = 4  # a 单选 needs three wrong options among the list's own items
ITEM_CHARS = 8  # items are names ("重易轻难"), not sentences: a sentence-long item is no option
DESCRIPTION = (16, 44)  # characters of the quoted description: enough to tell, short enough to read
SCORE = 1.2
COVERAGE = 0.2
_CLAUSE = re.compile(r"[^，。；：]+[，。；：]?")
_PART = re.compile(r"^[一二三四五六七八九十]+、")


def described_candidates(enums: Sequence[Enumeration], documents: Sequence[Document]) -> list[Candidate]:
    """One 单选 per item of each numbered list of names whose items are explained in their own paragraphs."""
    by_id = {d.doc_id: d for d in documents}
    out: list[Candidate] = []
    for enum in enums:
        doc = by_id.get(enum.evidence.doc_id)
        if doc is None or not _eligible(enum):
            continue
        lead = enum.context.strip().rstrip("—：:，,。")
        if cjk_len(lead) < 8 or _PART.match(lead):
            continue  # a speech's part ("四、强化组织保障…") is its author's outline, no statement to quote
        for item, line in zip(enum.items, enum.lines, strict=False):
            block = next((b for b in doc.blocks if b.kind == "paragraph" and b.text.startswith(line.strip())), None)
            if block is None:
                continue
            description = _description(block.text[len(line.strip()) :])
            if description is None or _echoes(item, description):
                continue
            peers = [i for i in enum.items if i != item and len(i) == len(item)]
            if len(peers) < MIN_ITEMS - 1:
                continue  # "重局部轻全局" among four-character items: its length would tell it
            ev = Evidence(doc.doc_id, doc.title, block.text, block=block.index, tier=enum.evidence.tier)
            slot = f"described|{item}"
            options = stable_order(question_id("single", block.text, slot), [item, *peers[: MIN_ITEMS - 1]])
            stem = f"{lead}。其中，{quoted(description)}说的是哪一项？"
            quote = line.strip() + description + "……"
            # the more of its first sentence the description quotes, the surer it tells its item from the others
            first = block.text[len(line.strip()) :].split("。")[0]
            score = SCORE + COVERAGE * cjk_len(description) / max(1, cjk_len(first))
            q = new_question(
                "single",
                ev,
                stem,
                options,
                (item,),
                explanation("", quote, "", doc.title),
                slot,
                score,
                sentence=f"{enum.context.strip()}\n{line.strip()}{description}",
            )
            group = "described:" + "、".join(sorted(norm(i) for i in enum.items))
            out.append(Candidate(q, f"{norm(item)}#described", "item", None, group, f"{doc.doc_id}#{block.index}"))
    return out


def _eligible(enum: Enumeration) -> bool:
    return (
        enum.kind == "numbered"
        and len(enum.items) >= MIN_ITEMS
        and len(enum.lines) == len(enum.items)
        and all(cjk_len(i) <= ITEM_CHARS for i in enum.items)
        and bool(enum.context)
    )


def _description(rest: str) -> str | None:
    """Whole clauses from the start of the item's explanation, at most ``DESCRIPTION[1]`` characters, ending
    without its punctuation; ``None`` when even the first clause is too long or the result too short."""
    taken = ""
    for m in _CLAUSE.finditer(rest.strip()):
        clause = m.group(0)
        if len(taken) + len(clause.rstrip("，。；：")) > DESCRIPTION[1]:
            break
        taken += clause
        if clause.endswith("。"):
            break
    taken = taken.rstrip("，。；：")
    return taken if cjk_len(taken) >= DESCRIPTION[0] else None


def _echoes(item: str, description: str) -> bool:
    """The description repeats two characters of the item's name in a row ("全局" in "全局观念")."""
    return any(item[i : i + 2] in description for i in range(len(item) - 1))
