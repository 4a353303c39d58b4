"""The question bank as an Excel sheet a secretary edits and sends back — the non-Telegram half of ``/bank``.

::

    stored Question rows ──export_bank (openpyxl write-only, one pass)──▶ 题库 sheet:
        the pipeline's exchange layout (content.export.HEADER) + 状态 + two hidden columns per row:
        version (when the row last changed) and what was exported (its status, a digest of its wording)
    sheet sent back ──content.export.from_xlsx──▶ QuestionEdit (wording, by id)
                    + 状态 and the hidden columns, read here ──▶ only the cells the secretary changed
                    ──▶ BankEdit | RowError ──▶ storage.bank.apply_edits (limits and verification)

Why the status column lives here: the exchange layout belongs to the content pipeline (exam platforms
import it), while review status is the bot's business; it is appended after the pipeline's last column,
which ``from_xlsx`` does not read.  A sheet whose *format* is broken is refused whole (``BadSheet``
names the row); a row that cannot be applied is reported, the others are applied.

Why the hidden columns: a copy exported last week and sent back unedited must change nothing.  A cell
is an edit only if it differs from what was exported (not from what is stored now — a rebuild or a
decision in chat may have changed that since), and an edit of a row that changed after the export is
refused for that row (``stale``) rather than applied over the later change.  This holds for the wording
and for 状态 alike.  Sheets exported before the digest existed compare with the stored row instead.

Why write-only: a bank has thousands of rows; the streaming writer keeps one row in memory and writes
the file once, where building a full workbook and re-opening it to add columns took seconds.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bot.texts import book_title
from content.export import FILL_SEPARATOR, HEADER, LETTERS, TYPE_LABELS, SheetError, from_xlsx
from storage.bank_import import BankEdit, RowError
from storage.models import Question, QuestionStatus

STATUS_COLUMN = len(HEADER) + 1  # right after the pipeline's hidden id column
VERSION_COLUMN = STATUS_COLUMN + 1  # hidden: when each row last changed, to refuse edits made on a stale copy
EXPORTED_COLUMN = VERSION_COLUMN + 1  # hidden: "<status> <digest of the wording cells>" as exported
ID_COLUMN = HEADER.index("题目ID") + 1
WORDING_COLUMNS = slice(1, HEADER.index("出处"))  # 题干 … 解析: the cells a secretary may rephrase
SHEET_TITLE = "题库"
WIDTHS = {"题型": 8, "题干": 60, "答案": 10, "解析": 50, "出处": 50}
_WRAP = Alignment(wrap_text=True, vertical="top")
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")  # beyond openpyxl's own list: surrogates, non-characters
_TYPE_LABELS: dict[str, str] = {str(k): v for k, v in TYPE_LABELS.items()}


class BadSheet(Exception):
    """The file is not a bank sheet we can read; nothing of it is applied."""

    def __init__(self, row: int | None, reason: object) -> None:
        super().__init__(str(reason))
        self.row = row
        self.reason = reason  # a SheetError (code and parameters) or the name of what failed to open


@dataclass
class SheetRead:
    edits: list[BankEdit] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# --------------------------------------------------------------------------- writing


def cell_text(value: str) -> str:
    """A string as a sheet cell can hold it: characters XML 1.0 forbids (openpyxl refuses them) removed.

    The store cleans what users type, but a row saved before that rule, a character the cleaning lets
    through (U+FFFF), or a material with a stray control character must not make every later ``/bank``
    fail."""
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))


def source_cell(row: Question) -> str:
    """出处: the document's title in book-title marks, then the sentence on its own line.

    A title that itself contains 《》 has them turned into 〈〉 (the typesetting rule), never doubled."""
    return f"《{book_title(row.document)}》\n{row.sentence}"


def answer_cell(row: Question) -> str:
    """答案 as the exchange layout writes it: letters for choice questions, 正确/错误, or fill answers."""
    if row.qtype in ("single", "multiple"):
        return "".join(LETTERS[i] for i, option in enumerate(row.options) if option in row.answer)
    if row.qtype == "fill":
        return FILL_SEPARATOR.join(row.answer)
    return row.answer[0] if row.answer else ""


def sheet_values(row: Question) -> list[str]:
    """The row's cells in HEADER order, as written (and read back)."""
    if len(row.options) > len(LETTERS) and row.qtype != "truefalse":
        raise ValueError(f"{row.qkey}: more than {len(LETTERS)} options do not fit the sheet")
    options = list(row.options) if row.qtype in ("single", "multiple") else []
    options += [""] * (len(LETTERS) - len(options))
    values = [_TYPE_LABELS.get(row.qtype, row.qtype), row.stem, *options, answer_cell(row),
              row.explanation, source_cell(row), row.qkey]
    return [cell_text(v) for v in values]


