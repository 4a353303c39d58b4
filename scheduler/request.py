"""The request itself: which Bot API method a rendered message needs, and what a failure proves.

Telegram has no idempotency key, so the sender must know, for every error, whether the request may have
left.  PTB wraps httpx's exceptions in ``NetworkError`` / ``TimedOut``; the httpx cause tells connect
errors and pool timeouts (nothing was written) from read timeouts and connections dropped after the
request was written (the message may be on the member's phone — PTB issue #1045).
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
from telegram import Bot, LinkPreviewOptions, Message
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest
from telegram.warnings import PTBDeprecationWarning

from scheduler.kinds import Outgoing

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # PTB's "a value, or use the bot's default"


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, as seconds, whichever type PTB hands out (int now, timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 3600))


_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def request_never_left(exc: NetworkError) -> bool:
    """True when the error proves Telegram never saw the request, so sending again cannot duplicate it.

    PTB wraps httpx's exceptions: connect errors and pool timeouts happen before a byte is written.  A
    ``NetworkError`` without an httpx cause is an HTTP answer from a gateway (502 Bad Gateway): the
    request was refused, not lost.  Everything else — a read timeout, a connection dropped after the
    request was written — may have delivered the message.
    """
    cause = exc.__cause__
    if isinstance(cause, _NEVER_LEFT):
        return True
    if isinstance(exc, TimedOut):
        return "Pool timeout" in exc.message
    return cause is None or not isinstance(cause, httpx.HTTPError | TimeoutError)


async def deliver(bot: Bot, chat_id: int, out: Outgoing, *, read_timeout: float | None = None) -> Message:
    """Send one rendered message with the Bot API method its content calls for.

    ``read_timeout`` (seconds) overrides the bot's for a text or a poll — the sender's bulk path waits less
    than an interactive reply does; an upload keeps the bot's, as Telegram may take long to take a file.
    """
    method = out.method
    short: ODVInput[float] = BaseRequest.DEFAULT_NONE if read_timeout is None else read_timeout
    if method == "edit":
        assert out.edit is not None
        if out.text:
            edited = await bot.edit_message_text(out.text, chat_id, out.edit, parse_mode="HTML",
                                                 reply_markup=out.markup, read_timeout=short,
                                                 link_preview_options=LinkPreviewOptions(is_disabled=True))
        else:
            edited = await bot.edit_message_reply_markup(chat_id, out.edit, reply_markup=out.markup,
                                                         read_timeout=short)
        if not isinstance(edited, Message):  # ``True`` is for inline-mode messages, which the outbox never sends
            raise TypeError("an edited chat message comes back as a Message")
        return edited
    if method == "poll":
        assert out.poll is not None
        poll = out.poll
        return await bot.send_poll(chat_id, poll.question, list(poll.options), type="quiz",
                                   is_anonymous=poll.is_anonymous, allows_multiple_answers=poll.allows_multiple_answers,
                                   correct_option_ids=list(poll.correct_option_ids),  # type: ignore[arg-type]
                                   explanation=poll.explanation, read_timeout=short)
    if method == "document":
        assert out.document is not None
        return await bot.send_document(chat_id, out.document, filename=out.filename, caption=out.text,
                                       parse_mode="HTML", reply_markup=out.markup)
    if method == "photo":
        assert out.photo is not None
        return await bot.send_photo(chat_id, out.photo, caption=out.text, parse_mode="HTML", reply_markup=out.markup)
    if not out.text:
        raise ValueError("a message needs text")
    return await bot.send_message(chat_id, out.text, parse_mode="HTML", reply_markup=out.markup,
                                  link_preview_options=LinkPreviewOptions(is_disabled=True), read_timeout=short)
