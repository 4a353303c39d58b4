"""The returned bank sheet applied: wording and status per row, a bad row reported, the rest applied.

::

    bank.xlsx sent back ─▶ bot.bank_sheet.read_bank ─▶ BankEdit rows ─▶ apply_edits ─▶ BulkReport
                                                         (errors by sheet row; questions given a new revision)

Kept apart from ``storage.bank`` (the queue and the one-question actions) because it is the bulk path
with its own report; each row is still held to the same rules through ``storage.bank.verified_changes``,
so the chat edit and the sheet cannot differ on them.  A published question whose wording a row changes
is not changed under its answers: it gets a new revision (``storage.revisions``), listed in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import revisions
from storage.bank import SETTABLE, Wording, authorise, set_status, verified_changes
from storage.errors import InvalidState
from storage.members import audit
from storage.models import Member, Question, QuestionStatus


@dataclass(frozen=True)
class BankEdit:
    """One row of a returned bank sheet; ``None`` leaves that field as it is."""

    row: int  # sheet row, for the error report
    qkey: str
    stem: str | None = None
    options: tuple[str, ...] | None = None
    answer: tuple[str, ...] | None = None
    explanation: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class BulkReport:
    updated: int = 0  # wording changed
    published: int = 0
    rejected: int = 0
    reopened: int = 0  # set back to draft
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    revised: list[revisions.Revised] = field(default_factory=list)  # published questions given a new revision


def apply_edits(*, session: Session, actor: Member, branch_id: int, edits: Sequence[BankEdit],
                now: datetime) -> BulkReport:
    """Apply a returned bank sheet: wording and status per row; a bad row is reported, the rest applied.

    Each row is checked as a chat edit is: it belongs to the branch, the status may be set, the wording
    keeps the limits and, where it changed, passes verification (``unverified``, with the reason).
    """
    authorise(actor, branch_id)
    report = BulkReport()
    keys = [e.qkey for e in edits]
    # locked (and read fresh) as the chat paths lock theirs: a decision or edit racing the upload waits
    rows = {q.qkey: q for q in session.exec(select(Question).where(Question.branch_id == branch_id,
                                                                   col(Question.qkey).in_(keys))
                                            .with_for_update().execution_options(populate_existing=True))}
    for edit in edits:
        row = rows.get(edit.qkey)
        if row is None:
            report.errors.append(RowError(edit.row, "unknown_id", {"id": edit.qkey}))
            continue
        checked = _row_changes(row, edit)
        if isinstance(checked, RowError):
            report.errors.append(checked)
            continue
        touched = False
        before = row.revision
        if revisions.reword(session, row, checked, actor=actor.tg_user_id, now=now):
            row.edited, row.updated_at, touched = True, now, True
            report.updated += 1
            if row.revision != before:
                session.flush()  # the revision row is counted against the answers below
                report.revised.append(revisions.revised(session, row))
        if edit.status is not None and edit.status != row.status:
            set_status(row, QuestionStatus(edit.status), actor, now)
            touched = True
            report.published += edit.status == QuestionStatus.PUBLISHED
            report.rejected += edit.status == QuestionStatus.REJECTED
            report.reopened += edit.status == QuestionStatus.DRAFT
        if touched:
            session.add(row)
        else:
            report.unchanged += 1
    applied = len(edits) - report.unchanged - len(report.errors)
    if applied:
        audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="question_import",
              detail=f"{applied} rows", now=now)
    return report


def _row_changes(row: Question, edit: BankEdit) -> dict[str, Any] | RowError:
    """The verified wording changes of one sheet row, or why the row cannot be applied."""
    if edit.status is not None and edit.status != row.status:
        if row.status == QuestionStatus.RETIRED:
            return RowError(edit.row, "retired", {"id": edit.qkey})
        if edit.status not in SETTABLE:
            return RowError(edit.row, "bad_status", {"id": edit.qkey})
    try:
        return verified_changes(row, Wording(edit.stem, edit.options, edit.answer, edit.explanation))
    except InvalidState as exc:
        return RowError(edit.row, exc.code, {"id": edit.qkey, **exc.params})
