"""The request itself: which Bot API method a rendered message needs, and what a failure proves.

Telegram has no idempotency key, so the sender must know, for every error, whether the request may have
left.  PTB wraps httpx's exceptions in ``NetworkError`` / ``TimedOut``; the httpx cause tells connect
errors and pool timeouts (nothing was written) from read timeouts and connections dropped after the
request was written (the message may be on the member's phone — PTB issue #1045).

It also holds the *write gate*, the one way a bulk send passes the limiter.  When the bot talks HTTP
through PTB's ``HTTPXRequest``, the gate is passed inside httpx, at the moment the request's bytes are
about to be written (httpcore's ``send_request_headers.started`` trace event), not before PTB builds the
request.  The limiter's stamp is then the moment the request starts to leave — nothing before the write
(building the request, taking a connection) can bunch requests after the pass — and when the body's
write completes (``send_request_body.complete``) a pass the loop held back meanwhile (httpx yields at
each write) is re-stamped to it, so the window counts what Telegram sees and needs only a small margin
for the network and the server's side.  A bot without httpx (the offline fake of ``zhibu chat`` and the
tests) has no write to hook: the same gate is passed just before the request, and the limiter follows
the request for a moment after it (see ``SendRateLimiter.acquire``).  Either way the sender runs one send
step.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
from telegram import Bot, LinkPreviewOptions, Message
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest
from telegram.warnings import PTBDeprecationWarning

from scheduler.kinds import Outgoing
from scheduler.ratelimit import SendRateLimiter

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


class Withheld(Exception):
    """Raised at the write gate when the request must not leave (another sender took the claim over)."""


class WriteGate:
    """One bulk request's pass through the limiter, taken as late as the bot allows.

    ``at_write``: at the moment its bytes are written (the bot talks httpx and
    :func:`install_write_gate` hooked it); otherwise just before the request, with the limiter
    following it for a moment (``follow``), as nothing can hook its write.  ``passed`` is None until
    the request reached the gate (a connect error comes before the write: nothing was recorded, nothing
    left), then whether the limiter let it through; ``passed_at`` is the limiter's stamp (what
    ``refund`` and the flood watch take).
    """

    def __init__(self, limiter: SendRateLimiter, chat_id: int, prepare: Callable[[], Awaitable[bool]], *,
                 at_write: bool) -> None:
        self.limiter, self.chat_id, self.prepare, self.at_write = limiter, chat_id, prepare, at_write
        self.passed: bool | None = None
        self.passed_at = 0.0

    async def __call__(self) -> None:
        if self.passed is not None:
            return  # one pass per request
        self.passed = await self.limiter.acquire(self.chat_id, prepare=self.prepare, follow=not self.at_write)
        self.passed_at = self.limiter.last_passed
        if not self.passed:
            raise Withheld(f"delivery to {self.chat_id} withheld: the claim is no longer ours")

    def written(self) -> None:
        """The request's last byte is written: a pass that waited long for it is re-stamped to now."""
        if self.passed:
            self.passed_at = self.limiter.left(self.chat_id, self.passed_at)


_GATE: ContextVar[WriteGate | None] = ContextVar("zhibu_write_gate", default=None)
_WRITE_EVENTS = ("http11.send_request_headers.started", "http2.send_request_headers.started")
_WRITTEN_EVENTS = ("http11.send_request_body.complete", "http2.send_request_body.complete")


async def _trace(event: str, info: dict[str, Any]) -> None:
    """httpcore's trace callback: at the header write of a bulk request, pass its gate; after its body, note it.

    Between the two the request yields to the loop at each write (anyio checks for cancellation there),
    so a stall can fall between the pass and the moment the request is on the wire.
    """
    gate = _GATE.get()
    if gate is None:
        return
    if event in _WRITE_EVENTS:
        await gate()
    elif event in _WRITTEN_EVENTS:
        gate.written()


async def _add_trace(request: httpx.Request) -> None:
    """httpx request hook: a bulk request (its task set a gate) gets the trace callback; others none."""
    if _GATE.get() is not None:
        request.extensions["trace"] = _trace


def install_write_gate(bot: Bot) -> bool:
    """Hook the bot's httpx client so bulk sends pass the limiter at the write; False when it cannot.

    Only PTB's ``HTTPXRequest`` talks through httpx (its client is private, so this looks for it and
    falls back — the gate is then passed just before the request, as for the offline fake).  The
    hook is idempotent and inert for requests without a gate (interactive replies).  PTB builds a new
    client when a shut-down request is initialised again, so the sender installs it at each run.
    """
    client = getattr(bot.request, "_client", None)
    if not isinstance(client, httpx.AsyncClient):
        return False
    hooks = client.event_hooks
    if _add_trace not in hooks["request"]:
        hooks["request"].append(_add_trace)
        client.event_hooks = hooks
    return True


async def deliver_gated(bot: Bot, gate: WriteGate, out: Outgoing, *,
                        read_timeout: float | None = None) -> Message | None:
    """:func:`deliver` to ``gate.chat_id`` once ``gate`` is passed; None when it withheld the request.

    At the write (``gate.at_write``) the chat's spacing and any pause are waited out first, so the request
    holds a connection at the gate only for the pace; if it never reached its write (a connect error), the
    gate never ran and ``gate.passed`` is None.  Without a write to hook, the gate is passed right here.
    A withheld request (another sender took the claim over) never left.
    """
    try:
        if not gate.at_write:
            await gate()
            return await deliver(bot, gate.chat_id, out, read_timeout=read_timeout)
        await gate.limiter.wait_pauses(gate.chat_id)  # before a connection is taken
        token = _GATE.set(gate)
        try:
            return await deliver(bot, gate.chat_id, out, read_timeout=read_timeout)
        finally:
            _GATE.reset(token)
    except (Withheld, TelegramError):  # PTB hands a Withheld raised inside httpx back as a NetworkError
        if gate.passed is False:
            return None
        raise


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
