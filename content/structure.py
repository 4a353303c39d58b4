"""From clean lines to documents: where each article starts, what it is called, and its blocks.

A material file may hold several articles.  000 is the shape to expect from a branch::

    直属…党支部党员大会议程            ← agenda title        ┐ agenda: title + "标签：值" fields
    时间：2026年3月25日 / 地点：… / …   ← fields (date read)   │ and the numbered list of materials
    相关学习材料： 1. 实干为民开新局…  ← listed titles       ┘ (kept as a Document without blocks)
    学习材料：
    实干为民开新局——党中央…          ← a listed title: a new document starts here
    …body…
    来源：上海基层党建微信公众号 2026年2月28日   ← 来源 AFTER the body closes the document
    “五重五轻”，习近平曾这样…“画像”  ← so the next line is the next title
    …

while 001/002 put 来源 right BELOW the title (before the body).  So a 来源 line directly after a title
belongs to that title; anywhere else it ends the current document.  A line that repeats a title listed by
the agenda also starts a new document.

The agenda is kept as a Document without blocks: its title and meeting date are recorded, but its
fields are not study text (the meeting itself lives in the configuration).  Why no agenda fields as
paragraphs: snippets and questions are built from paragraphs, and "会议主持：王明洲" is neither.

Inside a document: a title repeated within the first lines (004) makes everything above the repeat an
editor's preface, which leaves the text but is kept in ``Document.notes`` with the promo lines removed from
the document's span ("以供各位笔杆子借鉴使用" tells ``content.authority`` the text is a template).  A date line
above or under the title ("2026-04-01", "发布时间：…") is the publication date, and so is a rule's adoption
line ("（2026年3月10日支部委员会审议通过）").  Every other line becomes a block (``content.blocks``: headings
and enumeration markers); broken paragraphs are repaired (``content.fragments``); paragraphs are put back
under the section they name and exact repeats dropped
(``content.blocks``).  Each repair that removed text is returned as a ``Problem`` for the secretary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from content.blocks import Item, classify_line, drop_repeats, regroup_sections
from content.clean import cjk_count, clean_lines, has_cjk, is_noise_line, split_promo
from content.fragments import Repair, rejoin
from content.model import Block, Document, Problem
from content.sentences import ends_sentence

AGENDA_LABELS = frozenset(
    {
        "时间",
        "会议时间",
        "地点",
        "会议地点",
        "主持",
        "主持人",
        "会议主持",
        "参会人员",
        "参加人员",
        "出席人员",
        "列席人员",
        "应到",
        "实到",
        "记录",
        "记录人",
        "会议主题",
        "主题",
        "议题",
        "会议议题",
        "议程",
        "会议议程",
        "会议内容",
        "学习内容",
        "相关学习材料",
        "学习材料",
    }
)
MATERIAL_LABELS = frozenset({"相关学习材料", "学习材料", "学习内容", "会议内容", "议程", "会议议程"})
DATE_LABELS = frozenset({"时间", "会议时间"})
MIN_STUDY_CJK = 10  # a file whose paragraphs hold fewer Chinese characters than this has no study text

_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff]{1,6})：(?P<value>.*)$")
_SOURCE = re.compile(r"^(?:文章来源|信息来源|来源于|来源|出处|转自|转载自)：\s*(?P<value>.+)$")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?")
_DATE_LINE = re.compile(r"^(?:(?:发布|发表|更新)?(?:时间|日期)：)?\s*" + _DATE.pattern + r"\s*$")
# a rule's adoption line under its title: "（2026年3月10日支部委员会审议通过）" — the document's date, not text
_ADOPTED = re.compile(
    r"^[（(]\s*" + _DATE.pattern + r"[^（）()]{0,40}?(?:通过|印发|施行|发布|修订|制定|批准)[^（）()]{0,10}[）)]$"
)
_MD = re.compile(r"^(#{1,6})\s*(.+)$")
_DIGIT_ITEM = re.compile(r"^(\d{1,2}[.．、])(?!\d)\s*")
_WORD_COUNT = re.compile(r"[（(]\s*(?:全文|共)?\s*约?\s*[\d,，]+\s*字\s*[）)]")
_CIRCLED = re.compile(r"\s*[\u2460-\u2473\u3251-\u325f]+\s*$")
_REPAIR_MESSAGES = {
    "dropped-unfinished": "dropped an unfinished sentence that no later paragraph continues: «{}»",
    "dropped-stray": "dropped a stray sentence fragment whose beginning is missing: «{}»",
}
_KEY_DROP = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")


@dataclass
class _Segment:
    title: str | None = None
    body: list[str] = field(default_factory=list)
    source: str | None = None
    published: date | None = None
    agenda: bool = False
    closed: bool = False
    notes: list[str] = field(default_factory=list)  # promo and footer text removed from the segment's span


def title_key(text: str) -> str:
    """Comparison form of a title: only Chinese characters, letters and digits."""
    return _KEY_DROP.sub("", clean_title(text))


def clean_title(text: str) -> str:
    md = _MD.match(text)
    text = md.group(2) if md else text
    text = _WORD_COUNT.sub("", text)
    text = _CIRCLED.sub("", text).strip()
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    return text.strip()


def parse_date(text: str) -> date | None:
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def parse_source(line: str) -> tuple[str, date | None] | None:
    """ "来源：上海基层党建微信公众号2026年2月28日" → ("上海基层党建微信公众号", 2026-02-28)."""
    match = _SOURCE.match(line)
    if match is None:
        return None
    value = match["value"].strip()
    found = None
    for found in _DATE.finditer(value):  # noqa: B007 - the last date is the publication date
        pass
    if found is not None and found.end() >= len(value.rstrip()) - 1:
        return value[: found.start()].strip(" ，,"), parse_date(found.group(0))
    return value, None


def agenda_label(line: str) -> str | None:
    match = _LABEL.match(line)
    if match and match["label"] in AGENDA_LABELS and "。" not in match["value"]:
        return match["label"]
    return None


def is_title_like(line: str) -> bool:
    text = clean_title(line)
    return (
        has_cjk(text)
        and len(text) <= 80
        and not ends_sentence(text)
        and text[-1] not in "，、：；"
        and agenda_label(text) is None
        and _SOURCE.match(text) is None
    )


def parse_material(file_name: str, lines: list[str]) -> tuple[list[Document], list[Problem]]:
    """Clean one file's raw lines (``content.clean``) and structure them into documents."""
    return build_documents(file_name, clean_lines(lines))


