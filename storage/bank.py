"""The secretary's side of the question bank: the review queue, decisions, edits and the returned sheet.

::

    /review ─▶ review_queue ─▶ 发布 / 拒绝 ─▶ decide_question ─▶ review_queue(after_id=…)
               (the newest material's drafts first, best score first within it; its place and wrap shown)
               撤销拒绝 ─▶ reopen_question
               编辑 ─▶ edit_question (edited=True: rebuilds keep the wording; a published question gets a
                                      new revision, storage.revisions)
    /publishall ─▶ publish_all_verified
    bank.xlsx sent back ─▶ BankEdit rows ─▶ apply_edits ─▶ BulkReport   (storage.bank_import)

Rules that live here, so tests check them without Telegram: a secretary acts on their own branch's
questions only (a committee admin on every branch's); a decision is taken once; every question keeps
Telegram's quiz-poll limits (stem ≤ 300, option ≤ 100, explanation ≤ 200 characters); and an edit is
still *right* — its answer supported by its source sentence, as ``content.verify`` judges — or it is not
saved.  That last rule is checked here, in the functions that apply edits, so the chat edit and the
returned sheet cannot differ on it and no future caller can forget it.  Edited text is cleaned
(``storage.inputs.clean_text``) before it is checked and stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, and_, col, func, select

from content.model import Question as Record
from content.reasons import Reason
from content.verify import EXPLANATION_LIMIT, OPTION_LIMIT, STEM_LIMIT, check_question, edited_stem_problems
from storage import revisions
from storage.errors import InvalidState, NotFound, PermissionDenied
from storage.inputs import clean_text, valid_id
from storage.members import audit
from storage.models import Material, Member, Question, QuestionStatus
from storage.scope import Scope

# Telegram's quiz-poll limits, the same ones content.verify holds generated questions to.
MAX_STEM = STEM_LIMIT
MAX_EXPLANATION = EXPLANATION_LIMIT
MAX_OPTION = OPTION_LIMIT
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


QueueRow = tuple[int | None, float, datetime | None]  # question id, score, when its material was added


def _queue_rows(session: Session, branch_id: int, *where: Any) -> list[QueueRow]:
    """The branch's questions (those matching ``where``) as queue rows, in no particular order."""
    material = and_(Material.branch_id == Question.branch_id, Material.doc_key == Question.doc_key)
    query = (select(Question.id, Question.score, Material.added_at)
             .join(Material, material, isouter=True).where(Question.branch_id == branch_id, *where))
    return [(question_id, score, added) for question_id, score, added in session.exec(query)]


def _queue_key(row: QueueRow) -> tuple[float, float, int]:
    question_id, score, added = row
    return -(added.timestamp() if added is not None else 0.0), -score, question_id or 0


@dataclass(frozen=True)
class QueueView:
    """What ``/review`` shows: the counts, the draft, its place in the queue, and whether the walk wrapped.

    The queue's ids do not run in sequence (best first), so the place (``3/25``) is what tells a secretary
    where they are; ``wrapped`` says the last draft was passed and the walk is back at the first.
    """

    counts: dict[str, int]
    question: Question | None
    position: int = 0  # from 1; 0 when the queue is empty
    wrapped: bool = False


def _walk(session: Session, branch_id: int, after_id: int | None) -> QueueView:
    """The draft to review next; ``after_id`` continues after that question, wrapping round.

    The queue's order: the most recently added material's drafts first, best score first within a
    material, the id breaking ties.  A secretary who has just sent a material reviews its questions
    next, rather than the bank's old best question.  Continuing from the question just decided (or
    skipped) walks the queue in order, so a skipped draft comes back only after the rest have been seen.
    """
    drafts = sorted(_queue_rows(session, branch_id, Question.status == QuestionStatus.DRAFT), key=_queue_key)
    if not drafts:
        return QueueView({}, None)
    index, wrapped = 0, False
    if after_id is not None:
        after = next(iter(_queue_rows(session, branch_id, Question.id == after_id)), None)
        if after is not None:
            index = next((i for i, row in enumerate(drafts) if _queue_key(row) > _queue_key(after)), -1)
            index, wrapped = (0, True) if index < 0 else (index, False)
    return QueueView({}, session.get(Question, drafts[index][0]), index + 1, wrapped)


def review_queue(*, session: Session, branch_id: int, after_id: int | None = None) -> QueueView:
    """What ``/review`` shows, read in one transaction: the counts and the next draft, with its place."""
    walk = _walk(session, branch_id, after_id)
    return replace(walk, counts=review_counts(session=session, branch_id=branch_id))


# --------------------------------------------------------------------------- secretary actions


