"""Quiz polls in the branch group: which question /groupquiz posts next, and a member's vote recorded like
any answer (``storage.quiz.record_answer``: the same answer row and FSRS card, the poll as the attempt key,
so a vote delivered twice counts once)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from content.grading import grade_choice
from storage.models import Member, PollMap, Question, QuestionStatus
from storage.quiz import record_answer
from storage.revisions import revision_at, wording_of

POLL_TYPES = ("single", "multiple", "truefalse")  # a 填空 cannot be a poll


def record_poll_answer(*, session: Session, member: Member, poll: PollMap, option_ids: Sequence[int],
                       now: datetime) -> bool:
    """A member's vote on a group quiz poll, recorded like any answer; ``False`` when nothing was recorded
    (another branch's poll, a question no longer published, a vote already counted, a retracted vote)."""
    assert member.id is not None
    question = session.get(Question, poll.question_id)
    if (not option_ids or question is None or question.status != QuestionStatus.PUBLISHED
            or member.branch_id != poll.branch_id):
        return False
    picks = sorted(set(option_ids))
    # graded against the poll as it was posted: a question revised since may have other options or answer
    shown = wording_of(session, question, revision_at(session, question, poll.sent_at))
    return record_answer(session=session, branch_id=member.branch_id, member_id=member.id,
                         question_id=poll.question_id, attempt_key=f"poll:{poll.poll_id}",
                         chosen=[shown.options[i] for i in picks if 0 <= i < len(shown.options)],
                         correct=grade_choice(picks, shown.options, shown.answer), is_review=False, now=now,
                         revision=shown.revision)


def next_group_question(*, session: Session, branch_id: int) -> Question | None:
    """What /groupquiz posts: the best published choice question not yet posted to the branch's group,
    else the one posted longest ago."""
    posted = dict(session.exec(select(PollMap.question_id, func.max(col(PollMap.sent_at)))
                               .where(PollMap.branch_id == branch_id).group_by(col(PollMap.question_id))).all())
    candidates = list(session.exec(
        select(Question).where(Question.branch_id == branch_id, Question.status == QuestionStatus.PUBLISHED,
                               col(Question.qtype).in_(POLL_TYPES))
        .order_by(col(Question.score).desc(), col(Question.id))))
    if not candidates:
        return None
    fresh = [q for q in candidates if q.id not in posted]
    if fresh:
        return fresh[0]
    return min(candidates, key=lambda q: posted.get(q.id or 0, datetime.max.replace(tzinfo=UTC)))