def build_documents(file_name: str, lines: list[str]) -> tuple[list[Document], list[Problem]]:
    """Structure one file's normalised lines into documents (see the module docstring)."""
    stem = PurePath(file_name).stem
    kept: list[str] = []
    notes: list[list[str]] = []  # notes[i]: editorial text removed just before or from kept[i]
    pending: list[str] = []
    for line in lines:
        if _SOURCE.match(line) is not None or agenda_label(line) is not None or _DATE_LINE.match(line):
            kept.append(line)  # may mention 微信公众号 or a person, or hold no Chinese: metadata, not noise
            notes.append(pending)
            pending = []
        elif is_noise_line(line):
            pending.append(line)
        elif text := (promo := split_promo(line))[0]:
            kept.append(text)
            notes.append(pending + promo[1])
            pending = []
        else:
            pending.append(line)
    if pending and notes:
        notes[-1].extend(pending)
    documents: list[Document] = []
    problems: list[Problem] = []
    for segment in _segments(kept, notes):
        doc_id = f"{stem}#{len(documents)}"
        document, repairs = _document(doc_id, file_name, stem, segment)
        problems.extend(
            Problem(file_name, _REPAIR_MESSAGES[r.kind].format(r.text[:60]), doc_id)
            for r in repairs
            if r.kind in _REPAIR_MESSAGES
        )
        if document.blocks or segment.agenda:
            documents.append(document)
    if sum(cjk_count(b.text) for d in documents for b in d.paragraphs) < MIN_STUDY_CJK:
        problems.append(Problem(file_name, "no paragraphs of Chinese study text were recognised"))
        return [], problems
    return documents, problems