def authorise(actor: Member, branch_id: int) -> None:
    scope = Scope.of(actor)  # the one visibility rule (storage/scope.py)
    if not scope.manages or not scope.sees_branch(branch_id):
        raise PermissionDenied()


def get_question(*, session: Session, actor: Member, question_id: int, lock: bool = False) -> Question:
    """A question the actor may review: their branch's (any branch for a committee admin).

    ``lock``: read it ``FOR UPDATE`` (fresh) on a path that writes it: on PostgreSQL two secretaries'
    decisions and edits then take turns, and the second checks status and token against the first's
    result (an edit that read DRAFT must not reword in place a question published meanwhile)."""
    scope = Scope.of(actor)
    if not scope.manages:
        raise PermissionDenied()
    row = (session.get(Question, question_id, with_for_update=True if lock else None, populate_existing=lock)
           if valid_id(question_id) else None)
    if row is None or not scope.sees_branch(row.branch_id):
        raise NotFound("question_not_found", id=question_id)
    return row


def current_question(*, session: Session, actor: Member, question_id: int, expected: str | None,
                     lock: bool = False) -> Question:
    """``get_question``, refused (``question_stale``) when ``expected`` — the version token of the card the
    secretary acted on (``storage.revisions.version_token``) — is not the question's token any more: it was
    edited or rebuilt since the card was shown, and acting on it would act on what they did not see."""
    return _unchanged(get_question(session=session, actor=actor, question_id=question_id, lock=lock), expected)


def _unchanged(row: Question, expected: str | None) -> Question:
    if expected is not None and expected != revisions.version_token(row):
        raise InvalidState("question_stale", id=row.id, status=row.status)
    return row


def decide_question(*, session: Session, actor: Member, question_id: int, publish: bool, now: datetime,
                    expected: str | None = None) -> Question:
    """Publish or reject a draft; deciding twice (double tap, two secretaries) or on a stale card is an error."""
    row = get_question(session=session, actor=actor, question_id=question_id, lock=True)
    if row.status != QuestionStatus.DRAFT:  # a double tap or another secretary: said as such, not as "stale"
        raise InvalidState("question_decided", id=question_id, status=row.status)
    _unchanged(row, expected)
    set_status(row, QuestionStatus.PUBLISHED if publish else QuestionStatus.REJECTED, actor, now)
    session.add(row)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id,
          action="question_publish" if publish else "question_reject", detail=row.qkey, now=now)
    return row


def reopen_question(*, session: Session, actor: Member, question_id: int, now: datetime,
                    expected: str | None = None) -> Question:
    """Undo a rejection: the question is a draft again (a mis-tap on 拒绝 costs nothing)."""
    row = get_question(session=session, actor=actor, question_id=question_id, lock=True)
    if row.status != QuestionStatus.REJECTED:
        raise InvalidState("question_not_rejected", id=question_id, status=row.status)
    _unchanged(row, expected)
    set_status(row, QuestionStatus.DRAFT, actor, now)
    session.add(row)
    audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id, action="question_reopen",
          detail=row.qkey, now=now)
    return row


def set_status(row: Question, status: QuestionStatus, actor: Member, now: datetime) -> None:
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


# --------------------------------------------------------------------------- verifying an edit


def record(row: Question) -> Record:
    """A stored question as the pipeline's record (what the verifier and the exporter take)."""
    return Record(qid=row.qkey, qtype=row.qtype,  # type: ignore[arg-type]
                  stem=row.stem, options=tuple(row.options), answer=tuple(row.answer), explanation=row.explanation,
                  doc_id=row.doc_key, document=row.document, sentence=row.sentence, score=row.score,
                  origin=row.origin,  # type: ignore[arg-type]
                  enabled=row.status != QuestionStatus.RETIRED)


def problems_with(row: Question, *, stem: str | None = None, options: Sequence[str] | None = None,
                  answer: Sequence[str] | None = None, explanation: str | None = None) -> list[Reason]:
    """Why ``row`` with this new wording would not pass verification (empty: it passes).

    A secretary may rephrase a choice question's stem, so a stem changed now — or by an earlier edit
    (``row.edited``: the stored stem may be a rephrasing already) — is not held to the source's exact
    words (``edited_stem``); everything that proves the answer still is, and the new stem must still fit the
    options and answer (``edited_stem_problems``: a blank kept where there was one, a question still a
    question, a 判断 without a blank).  A reason the stored question
    already has is not the edit's doing and does not count against it (the verifier may have become
    stricter since the row was generated); every reason the edit brings does."""
    base = record(row)
    edited = Record(
        qid=base.qid, qtype=base.qtype, stem=stem if stem is not None else base.stem,
        options=tuple(options) if options is not None else base.options,
        answer=tuple(answer) if answer is not None else base.answer,
        explanation=explanation if explanation is not None else base.explanation,
        doc_id=base.doc_id, document=base.document, sentence=base.sentence, score=base.score, origin=base.origin,
    )
    rephrased = row.edited or (stem is not None and stem != base.stem)
    before = [*edited_stem_problems(base, base.stem), *check_question(base, edited_stem=row.edited)]
    own, checked = edited_stem_problems(edited, base.stem), check_question(edited, edited_stem=rephrased)
    # the first reason is the one the secretary is shown: the verifier's is the more specific for a choice
    # question (it gives the answer away); a blank in a 判断 makes the verifier's reasons beside the point
    after = [*own, *checked] if edited.qtype == "truefalse" else [*checked, *own]
    return [r for r in after if r not in before]


