"""The committee's table: one line of figures per branch, for every branch at once.

Why not ``branch_stats`` per branch: a 党委's view needs no names and no weak questions, and a year of
twenty branches is millions of answers — so each table is read once, grouped by branch (``GROUP BY
branch_id`` over the indexed ``(branch_id, time)`` ranges), instead of several passes per branch.  The
meetings come from the same turnout read as the branch's own figures and ledger (``storage/turnout.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from storage.models import Branch, Member, QuizAnswer, Role, StudyProgress, joined_before
from storage.scope import Scope
from storage.stats import COUNTED, Rates, Window, held_turnout, in_window, require_branch


@dataclass(frozen=True)
class BranchLine(Rates):
    branch_id: int
    branch_name: str
    active: int
    delivered: int
    read: int
    answers: int
    correct: int
    meetings_held: int
    attendances: int
    expected_attendances: int
    leaves: int
    makeup_owed: int


def committee_table(*, session: Session, scope: Scope, branch_ids: Sequence[int], window: Window, now: datetime
                    ) -> list[BranchLine]:
    """The branches' figures for the window, in the order of ``branch_ids`` (each checked against ``scope``)."""
    for branch_id in branch_ids:
        require_branch(scope, branch_id)
    if not branch_ids:
        return []
    ids = list(branch_ids)
    names = dict(session.exec(select(Branch.id, Branch.name).where(col(Branch.id).in_(ids))).all())
    # members in the period only: one who joined after it is no denominator of it (V19, as /stats counts)
    active = dict(session.exec(select(Member.branch_id, func.count()).where(
        col(Member.branch_id).in_(ids), COUNTED,
        joined_before(window.end))
        .group_by(col(Member.branch_id))).all())
    admins = [int(i) for i in session.exec(select(Member.id).where(
        col(Member.branch_id).in_(ids), Member.role == Role.ADMIN)).all() if i is not None]

    def rows_of(model: type[StudyProgress] | type[QuizAnswer]) -> ColumnElement[bool]:
        clause = col(model.branch_id).in_(ids)
        return and_(clause, col(model.member_id).not_in(admins)) if admins else clause

    study = {b: (int(n), int(r)) for b, n, r in session.exec(
        select(StudyProgress.branch_id, func.count(), func.count(col(StudyProgress.read_at)))
        .where(rows_of(StudyProgress), in_window(StudyProgress.delivered_at, window))
        .group_by(col(StudyProgress.branch_id))).all()}
    quiz = {b: (int(n), int(c or 0)) for b, n, c in session.exec(
        select(QuizAnswer.branch_id, func.count(), func.sum(case((col(QuizAnswer.correct), 1), else_=0)))
        .where(rows_of(QuizAnswer), in_window(QuizAnswer.answered_at, window))
        .group_by(col(QuizAnswer.branch_id))).all()}
    lines = []
    for branch_id in ids:
        held = held_turnout(session, branch_id, window, now)
        delivered, read = study.get(branch_id, (0, 0))
        answers, correct = quiz.get(branch_id, (0, 0))
        lines.append(BranchLine(
            branch_id=branch_id, branch_name=names.get(branch_id, ""), active=int(active.get(branch_id, 0)),
            delivered=delivered, read=read, answers=answers, correct=correct, meetings_held=len(held),
            attendances=sum(len(t.came) for t in held), expected_attendances=sum(len(t.expected) for t in held),
            leaves=sum(len(t.leave) for t in held), makeup_owed=sum(len(t.makeup_owed) for t in held)))
    return lines
