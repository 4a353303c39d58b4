"""The secretary's side of the question bank: the review queue, decisions, edits and the returned sheet.

::

    /review ─▶ review_counts, next_draft ─▶ 发布 / 拒绝 ─▶ decide_question ─▶ next_draft(after_id=…)
               编辑 ─▶ edit_question (edited=True: rebuilds keep the wording)
    /publishall ─▶ publish_all_verified
    bank.xlsx sent back ─▶ BankEdit rows ─▶ apply_edits ─▶ BulkReport (errors by sheet row)

Rules that live here, so tests check them without Telegram: a secretary acts on their own branch's
questions only (a committee admin on every branch's); a decision is taken once; every question keeps
Telegram's quiz-poll limits (stem ≤ 300, option ≤ 100, explanation ≤ 200 characters).  Whether an
edited question is still *right* (its answer supported by its source sentence) is ``content.verify``'s
judgement, made by the caller before it calls here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, and_, col, func, or_, select

from content.verify import EXPLANATION_LIMIT, OPTION_LIMIT, STEM_LIMIT
from storage.content import assign_fields, ranked
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.inputs import valid_id
from storage.members import audit
from storage.models import Member, Question, QuestionStatus
from storage.scope import Scope

# Telegram's quiz-poll limits, the same ones content.verify holds generated questions to.
MAX_STEM = STEM_LIMIT
MAX_EXPLANATION = EXPLANATION_LIMIT
MAX_OPTION = OPTION_LIMIT
QueueView = tuple[dict[str, int], Question | None]
SETTABLE = (QuestionStatus.DRAFT, QuestionStatus.PUBLISHED, QuestionStatus.REJECTED)  # what a sheet may set


# --------------------------------------------------------------------------- the queue


def review_counts(*, session: Session, branch_id: int) -> dict[str, int]:
    """How many questions the branch has in each status (every status present, zero or not)."""
    counts = {status.value: 0 for status in QuestionStatus}
    rows = session.exec(select(Question.status, func.count(col(Question.id)))
                        .where(Question.branch_id == branch_id).group_by(col(Question.status)))
    for status, count in rows:
        counts[status] = count
    return counts


def next_draft(*, session: Session, branch_id: int, after_id: int | None = None) -> Question | None:
    """The draft to review next: best score first; ``after_id`` continues after that question, wrapping round.

    Continuing from the question just decided (or skipped) walks the queue in order, so a skipped draft
    comes back only after the rest have been seen.
    """
    base = select(Question).where(Question.branch_id == branch_id, Question.status == QuestionStatus.DRAFT)
    after = session.get(Question, after_id) if after_id is not None else None
    if after is not None and after.branch_id == branch_id:
        later = base.where(or_(col(Question.score) < after.score,
                               and_(col(Question.score) == after.score, col(Question.id) > after.id)))
        row = session.exec(later.order_by(*ranked())).first()
        if row is not None:
            return row
    return session.exec(base.order_by(*ranked())).first()


def review_queue(*, session: Session, branch_id: int, after_id: int | None = None) -> QueueView:
    """What ``/review`` shows, read in one transaction: the counts and the next draft."""
    counts = review_counts(session=session, branch_id=branch_id)
    return counts, next_draft(session=session, branch_id=branch_id, after_id=after_id)


# --------------------------------------------------------------------------- secretary actions


def _authorise(actor: Member, branch_id: int) -> None:
    scope = Scope.of(actor)  # the one visibility rule (storage/scope.py)
    if not scope.manages or not scope.sees_branch(branch_id):
        raise PermissionDenied()


def get_question(*, session: Session, actor: Member, question_id: int) -> Question:
    """A question the actor may review: their branch's (any branch for a committee admin)."""
    scope = Scope.of(actor)
    if not scope.manages:
        raise PermissionDenied()
    row = session.get(Question, question_id) if valid_id(question_id) else None
    if row is None or not scope.sees_branch(row.branch_id):
        raise NotFound("question_not_found", id=question_id)
    return row


def decide_question(*, session: Session, actor: Member, question_id: int, publish: bool, now: datetime) -> Question:
    """Publish or reject a draft; deciding twice (double tap, two secretaries) is an error."""
    row = get_question(session=session, actor=actor, question_id=question_id)
    if row.status != QuestionStatus.DRAFT:
        raise InvalidState("question_decided", id=question_id, status=row.status)
    _set_status(row, QuestionStatus.PUBLISHED if publish else QuestionStatus.REJECTED, actor, now)
    session.add(row)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id,
          action="question_publish" if publish else "question_reject", detail=row.qkey, now=now)
    return row