def wording_digest(cells: Sequence[object]) -> str:
    """A short fingerprint of the wording cells (题干 … 解析) as a person sees them."""
    texts = [str(c).strip() if c is not None else "" for c in cells[WORDING_COLUMNS]]
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


class _RowWriter:
    """One styled cell per column, reused for every row.

    The write-only sheet serialises a row the moment it is appended, so the same cell objects can carry
    the next row's values; styling each of thousands of new cells was most of the export's time."""

    def __init__(self, sheet: Any, styles: Sequence[Alignment | Font | None]) -> None:
        self.sheet = sheet
        self.cells = [WriteOnlyCell(sheet) for _ in styles]
        for cell, style in zip(self.cells, styles, strict=True):
            if isinstance(style, Alignment):
                cell.alignment = style
            elif isinstance(style, Font):
                cell.font = style

    def append(self, values: Sequence[str]) -> None:
        for cell, value in zip(self.cells, values, strict=True):
            cell.value = value
            cell.data_type = "s"  # a stem that starts with "=" is text, not a formula
        self.sheet.append(self.cells)


def export_bank(rows: Sequence[Question], status_labels: Mapping[str, str], status_header: str,
                hidden_headers: tuple[str, str] = ("version", "exported")) -> bytes:
    """The sheet as bytes: the pipeline's layout, a status column with a drop-down, the hidden columns.

    The hidden columns are read by position, never by title: ``hidden_headers`` only tell a secretary who
    unhides them what they are (and not to change them), in their language."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    titles = [*HEADER, status_header, *hidden_headers]
    for n, title in enumerate(titles, start=1):
        dimension = sheet.column_dimensions[get_column_letter(n)]
        dimension.width = WIDTHS.get(title, 10 if n == STATUS_COLUMN else dimension.width)
        dimension.hidden = n in (ID_COLUMN, VERSION_COLUMN, EXPORTED_COLUMN)
    sheet.freeze_panes = "B2"
    if rows:
        choices = [status_labels[s] for s in (QuestionStatus.DRAFT, QuestionStatus.PUBLISHED, QuestionStatus.REJECTED)]
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        letter = get_column_letter(STATUS_COLUMN)
        check.add(f"{letter}2:{letter}{len(rows) + 1}")
        sheet.data_validations.append(check)
    _RowWriter(sheet, [Font(bold=True)] * len(titles)).append(titles)
    body = _RowWriter(sheet, [_WRAP] * len(HEADER) + [None] * 3)
    for row in rows:
        values = sheet_values(row)
        body.append([*values, status_labels.get(row.status, row.status), version_of(row),
                     f"{row.status} {wording_digest(values)}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading


def read_bank(data: bytes, rows: Sequence[Question], status_words: Mapping[str, str],
              status_headers: Sequence[str]) -> SheetRead:
    """Turn a returned sheet into edits of ``rows`` (the branch's stored questions): only what changed.

    ``status_words`` maps every accepted spelling of a status (both languages' labels, the raw values,
    lower-cased) to the status; ``status_headers`` are the accepted titles of that column.  Whether an
    edit is right (limits, verification) is decided where it is applied, ``storage.bank.apply_edits``.
    """
    with tempfile.TemporaryDirectory(prefix="zhibu-bank-") as tmp:
        path = Path(tmp) / "returned.xlsx"
        path.write_bytes(data)
        try:
            edits = from_xlsx(path)
        except SheetError as exc:
            raise BadSheet(exc.row, exc) from exc
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise BadSheet(None, type(exc).__name__) from exc
        cells = _bot_columns(path, status_words, status_headers)
    stored = {r.qkey: r for r in rows}
    result = SheetRead()
    for edit in edits:
        info = cells.get(edit.qid, _RowCells(0, None, None, None, None, ""))
        row = stored.get(edit.qid)
        if row is None:
            result.errors.append(RowError(info.number, "unknown_id", {"id": edit.qid}))
            continue
        if isinstance(info.status, RowError):
            result.errors.append(info.status)
            continue
        if edit.qtype != row.qtype:
            result.errors.append(RowError(info.number, "type_changed", {"id": edit.qid}))
            continue
        changed: dict[str, Any] = {}
        if info.exported_digest is None or info.digest != info.exported_digest:  # the wording cells were edited
            wording = {"stem": edit.stem, "options": edit.options, "answer": edit.answer,
                       "explanation": edit.explanation}
            current = {"stem": row.stem, "options": tuple(row.options), "answer": tuple(row.answer),
                       "explanation": row.explanation}
            changed = {k: v for k, v in wording.items() if v != current[k]}
        status = info.status if info.status is not None and info.status != info.exported_status else None
        status = status if status != row.status else None  # asked for what already is: nothing to do
        if (changed or status is not None) and info.version not in (None, version_of(row)):
            # the question changed after this copy was exported (a rebuild, a decision or an edit in chat):
            # applying the old copy's cell would silently undo that change
            result.errors.append(RowError(info.number, "stale", {"id": edit.qid}))
            continue
        result.edits.append(BankEdit(row=info.number, qkey=edit.qid, status=status, **changed))
    return result


@dataclass(frozen=True)
class _RowCells:
    """What one returned row says beyond the exchange layout: its number, 状态, and the hidden columns."""

    number: int
    status: str | RowError | None  # the status asked for (None: blank cell)
    version: str | None  # the row's version when exported
    exported_status: str | None  # the status it was exported with (None: a sheet from before this column)
    exported_digest: str | None
    digest: str  # of the wording cells as they are now


def _bot_columns(path: Path, words: Mapping[str, str], headers: Sequence[str]) -> dict[str, _RowCells]:
    """Per question id, the columns the bot added (found by the 状态 header; the hidden ones by position)."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        cells = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
    titles = [str(c or "").strip() for c in cells[0]] if cells else []
    accepted = {h.strip().lower() for h in headers}
    column = next((i for i, t in enumerate(titles) if t.lower() in accepted and i >= len(HEADER)), None)
    found: dict[str, _RowCells] = {}
    for n, raw in enumerate(cells[1:], start=2):
        qid = _text(raw, ID_COLUMN)
        if not qid:
            continue
        value = _text(raw, column + 1) if column is not None else ""
        status: str | RowError | None = None
        if value:
            status = words.get(value.lower()) or RowError(n, "status_word", {"id": qid, "value": value})
        exported_status, _, exported_digest = _text(raw, EXPORTED_COLUMN).partition(" ")
        found[qid] = _RowCells(n, status, _text(raw, VERSION_COLUMN) or None, exported_status or None,
                               exported_digest or None, wording_digest(raw))
    return found


def _text(raw: Sequence[object], column: int) -> str:
    """Cell ``column`` (1-based) of a row as stripped text; "" when empty or beyond the row's end."""
    value = raw[column - 1] if 0 < column <= len(raw) else None
    return str(value).strip() if value is not None else ""


def version_of(row: Question) -> str:
    return row.updated_at.isoformat(timespec="microseconds")
