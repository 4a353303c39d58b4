"""Quiz polls in the branch group: a secretary posts a published question, each member's vote is an answer.

::

    /groupquiz [题号] (secretary) ──▶ "group_quiz" row ──▶ native non-anonymous quiz poll in the branch group
                                    ──after_send──▶ PollMap ──poll answers──▶ each member's card

Its own feature (split from ``quiz``): it shares no state with the private quiz session, only the bank and the
review cards that ``storage.group_quiz`` writes.  Polls already sent carry ``PollMap.feature == "quiz"``, so the
poll router key stays ``"quiz"`` (``POLL_FEATURE``) and votes on them keep arriving here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlmodel import Session
from telegram import Message, PollAnswer, Update
from telegram.ext import ContextTypes

from bot import group_manners
from bot.commands import Command, UsageError, args_of, int_arg
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.words import source_title
from content.grading import correct_indices
from scheduler import outbox
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing, QuizPoll
from storage import group_quiz as group_store
from storage import members as member_store
from storage.inputs import valid_id
from storage.models import Delivery, Member, PollMap, Question, QuestionStatus, Role

GROUP_KIND = "group_quiz"
POLL_FEATURE = "quiz"  # the PollMap.feature of every group poll, those sent before the split included
POLL_QUESTION_LIMIT = 300
POLL_EXPLANATION_LIMIT = 200


# --------------------------------------------------------------------------- the group quiz


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def render_group_quiz(svc: Services, session: Session, row: Delivery) -> Outgoing | None:
    """A native quiz poll, not anonymous (so each vote reaches the bot with its voter)."""
    question = session.get(Question, row.subject_id) if row.subject_id is not None else None
    if question is None or question.status != QuestionStatus.PUBLISHED or question.qtype not in group_store.POLL_TYPES:
        return None
    lang = svc.settings.language
    source = svc.texts.plain("quiz.poll_source", lang, document=source_title(svc.texts, lang, question.document))
    return Outgoing(poll=QuizPoll(
        question=_clip(question.stem, POLL_QUESTION_LIMIT), options=list(question.options),
        correct_option_ids=correct_indices(question.options, question.answer),
        explanation=_clip(source, POLL_EXPLANATION_LIMIT), is_anonymous=False,
        allows_multiple_answers=question.qtype == "multiple"))


def after_group_quiz(session: Session, row: Delivery, message: Message) -> None:
    """Remember which question the poll asks; ``member_id`` is the secretary who posted it."""
    if message.poll is None or row.subject_id is None or row.member_id is None:
        return
    session.add(PollMap(branch_id=row.branch_id, poll_id=message.poll.id, feature=POLL_FEATURE, member_id=row.member_id,
                        question_id=row.subject_id, sent_at=message.date))


def _queue_group_quiz(member: Member, group_chat_id: int, question_id: int | None, now: datetime, *,
                      session: Session) -> Question | None:
    if question_id is None:
        question = group_store.next_group_question(session=session, branch_id=member.branch_id)
    else:
        question = session.get(Question, question_id) if valid_id(question_id) else None
        if (question is None or question.branch_id != member.branch_id or question.qtype not in group_store.POLL_TYPES
                or question.status != QuestionStatus.PUBLISHED):
            return None
    if question is None or question.id is None:
        return None
    outbox.enqueue(session=session, branch_id=member.branch_id, kind=GROUP_KIND,
                   dedup_key=f"{GROUP_KIND}:{member.branch_id}:{question.id}:{now.isoformat()}",
                   chat_id=group_chat_id, payload={}, due_at=now, now=now, member_id=member.id,
                   subject_id=question.id, expires_at=now + timedelta(hours=1))
    return question


async def group_quiz(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/groupquiz [题号]`` — post a published question to the branch group as a quiz poll (typed in private
    chat or in the group itself).  Typed in the group, only the success is said there (it tells members the
    poll is coming and that their votes are seen); a mistake goes to the secretary privately.  Both replies
    say the poll is not anonymous: votes are recorded per member, so the group sees who chose what."""
    svc = services(context)
    assert caller.member is not None
    args = args_of(context)
    if len(args) > 1:
        raise UsageError()
    question_id = int_arg(args[0]) if args else None
    branch = await svc.db.run(member_store.get_branch, branch_id=caller.member.branch_id)
    if branch.group_chat_id is None:
        await group_manners.answer(update, context, svc, caller, svc.texts.t("quiz.no_group", caller.lang), "groupquiz")
        return
    question = await svc.db.run(_queue_group_quiz, caller.member, branch.group_chat_id, question_id,
                                svc.clock.now())
    if question is None:
        await group_manners.answer(update, context, svc, caller, svc.texts.t("quiz.group_none", caller.lang),
                                   "groupquiz")
        return
    if not caller.private:  # typed in a group: the poll itself follows there, so no preview of it
        await reply(update, svc.texts.t("quiz.group_queued_here", caller.lang))
        return
    await reply(update, svc.texts.t("quiz.group_queued", caller.lang, id=question.id, stem=_clip(question.stem, 60)))


async def poll_answer(context: ContextTypes.DEFAULT_TYPE, caller: Caller, poll: PollMap, vote: PollAnswer) -> None:
    """A vote on a group quiz poll: recorded against the member like any answer; non-members are ignored."""
    if not caller.active or caller.member is None:
        return
    svc = services(context)
    await svc.db.run(group_store.record_poll_answer, member=caller.member, poll=poll, option_ids=list(vote.option_ids),
                     now=svc.clock.now())


def _deliveries(svc: Services) -> list[DeliveryKind]:
    # a poll twice splits the votes: an uncertain one is dropped
    return [DeliveryKind(GROUP_KIND, render=partial(render_group_quiz, svc), after_send=after_group_quiz,
                         policy=KindPolicy())]


FEATURE = Feature(
    name="group_quiz",
    # typed in the branch group too: it posts there, and its answers say nothing private
    commands=(Command("groupquiz", Role.SECRETARY, group_quiz, "secretary", private=False),),
    deliveries=_deliveries,
    poll_answers={POLL_FEATURE: poll_answer},
)
