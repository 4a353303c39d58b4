"""The question bank as an Excel sheet a secretary edits and sends back — the non-Telegram half of ``/bank``.

::

    stored Question rows ──record──▶ content.model.Question ──content.export.to_xlsx──▶ 题库 sheet
                                                              + a 状态 column (added here, after the hidden id)
    sheet sent back ──content.export.from_xlsx──▶ QuestionEdit (wording, by id)
                    + the 状态 column, read here ──▶ compare with the stored row
                    ──content.verify.check_question (only rows whose wording changed)──▶ BankEdit | RowError

Why the status column lives here: the exchange layout belongs to the content pipeline (exam platforms
import it), while review status is the bot's business; it is appended after the pipeline's last column,
which ``from_xlsx`` does not read.  A sheet whose *format* is broken is refused whole (``BadSheet``
names the row); a row whose edit fails verification is skipped and reported, the others are applied.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from content.export import HEADER, SheetError, from_xlsx, to_xlsx
from content.model import Question as Record
from content.reasons import Reason
from content.verify import check_question
from storage.bank import BankEdit, RowError
from storage.models import Question, QuestionStatus

STATUS_COLUMN = len(HEADER) + 1  # right after the pipeline's hidden id column
VERSION_COLUMN = STATUS_COLUMN + 1  # hidden: when each row last changed, to refuse edits made on a stale copy
ID_COLUMN = HEADER.index("题目ID") + 1


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


def record(row: Question) -> Record:
    """A stored question as the pipeline's record (what the exporter and the verifier take)."""
    return Record(qid=row.qkey, qtype=row.qtype,  # type: ignore[arg-type]
                  stem=row.stem, options=tuple(row.options), answer=tuple(row.answer), explanation=row.explanation,
                  doc_id=row.doc_key, document=row.document, sentence=row.sentence, score=row.score,
                  origin=row.origin,  # type: ignore[arg-type]
                  enabled=row.status != QuestionStatus.RETIRED)


def problems_with(row: Question, *, stem: str | None = None, options: Sequence[str] | None = None,
                  answer: Sequence[str] | None = None, explanation: str | None = None) -> list[Reason]:
    """Why ``row`` with this new wording would not pass verification (empty: it passes).

    A secretary may rephrase a choice question's stem, so a changed stem is not held to the source's exact
    words (``edited_stem``); everything that proves the answer still is."""
    base = record(row)
    edited = Record(
        qid=base.qid, qtype=base.qtype, stem=stem if stem is not None else base.stem,
        options=tuple(options) if options is not None else base.options,
        answer=tuple(answer) if answer is not None else base.answer,
        explanation=explanation if explanation is not None else base.explanation,
        doc_id=base.doc_id, document=base.document, sentence=base.sentence, score=base.score, origin=base.origin,
    )
    return check_question(edited, edited_stem=stem is not None and stem != base.stem)


def export_bank(rows: Sequence[Question], status_labels: Mapping[str, str], status_header: str) -> bytes:
    """The sheet as bytes: the pipeline's layout plus a status column with a drop-down of the labels."""
    with tempfile.TemporaryDirectory(prefix="zhibu-bank-") as tmp:
        path = to_xlsx([record(r) for r in rows], Path(tmp) / "bank.xlsx")
        workbook = load_workbook(path)
        sheet = workbook.active
        header = sheet.cell(row=1, column=STATUS_COLUMN, value=status_header)
        header.font = Font(bold=True)
        sheet.cell(row=1, column=VERSION_COLUMN, value="version")
        for n, row in enumerate(rows, start=2):
            sheet.cell(row=n, column=STATUS_COLUMN, value=status_labels.get(row.status, row.status))
            sheet.cell(row=n, column=VERSION_COLUMN, value=version_of(row))
        sheet.column_dimensions[sheet.cell(row=1, column=VERSION_COLUMN).column_letter].hidden = True
        choices = [status_labels[s] for s in (QuestionStatus.DRAFT, QuestionStatus.PUBLISHED, QuestionStatus.REJECTED)]
        letter = header.column_letter
        if rows:
            check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            sheet.add_data_validation(check)
            check.add(f"{letter}2:{letter}{len(rows) + 1}")
        sheet.column_dimensions[letter].width = 10
        workbook.save(path)
        workbook.close()
        return path.read_bytes()


