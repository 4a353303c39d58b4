"""One poll-answer router: Telegram's answer to a poll carries only the poll id, so the wiring looks the
poll up in ``PollMap`` and hands the answer to the feature that sent it (``Feature.poll_answers``).

Answers to polls zhibu does not know (an old poll, another bot's poll), from users who are not active
members, or to a feature no longer registered are ignored: a poll answer has no reply to send, and
recording nothing is the safe outcome.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, select
from telegram import Update
from telegram.ext import ContextTypes, PollAnswerHandler

from bot.context import load_caller, services
from bot.feature import AnyHandler
from storage.models import PollMap

log = logging.getLogger(__name__)


def find_poll(*, session: Session, poll_id: str) -> PollMap | None:
    return session.exec(select(PollMap).where(PollMap.poll_id == poll_id)).first()


async def route_poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return
    svc = services(context)
    poll = await svc.db.run(find_poll, poll_id=answer.poll_id[:64])
    if poll is None:
        return
    handler = svc.poll_answers.get(poll.feature)
    if handler is None:
        log.warning("poll %s belongs to %r, which no registered feature handles", poll.poll_id, poll.feature)
        return
    caller = await load_caller(update, svc, context)
    if caller is None or not caller.active:
        return
    await handler(context, caller, poll, answer)


def poll_handlers() -> list[AnyHandler]:
    return [PollAnswerHandler(route_poll_answer)]