@dataclass(frozen=True)
class Wording:
    """New wording for one question; ``None`` keeps a field as it is."""

    stem: str | None = None
    options: tuple[str, ...] | None = None
    answer: tuple[str, ...] | None = None
    explanation: str | None = None

    def cleaned(self) -> Wording:
        """The same wording as it will be stored: characters no store or sheet holds removed, ends trimmed."""
        def one(text: str | None, multiline: bool = False) -> str | None:
            return clean_text(text, multiline=multiline, keep_spaces=True) if text is not None else None

        def many(texts: tuple[str, ...] | None) -> tuple[str, ...] | None:
            return tuple(clean_text(t, keep_spaces=True) for t in texts) if texts is not None else None

        # stems, options and answers go into a quiz poll on one line each; an explanation may have several
        return Wording(one(self.stem), many(self.options), many(self.answer), one(self.explanation, multiline=True))

    def changes(self, row: Question) -> dict[str, Any]:
        """The fields that differ from ``row``, in the row's own types (lists for options and answers)."""
        current: dict[str, Any] = {"stem": row.stem, "options": tuple(row.options), "answer": tuple(row.answer),
                                   "explanation": row.explanation}
        new = {"stem": self.stem, "options": self.options, "answer": self.answer, "explanation": self.explanation}
        return {k: v for k, v in new.items() if v is not None and v != current[k]}


def verified_changes(row: Question, wording: Wording) -> dict[str, Any]:
    """What ``wording`` changes in ``row``, once it passed the limits and verification.

    Raises ``InvalidState``: a limit's code (``stem_too_long`` …), or ``unverified`` with the first
    ``reason`` the verifier gave.  An unchanged wording is not verified again: it is what is stored.
    """
    wording = wording.cleaned()
    check_wording(stem=wording.stem, options=wording.options, explanation=wording.explanation)
    changed = wording.changes(row)
    if changed:
        reasons = problems_with(row, **changed)
        if reasons:
            raise InvalidState("unverified", id=row.qkey, reason=reasons[0])
    return {k: list(v) if isinstance(v, tuple) else v for k, v in changed.items()}


def edit_question(*, session: Session, actor: Member, question_id: int, stem: str | None = None,
                  explanation: str | None = None, now: datetime, expected: str | None = None) -> Question:
    """Change a question's wording, verified first; the edit is kept through every later rebuild.  A
    question members may have seen gets a new revision rather than new words under their answers.

    Raises ``InvalidState`` for a retired question, a stale card (``question_stale``), a limit, or an edit
    that no longer verifies (``unverified``); nothing is saved then.
    """
    row = current_question(session=session, actor=actor, question_id=question_id, expected=expected, lock=True)
    if row.status == QuestionStatus.RETIRED:
        raise InvalidState("question_retired", id=row.id)
    changed = verified_changes(row, Wording(stem=stem, explanation=explanation))
    if revisions.reword(session, row, changed, actor=actor.tg_user_id, now=now):
        row.edited = True
        row.updated_at = now
        session.add(row)
        audit(session=session, branch_id=row.branch_id, actor=actor.tg_user_id, action="question_edit",
              detail=row.qkey, now=now)
    return row


def publish_all_verified(*, session: Session, actor: Member, branch_id: int, now: datetime) -> int:
    """Publish every draft of the branch (every stored draft passed verification); returns how many."""
    authorise(actor, branch_id)
    drafts = session.exec(select(Question).where(Question.branch_id == branch_id,
                                                 Question.status == QuestionStatus.DRAFT)).all()
    for row in drafts:
        set_status(row, QuestionStatus.PUBLISHED, actor, now)
        session.add(row)
    if drafts:
        audit(session=session, branch_id=branch_id, actor=actor.tg_user_id, action="question_publish_all",
              detail=str(len(drafts)), now=now)
    return len(drafts)
