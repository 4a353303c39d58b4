"""The bank out of zhibu and back in: JSON for programs, Excel for exam platforms and secretaries,
Markdown for reading.

The Excel layout is the one Chinese exam platforms (考试宝典, 问卷星 and the like) import::

    题型 | 题干 | 选项A … 选项F | 答案 | 解析 | 出处 | 题目ID (hidden)
    单选题 | …（　）… | 2月24日 | 2月26日 | … | A     | 原文：“…” | 《…》… | q-1a2b3c4d5e
    多选题 |                                | ABD
    判断题 |                                | 正确
    填空题 |                                | 8个|８个

A secretary can edit stems, options, answers and explanations in the sheet and hand it back;
:func:`from_xlsx` reads the edits by their hidden id and validates every row (errors name the row), and
:func:`edits_as_fixes` turns them into ``fix:`` entries for ``content/questions.yaml``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from content.model import FALSE_TEXT, TRUE_TEXT, Question, QuestionType
from content.questions.samefact import gives_away
from content.questions.text import QUOTED_SOURCE

LETTERS = "ABCDEF"
TYPE_LABELS: dict[QuestionType, str] = {
    "single": "单选题",
    "multiple": "多选题",
    "truefalse": "判断题",
    "fill": "填空题",
}
LABEL_TYPES: dict[str, QuestionType] = {v: k for k, v in TYPE_LABELS.items()}
HEADER = ("题型", "题干", *(f"选项{c}" for c in LETTERS), "答案", "解析", "出处", "题目ID")
FILL_SEPARATOR = "|"
_ID = re.compile(r"^q-[0-9a-f]{10}$")


SHEET_ENGLISH: dict[str, str] = {  # code -> English; the bot renders the code from its catalog
    "bad_header": "header must be {header}",
    "bad_type": "题型 must be one of {types}, got {label!r}",
    "bad_id": "题目ID missing or malformed: {qid!r}",
    "empty_stem": "题干 is empty",
    "empty_answer": "答案 is empty",
    "too_few_options": "choice questions need at least two options, with no gaps from 选项A",
    "bad_letters": "答案 {answer!r} must be letters of filled options (A–{last})",
    "single_one_letter": "单选题 needs exactly one answer letter",
    "multiple_two_letters": "多选题 needs at least two answer letters",
    "no_options_allowed": "{label} takes no options",
    "truefalse_answer": "判断题 答案 must be {true} or {false}",
    "fill_needs_blank": "填空题 题干 needs a blank （　）",
}


class SheetError(ValueError):
    """A row of an imported sheet is invalid: ``code`` (a key of :data:`SHEET_ENGLISH`) and its parameters."""

    def __init__(self, row: int, code: str, **params: str) -> None:
        self.row = row
        self.code = code
        self.params = params
        self.message = SHEET_ENGLISH[code].format(**params)
        super().__init__(f"row {row}: {self.message}")


@dataclass(frozen=True)
class QuestionEdit:
    """One row read back from an edited sheet."""

    qid: str
    qtype: QuestionType
    stem: str
    options: tuple[str, ...]
    answer: tuple[str, ...]
    explanation: str


def to_json(questions: Sequence[Question]) -> str:
    return json.dumps([_record(q) for q in questions], ensure_ascii=False, indent=2)


def _record(q: Question) -> dict[str, Any]:
    return {
        "id": q.qid,
        "type": q.qtype,
        "stem": q.stem,
        "options": list(q.options),
        "answer": list(q.answer),
        "explanation": q.explanation,
        "source": source_of(q),
    }


# the explanation names the part of a document that said it: "出自中央党的建设工作领导小组会议（载《…》）"
_CREDITED = re.compile(r"^(?:正确。|错误。)?出自(?P<section>[^《》（）。]+?)（载《")


def source_of(q: Question) -> dict[str, str]:
    """Where a question's sentence comes from: the document and, when the explanation credits a part of it (the
    central meeting's report inside the file that carries the Notice), that section — so the export does not
    tell a reader the Notice says what the meeting said (examiner round 2, Q6, Q9, Q12, Q14)."""
    out = {"document": q.document}
    m = _CREDITED.match(q.explanation)
    if m and m.group("section") not in q.document:
        out["section"] = m.group("section")
    out["sentence"] = shown_sentence(q.sentence)
    return out


_NUMERAL = "[一二三四五六七八九十]{1,3}"
_ORDINAL_LINE = re.compile(rf"^(?:{_NUMERAL}是|[（(]{_NUMERAL}[）)]|{_NUMERAL}、)")


def _section_lead(q: Question) -> str:
    """"中央党的建设工作领导小组会议：" before the sentence a section of the document said, else nothing."""
    section = source_of(q).get("section")
    return f"{section}：" if section else ""


def shown_sentence(sentence: str) -> str:
    """The source sentence a reader is shown: the evidence without the heading or lead sentence glued before
    it to prove the stem's speaker ("中央党的建设工作领导小组会议精神\n要…"); a numbered list keeps its lines."""
    lines = sentence.split("\n")
    if len(lines) > 1 and all(_ORDINAL_LINE.match(line) for line in lines[1:]):
        return " ".join(lines)
    return lines[-1]


