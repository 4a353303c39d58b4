"""Numbered lists and numbered parts: 一是…二是…, （一）…（二）…, and a speech's 一、二、 headings.

A numbered list spans paragraphs, so its evidence is several verbatim sentences joined by newlines: the
lead-in that names it ("概括为“五重五轻”——" or the section heading) and the first sentence of each item.
Each item is the item's first clause ("重始轻终", "抓实理论学习"); a list whose items are longer than a
phrase is not asked about.  The stem names the list by its quoted name, its section heading, or its
lead-in sentence, in that order of preference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from content.model import Block, Document
from content.questions.slots import Enumeration, Evidence
from content.questions.text import CN_DIGITS, cjk_len, short_title

_ORDINAL = re.compile(rf"^([{CN_DIGITS}]{{1,3}})(?:是|、)|^[（(]([{CN_DIGITS}]{{1,3}})[）)]")
_INLINE_ORDINAL = re.compile(rf"[（(]([{CN_DIGITS}]{{1,3}})[）)]")


def numbered_lists(doc: Document, sentences: dict[int, list[str]]) -> list[Enumeration]:
    """一是…二是… / （一）…（二）… items, as consecutive paragraphs or inside one paragraph."""
    found: list[Enumeration] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        run = _ordinal_run(blocks, i)
        if len(run) >= 2:
            enum = _numbered(doc, blocks, run, sentences)
            if enum is not None:
                found.append(enum)
            i = run[-1] + 1
        else:
            i += 1
    for block in doc.paragraphs:
        enum = _inline_numbered(doc, block, sentences.get(block.index, []))
        if enum is not None:
            found.append(enum)
    return found


def _ordinal(block: Block) -> tuple[int, str] | None:
    """(ordinal, marker) of a paragraph that opens with 一是 / （一） style numbering."""
    if block.kind != "paragraph":
        return None
    m = _ORDINAL.match(block.text)
    if not m or (m.group(1) and m.group(0).endswith("、")):
        return None
    digits = m.group(1) or m.group(2)
    return _cn_number(digits), m.group(0)


def _cn_number(digits: str) -> int:
    if digits == "十":
        return 10
    if digits.startswith("十"):
        return 10 + CN_DIGITS.index(digits[1])
    if digits.endswith("十"):
        return CN_DIGITS.index(digits[0]) * 10
    if "十" in digits:
        a, b = digits.split("十")
        return CN_DIGITS.index(a) * 10 + CN_DIGITS.index(b)
    return CN_DIGITS.index(digits)


def _ordinal_run(blocks: Sequence[Block], i: int) -> list[int]:
    first = _ordinal(blocks[i])
    if first is None or first[0] != 1:
        return []
    run = [i]
    expected = 2
    j = i + 1
    while j < len(blocks):
        o = _ordinal(blocks[j])
        if o is None or o[0] != expected or o[1][-1] != first[1][-1]:
            break
        run.append(j)
        expected += 1
        j += 1
    return run


def _lead(text: str, marker: str) -> str | None:
    body = text[len(marker) :] if text.startswith(marker) else text
    lead = re.split(r"[，,。；;：:]", body, maxsplit=1)[0].strip()
    return lead if 2 <= cjk_len(lead) <= 24 else None


def _numbered(
    doc: Document, blocks: Sequence[Block], run: list[int], sentences: dict[int, list[str]]
) -> Enumeration | None:
    items, lines = [], []
    for j in run:
        block = blocks[j]
        ordinal = _ordinal(block)
        first = (sentences.get(block.index) or [block.text])[0]
        lead = _lead(first, ordinal[1] if ordinal else "")
        if lead is None or lead not in first:
            return None
        items.append(lead)
        lines.append(first)
    topic, context = _topic(doc, blocks, run[0], sentences)
    if not topic and not context:
        return None
    text = "\n".join(([context] if context else []) + lines)
    return Enumeration(
        kind="numbered",
        items=tuple(items),
        evidence=Evidence(doc.doc_id, doc.title, text),
        starts=tuple(text.index(line) + line.index(item) for line, item in zip(lines, items, strict=True)),
        topic=topic,
        context=context,
        lines=tuple(lines),
    )


def _topic(doc: Document, blocks: Sequence[Block], first: int, sentences: dict[int, list[str]]) -> tuple[str, str]:
    """How to name a numbered list in a stem: its quoted name, its section heading, or its lead-in."""
    for back in (1, 2):
        k = first - back
        if k >= 0 and blocks[k].kind == "heading":
            heading = blocks[k].text
            marker = blocks[k].marker or ""
            core = (
                heading[len(marker) :]
                if marker and heading.startswith(marker)
                else heading
            )
            return f"《{short_title(doc.title)}》“{core}”部分", heading
    if first == 0:
        return "", ""
    prev = blocks[first - 1]
    intro = (sentences.get(prev.index) or [prev.text])[-1]
    quoted = re.search(r"“([^“”]{2,12})”\s*(?:——|：|:)?$", intro.rstrip("。"))
    if quoted:
        return f"“{quoted.group(1)}”", intro
    if re.search(r"(强调|指出|要求|提出|明确|如下|包括)", intro) or intro.endswith(("：", ":")):
        return "", intro
    return "", ""


def _inline_numbered(doc: Document, block: Block, sents: list[str]) -> Enumeration | None:
    """（一）…；（二）…； inside one paragraph (a regulation article)."""
    marks = list(_INLINE_ORDINAL.finditer(block.text))
    if len(marks) < 2 or _cn_number(marks[0].group(1)) != 1:
        return None
    items, lines = [], []
    for n, m in enumerate(marks, start=1):
        if _cn_number(m.group(1)) != n:
            break
        line = next((s for s in sents if m.group(0) in s and s.find(m.group(0)) >= 0), None)
        if line is None:
            return None
        tail = line[line.index(m.group(0)) :]
        lead = _lead(tail, m.group(0))
        if lead is None:
            return None
        items.append(lead)
        if line not in lines:
            lines.append(line)
    if len(items) < 2:
        return None
    context = block.text[: marks[0].start()].strip()
    if cjk_len(context) < 4:
        return None
    text = "\n".join(lines)
    return Enumeration(
        kind="numbered",
        items=tuple(items),
        evidence=Evidence(doc.doc_id, doc.title, text),
        starts=tuple(text.index(i) for i in items),
        context=lines[0][: lines[0].index(marks[0].group(0))].strip() or context,
        lines=tuple(lines),
    )


def heading_lists(doc: Document) -> list[Enumeration]:
    """The numbered parts of a document (一、…二、…), when there are at least three."""
    heads = [b for b in doc.blocks if b.level == 1 and b.marker and b.marker.endswith("、")]
    if len(heads) < 3:
        return []
    items, lines = [], []
    for n, b in enumerate(heads, start=1):
        marker = b.marker or ""
        if _cn_number(marker.rstrip("、")) != n:
            return []
        core = b.text[len(marker) :] if marker and b.text.startswith(marker) else b.text
        core = core if len(core) <= 40 else re.split(r"[，,]", core)[0]
        if not 4 <= cjk_len(core) <= 40:
            return []
        items.append(core)
        lines.append(b.text)
    text = "\n".join(lines)
    return [
        Enumeration(
            kind="headings",
            items=tuple(items),
            evidence=Evidence(doc.doc_id, doc.title, text),
            starts=tuple(text.index(i) for i in items),
            topic=f"《{short_title(doc.title)}》",
        )
    ]
