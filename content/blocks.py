"""Classify each line of a document body as a heading or a paragraph, and tidy the block sequence.

Headings: "一、" (level 1), "（一）" (2), "第X章" (1), "第X节" (2), Markdown "#"s (written by the .docx
reader for Word heading styles too), and unmarked subheads — a short line (≤ 40 characters) without any
sentence punctuation, such as "提高站位 压实责任", "贵阳高新区" or "领航定向——…".  A marked line is a heading
only if it holds no full sentence; otherwise it is a paragraph that keeps its marker, because the question
generator finds enumerations through markers: "一是重始轻终。我们强调…" → paragraph, level 3, marker "一是";
"第三条 …。" → paragraph, level 2, marker "第三条"; "1. …" → level 3, marker "1.".

Two tidy-ups run after broken paragraphs are repaired:

* ``regroup_sections`` — when a document's sections are named by short headings ("贵阳高新区", "无锡高新区"),
  a paragraph that names exactly one other section and not its own is moved to the end of that section.
  003 was copied from a page whose five reports got interleaved; this puts each back.
* ``drop_repeats`` — an exact repeat of an earlier paragraph of the same document goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.clean import has_cjk
from content.dedup import text_key
from content.model import BlockKind

_MD = re.compile(r"^(#{1,6})\s*(.+)$")
_NUM = "一二三四五六七八九十百零〇两"
_CHAPTER = re.compile(rf"^(第[{_NUM}\d]+[章编])\s*")
_SECTION = re.compile(rf"^(第[{_NUM}\d]+节)\s*")
_ARTICLE = re.compile(rf"^(第[{_NUM}\d]+条)\s*")
_CN_ORDINAL = re.compile(rf"^([{_NUM}]+、)\s*")
_CN_PAREN = re.compile(rf"^([（(][{_NUM}]+[）)])\s*")
_SHI = re.compile(rf"^([{_NUM}]+是)(?=[\u4e00-\u9fff“])")
_DIGIT_PAREN = re.compile(r"^([（(]\d{1,2}[）)])\s*")
_DIGIT_ITEM = re.compile(r"^(\d{1,2}[.．、])(?!\d)\s*")
_INNER_STOP = re.compile(r"[。！？；]")
_ANY_STOP = re.compile(r"[，。；！？：,;:!?]")
SUBHEAD_MAX = 40
MARKED_HEADING_MAX = 60
SECTION_NAME_MAX = 12


@dataclass
class Item:
    """A block under construction (mutable while broken paragraphs are repaired)."""

    kind: BlockKind
    text: str
    level: int = 0
    marker: str | None = None


def classify_line(line: str) -> Item:
    """Heading or paragraph, with level and marker as written ("一、", "（二）", "三是", "第五条", "1.")."""
    if md := _MD.match(line):
        text = md.group(2).strip()
        marked = _classify_marked(text)
        level = marked.level if marked is not None else min(max(len(md.group(1)) - 1, 1), 3)
        return Item("heading", text, level=level, marker=marked.marker if marked is not None else None)
    marked = _classify_marked(line)
    if marked is not None:
        return marked
    if _is_subhead(line):
        return Item("heading", line, level=1)
    return Item("paragraph", line)


def _classify_marked(line: str) -> Item | None:
    if m := _CHAPTER.match(line):
        return Item("heading", line, level=1, marker=m.group(1))
    if m := _SECTION.match(line):
        return Item("heading", line, level=2, marker=m.group(1))
    if m := _ARTICLE.match(line):
        rest = line[m.end() :]
        kind: BlockKind = "heading" if _is_subhead(rest) and len(rest) <= 20 else "paragraph"
        return Item(kind, line, level=2, marker=m.group(1))
    for pattern, level in ((_CN_ORDINAL, 1), (_CN_PAREN, 2)):
        if m := pattern.match(line):
            kind = "heading" if _is_marked_heading(line[m.end() :]) else "paragraph"
            return Item(kind, line, level=level, marker=m.group(1))
    if m := _SHI.match(line):
        return Item("paragraph", line, level=3, marker=m.group(1))
    for pattern in (_DIGIT_ITEM, _DIGIT_PAREN):
        if m := pattern.match(line):
            rest = line[m.end() :]
            kind = "heading" if _is_subhead(rest) and len(rest) <= 20 else "paragraph"
            return Item(kind, line, level=3, marker=m.group(1).strip())
    return None


def _is_subhead(text: str) -> bool:
    return (
        0 < len(text) <= SUBHEAD_MAX
        and has_cjk(text)
        and _ANY_STOP.search(text) is None
        and text[-1] not in "、…—"
        and text.count("“") == text.count("”")
    )


def _is_marked_heading(rest: str) -> bool:
    body = rest[:-1] if rest.endswith("。") else rest
    return 0 < len(rest) <= MARKED_HEADING_MAX and _INNER_STOP.search(body) is None


def regroup_sections(items: list[Item]) -> list[Item]:
    """Move a paragraph that names another short-titled section (and not its own) under that section."""
    names = [i.text for i in items if i.kind == "heading" and 2 < len(i.text) <= SECTION_NAME_MAX]
    if len(set(names)) < 2:
        return items
    sections: list[tuple[Item | None, list[Item]]] = [(None, [])]
    for item in items:
        if item.kind == "heading":
            sections.append((item, []))
        else:
            sections[-1][1].append(item)
    by_name = {head.text: paras for head, paras in sections if head is not None and head.text in names}
    for head, paras in sections:
        if head is None or head.text not in by_name:
            continue
        for para in list(paras):
            named = [n for n in by_name if n in para.text]
            if head.text not in para.text and len(named) == 1:
                paras.remove(para)
                by_name[named[0]].append(para)
    return [item for head, paras in sections for item in ([head] if head else []) + paras]


def drop_repeats(items: list[Item]) -> list[Item]:
    seen: set[str] = set()
    out: list[Item] = []
    for item in items:
        key = f"{item.kind}:{text_key(item.text)}"
        if key in seen and item.kind == "paragraph":
            continue
        seen.add(key)
        out.append(item)
    return out