_UNNEST = str.maketrans("‘’“”", "“”‘’")


def sheet_source(q: Question, others: Sequence[Question]) -> str:
    """The sentence a sheet prints as ``q``'s 出处: the whole source sentence, unless it would print the answer of
    another question of the sheet — the 重点 and timing 单选 share one sentence, and the 抓手 blank's sentence
    states the 总要求 a 多选 asks (bank of 11, cause 6) — and then what the explanation quotes, which is already
    cut of what another question asks (``samefact``)."""
    whole = shown_sentence(q.sentence)
    quoted = QUOTED_SOURCE.search(q.explanation)
    if quoted is None:
        return whole
    printed = replace(q, stem=whole, options=(), explanation="")
    if not any(gives_away(printed, o) for o in others if o.qid != q.qid):
        return whole
    return quoted.group(1).translate(_UNNEST)  # the quotation's inner quotes back to the source's own


def answer_cell(q: Question) -> str:
    if q.qtype in ("single", "multiple"):
        return "".join(LETTERS[q.options.index(a)] for a in q.options if a in q.answer)
    if q.qtype == "fill":
        return FILL_SEPARATOR.join(q.answer)
    return q.answer[0]


def to_xlsx(questions: Sequence[Question], path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for q in questions:
        if len(q.options) > len(LETTERS) and q.qtype != "truefalse":
            raise ValueError(f"{q.qid}: more than {len(LETTERS)} options do not fit the sheet")
        options = list(q.options) if q.qtype in ("single", "multiple") else []
        options += [""] * (len(LETTERS) - len(options))
        ws.append(
            [
                TYPE_LABELS[q.qtype],
                q.stem,
                *options,
                answer_cell(q),
                q.explanation,
                f"《{q.document}》{_section_lead(q)}{sheet_source(q, questions)}",
                q.qid,
            ]
        )
    widths = {"A": 8, "B": 60, "I": 10, "J": 50, "K": 50}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["L"].hidden = True
    ws.freeze_panes = "B2"
    path = Path(path)
    wb.save(path)
    return path


def from_xlsx(path: Path) -> list[QuestionEdit]:
    """Every row of an edited sheet, validated; raises :class:`SheetError` naming the first bad row."""
    wb = load_workbook(Path(path), read_only=True, data_only=True)
    try:
        rows = list(wb.active.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(HEADER)]) != HEADER:
        raise SheetError(1, "bad_header", header=" | ".join(HEADER))
    edits = []
    for n, raw in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in (*raw, *[None] * len(HEADER))][: len(HEADER)]
        if not any(cells):
            continue
        edits.append(_edit(n, cells))
    return edits