def _segments(lines: list[str], notes: list[list[str]]) -> list[_Segment]:
    segments: list[_Segment] = []
    listed: dict[str, str] = {}
    start = 0
    agenda = _agenda(lines)
    if agenda is not None:
        segment, start, listed = agenda
        segment.notes.extend(note for found in notes[:start] for note in found)
        segments.append(segment)
    current: _Segment | None = None
    for line, found in zip(lines[start:], notes[start:], strict=True):
        current = _place(line, current, segments, listed)
        current.notes.extend(found)
    return segments


def _place(line: str, current: _Segment | None, segments: list[_Segment], listed: dict[str, str]) -> _Segment:
    """Put one line where it belongs: the current segment, or a new one it starts; returns that segment."""
    key = title_key(line)
    if key in listed and (current is None or current.body or current.closed):
        current = _Segment(title=listed[key])
        segments.append(current)
        return current
    source = parse_source(line)
    if source is not None:
        if current is None or current.closed:
            current = _Segment()
            segments.append(current)
        if current.title is not None and not current.body and current.source is None:
            current.source, current.published = source  # 来源 under the title: the body follows
        else:
            if current.source is None:
                current.source, current.published = source
            current.closed = True  # 来源 after the body: the next line starts a new document
        return current
    if current is None or current.closed:
        current = _Segment()
        segments.append(current)
    if not current.body and _DATE_LINE.match(line):  # "2026-04-01" above or under the title: its date
        current.published = current.published or parse_date(line)
        return current
    if current.title is None and not current.body and is_title_like(line):
        current.title = line
        return current
    current.body.append(line)
    return current


def _agenda(lines: list[str]) -> tuple[_Segment, int, dict[str, str]] | None:
    if not lines:
        return None
    first = 1 if is_title_like(lines[0]) else 0
    if sum(agenda_label(line) is not None for line in lines[first : first + 10]) < 2:
        return None
    segment = _Segment(title=lines[0] if first else None, agenda=True)
    listed: dict[str, str] = {}
    in_list = False
    index = first
    while index < len(lines):
        line = lines[index]
        label = agenda_label(line)
        if label is not None:
            value = line.split("：", 1)[1].strip()
            if label in DATE_LABELS and segment.published is None:
                segment.published = parse_date(value)
            in_list = label in MATERIAL_LABELS
            if in_list and value:
                listed[title_key(value)] = clean_title(value)
        elif in_list and (item := _DIGIT_ITEM.match(line)):
            title = clean_title(line[item.end() :])
            listed[title_key(title)] = title
        else:
            break
        segment.body.append(line)
        index += 1
    return segment, index, listed


def _document(doc_id: str, file_name: str, stem: str, segment: _Segment) -> tuple[Document, list[Repair]]:
    title = clean_title(segment.title) if segment.title else stem
    body = segment.body
    published = segment.published
    notes = list(segment.notes)
    if segment.agenda:
        return Document(doc_id, file_name, title, (), segment.source, published, tuple(notes)), []
    # A title repeated a few lines down (004) means the lines before the repeat are an editor's preface.
    key = title_key(title)
    for k, line in enumerate(body[:5]):
        if title_key(line) == key:
            notes = body[:k] + notes
            body = body[k + 1 :]
            break
    if body and (date_line := _DATE_LINE.match(body[0]) or _ADOPTED.match(body[0])):
        published = published or parse_date(date_line.group(0))
        body = body[1:]
    body = [line for line in body if has_cjk(line)]  # a bare date further down is no study text
    items = [classify_line(line) for line in body]
    items, repairs = _repair(items)
    items = regroup_sections(items)
    items = drop_repeats(items)
    blocks = tuple(
        Block(kind=i.kind, text=i.text, index=n, level=i.level, marker=i.marker) for n, i in enumerate(items)
    )
    return Document(doc_id, file_name, title, blocks, segment.source, published, tuple(notes)), repairs


def _repair(items: list[Item]) -> tuple[list[Item], list[Repair]]:
    positions = [n for n, item in enumerate(items) if item.kind == "paragraph"]
    texts, repairs = rejoin([items[n].text for n in positions])
    dropped = {n for n, text in zip(positions, texts, strict=True) if text is None}
    for n, text in zip(positions, texts, strict=True):
        if text is not None:
            items[n].text = text
    return [item for n, item in enumerate(items) if n not in dropped], repairs