def _set_status(row: Question, status: QuestionStatus, actor: Member, now: datetime) -> None:
    row.status = status
    row.reviewed_by = actor.tg_user_id if status != QuestionStatus.DRAFT else None
    row.reviewed_at = now if status != QuestionStatus.DRAFT else None
    row.updated_at = now


def check_wording(*, stem: str | None = None, options: Sequence[str] | None = None,
                  explanation: str | None = None) -> None:
    """The limits every stored question keeps (Telegram's poll limits); raises ``InvalidState``."""
    if stem is not None:
        if not stem.strip():
            raise InvalidState("stem_empty")
        if len(stem) > MAX_STEM:
            raise InvalidState("stem_too_long", limit=MAX_STEM, length=len(stem))
    if explanation is not None and len(explanation) > MAX_EXPLANATION:
        raise InvalidState("explanation_too_long", limit=MAX_EXPLANATION, length=len(explanation))
    for option in options or ():
        if not option.strip() or len(option) > MAX_OPTION:
            raise InvalidState("option_invalid", limit=MAX_OPTION)


def edit_question(*, session: Session, actor: Member, question_id: int, stem: str | None = None,
                  explanation: str | None = None, now: datetime) -> Question:
    """Change a question's wording; the edit is kept through every later rebuild."""
    row = get_question(session=session, actor=actor, question_id=question_id)
    stem = stem.strip() if stem is not None else None
    check_wording(stem=stem, explanation=explanation)
    values = {k: v for k, v in (("stem", stem), ("explanation", explanation)) if v is not None}
    if assign_fields(row, values):
        row.edited = True
        row.updated_at = now
        session.add(row)
        audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id, action="question_edit",
              detail=row.qkey, now=now)
    return row


def publish_all_verified(*, session: Session, actor: Member, branch_id: int, now: datetime) -> int:
    """Publish every draft of the branch (every stored draft passed verification); returns how many."""
    _authorise(actor, branch_id)
    drafts = session.exec(select(Question).where(Question.branch_id == branch_id,
                                                 Question.status == QuestionStatus.DRAFT)).all()
    for row in drafts:
        _set_status(row, QuestionStatus.PUBLISHED, actor, now)
        session.add(row)
    if drafts:
        audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="question_publish_all",
              detail=str(len(drafts)), now=now)
    return len(drafts)


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


def apply_edits(*, session: Session, actor: Member, branch_id: int, edits: Sequence[BankEdit],
                now: datetime) -> BulkReport:
    """Apply a returned bank sheet: wording and status per row; a bad row is reported, the rest applied.

    The caller verifies edited questions against their evidence first (``content.verify``); this checks
    what the store itself guarantees: the row belongs to the branch, the limits, and the allowed status.
    """
    _authorise(actor, branch_id)
    report = BulkReport()
    keys = [e.qkey for e in edits]
    rows = {q.qkey: q for q in session.exec(select(Question).where(Question.branch_id == branch_id,
                                                                   col(Question.qkey).in_(keys)))}
    for edit in edits:
        row = rows.get(edit.qkey)
        if row is None:
            report.errors.append(RowError(edit.row, "unknown_id", {"id": edit.qkey}))
            continue
        error = _row_problem(row, edit)
        if error is not None:
            report.errors.append(error)
            continue
        wording = {"stem": edit.stem.strip() if edit.stem is not None else None,
                   "options": list(edit.options) if edit.options is not None else None,
                   "answer": list(edit.answer) if edit.answer is not None else None,
                   "explanation": edit.explanation}
        touched = False
        if assign_fields(row, {k: v for k, v in wording.items() if v is not None}):
            row.edited, row.updated_at, touched = True, now, True
            report.updated += 1
        if edit.status is not None and edit.status != row.status:
            _set_status(row, QuestionStatus(edit.status), actor, now)
            touched = True
            report.published += edit.status == QuestionStatus.PUBLISHED
            report.rejected += edit.status == QuestionStatus.REJECTED
            report.reopened += edit.status == QuestionStatus.DRAFT
        if touched:
            session.add(row)
        else:
            report.unchanged += 1
    changed = len(edits) - report.unchanged - len(report.errors)
    if changed:
        audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="question_import",
              detail=f"{changed} rows", now=now)
    return report


def _row_problem(row: Question, edit: BankEdit) -> RowError | None:
    if edit.status is not None and edit.status != row.status:
        if row.status == QuestionStatus.RETIRED:
            return RowError(edit.row, "retired", {"id": edit.qkey})
        if edit.status not in SETTABLE:
            return RowError(edit.row, "bad_status", {"id": edit.qkey})
    try:
        check_wording(stem=edit.stem.strip() if edit.stem is not None else None, options=edit.options,
                      explanation=edit.explanation)
    except InvalidState as exc:
        return RowError(edit.row, exc.code, {"id": edit.qkey, **exc.params})
    return None