def _edit(row: int, cells: list[str]) -> QuestionEdit:
    label, stem, *rest = cells
    options_cells, answer, explanation, _source, qid = rest[:6], rest[6], rest[7], rest[8], rest[9]
    if label not in LABEL_TYPES:
        raise SheetError(row, "bad_type", types="/".join(LABEL_TYPES), label=label)
    qtype = LABEL_TYPES[label]
    if not _ID.match(qid):
        raise SheetError(row, "bad_id", qid=qid)
    if not stem:
        raise SheetError(row, "empty_stem")
    if not answer:
        raise SheetError(row, "empty_answer")
    if qtype in ("single", "multiple"):
        last = max((i for i, o in enumerate(options_cells) if o), default=-1)
        options = tuple(options_cells[: last + 1])
        if len(options) < 2 or any(not o for o in options):
            raise SheetError(row, "too_few_options")
        letters = answer.upper().replace(",", "").replace("，", "").replace(" ", "")
        if any(c not in LETTERS[: len(options)] for c in letters) or len(set(letters)) != len(letters):
            raise SheetError(row, "bad_letters", answer=answer, last=LETTERS[len(options) - 1])
        if qtype == "single" and len(letters) != 1:
            raise SheetError(row, "single_one_letter")
        if qtype == "multiple" and len(letters) < 2:
            raise SheetError(row, "multiple_two_letters")
        return QuestionEdit(
            qid, qtype, stem, options, tuple(options[LETTERS.index(c)] for c in sorted(letters)), explanation
        )
    if any(options_cells):
        raise SheetError(row, "no_options_allowed", label=label)
    if qtype == "truefalse":
        if answer not in (TRUE_TEXT, FALSE_TEXT):
            raise SheetError(row, "truefalse_answer", true=TRUE_TEXT, false=FALSE_TEXT)
        return QuestionEdit(qid, qtype, stem, (TRUE_TEXT, FALSE_TEXT), (answer,), explanation)
    accepted = tuple(a.strip() for a in answer.split(FILL_SEPARATOR) if a.strip())
    if "（　）" not in stem:
        raise SheetError(row, "fill_needs_blank")
    return QuestionEdit(qid, qtype, stem, (), accepted, explanation)


def edits_as_fixes(edits: Sequence[QuestionEdit], bank: Sequence[Question]) -> list[dict[str, Any]]:
    """``fix:`` entries for the curated file: only rows that changed something, only what changed."""
    by_id = {q.qid: q for q in bank}
    fixes = []
    for e in edits:
        q = by_id.get(e.qid)
        if q is None:
            continue
        if e.qtype != q.qtype:
            raise ValueError(f"{e.qid}: the sheet changes the type ({q.qtype} → {e.qtype}); add a new question instead")
        changed: dict[str, Any] = {}
        for name in ("stem", "options", "answer", "explanation"):
            new, old = getattr(e, name), getattr(q, name)
            if new != old:
                changed[name] = list(new) if isinstance(new, tuple) else new
        if changed:
            fixes.append({"id": e.qid, **changed})
    return fixes


def to_markdown(questions: Sequence[Question]) -> str:
    """The bank for reading: grouped by document, answers and evidence under each question."""
    lines = ["# 题库", ""]
    current = None
    for n, q in enumerate(sorted(questions, key=lambda q: (q.document, q.qtype)), start=1):
        if q.document != current:
            current = q.document
            lines += [f"## {q.document}", ""]
        state = "" if q.enabled else "（已停用）"
        lines.append(f"**{n}. [{TYPE_LABELS[q.qtype]}]** {q.stem}{state}  ")
        if q.qtype in ("single", "multiple"):
            lines += [f"{LETTERS[i]}. {o}  " for i, o in enumerate(q.options)]
        lines.append(f"答案：{answer_cell(q) if q.qtype != 'fill' else ' / '.join(q.answer)}  ")
        lines.append(f"解析：{q.explanation}  ")
        lines.append(f"<sub>{q.qid} · 出处：{_section_lead(q)}{sheet_source(q, questions)}</sub>")
        lines.append("")
    return "\n".join(lines)