def read_bank(data: bytes, rows: Sequence[Question], status_words: Mapping[str, str],
              status_headers: Sequence[str]) -> SheetRead:
    """Turn a returned sheet into verified edits of ``rows`` (the branch's stored questions).

    ``status_words`` maps every accepted spelling of a status (both languages' labels, the raw values,
    lower-cased) to the status; ``status_headers`` are the accepted titles of that column.
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
        statuses, numbers, versions = _status_column(path, status_words, status_headers)
    stored = {r.qkey: r for r in rows}
    result = SheetRead()
    for edit in edits:
        number, status = numbers.get(edit.qid, 0), statuses.get(edit.qid)
        row = stored.get(edit.qid)
        if row is None:
            result.errors.append(RowError(number, "unknown_id", {"id": edit.qid}))
            continue
        if isinstance(status, RowError):
            result.errors.append(status)
            continue
        if edit.qtype != row.qtype:
            result.errors.append(RowError(number, "type_changed", {"id": edit.qid}))
            continue
        wording: dict[str, Any] = {"stem": edit.stem, "options": edit.options, "answer": edit.answer,
                                   "explanation": edit.explanation}
        current: dict[str, Any] = {"stem": row.stem, "options": tuple(row.options), "answer": tuple(row.answer),
                   "explanation": row.explanation}
        changed = {k: v for k, v in wording.items() if v != current[k]}
        if changed and versions.get(edit.qid) not in (None, version_of(row)):
            # the question changed after this copy was exported (a rebuild, an edit in chat): applying the
            # old wording would silently undo that change
            result.errors.append(RowError(number, "stale", {"id": edit.qid}))
            continue
        if changed:
            reasons = problems_with(row, **changed)
            if reasons:
                result.errors.append(RowError(number, "unverified", {"id": edit.qid, "reason": reasons[0]}))
                continue
        result.edits.append(BankEdit(row=number, qkey=edit.qid, status=status, **changed))
    return result


def _status_column(path: Path, words: Mapping[str, str],
                   headers: Sequence[str]) -> tuple[dict[str, str | RowError | None], dict[str, int], dict[str, str]]:
    """Per question id: the status its row asks for (None: blank), the row's number, its exported version."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        cells = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
    titles = [str(c or "").strip() for c in cells[0]] if cells else []
    accepted = {h.strip().lower() for h in headers}
    column = next((i for i, t in enumerate(titles) if t.lower() in accepted and i >= len(HEADER)), None)
    statuses: dict[str, str | RowError | None] = {}
    numbers: dict[str, int] = {}
    versions: dict[str, str] = {}
    for n, raw in enumerate(cells[1:], start=2):
        qid = str(raw[ID_COLUMN - 1] or "").strip() if len(raw) >= ID_COLUMN else ""
        if not qid:
            continue
        numbers[qid] = n
        if len(raw) >= VERSION_COLUMN and raw[VERSION_COLUMN - 1]:
            versions[qid] = str(raw[VERSION_COLUMN - 1]).strip()
        value = str(raw[column] or "").strip() if column is not None and column < len(raw) else ""
        if not value:
            statuses[qid] = None
        elif value.lower() in words:
            statuses[qid] = words[value.lower()]
        else:
            statuses[qid] = RowError(n, "status_word", {"id": qid, "value": value})
    return statuses, numbers, versions


def version_of(row: Question) -> str:
    return row.updated_at.isoformat(timespec="microseconds")
