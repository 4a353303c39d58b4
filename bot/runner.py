"""``zhibu run``: the real bot, long polling by default or a webhook when configured.

Before PTB takes over, :func:`wait_for_bot_api` asks the Bot API ``getMe`` with a fresh, plain ``Bot``:
an unreachable server is retried with exponential backoff (1 s, 2 s, 4 s … at most a minute apart,
``telegram.startup_retries`` times, one log line each) and then given up in one line; a rejected token
ends at once with :class:`TokenRejected`, whose message never holds the token (PTB's own
``InvalidToken`` from ``Bot.initialize`` quotes it).  SIGINT and SIGTERM end the wait at once.

PTB's ``run_polling`` / ``run_webhook`` install handlers for SIGINT and SIGTERM: on a signal the
updater stops fetching, the update in hand finishes (its transaction commits), the application shuts
down, and the process exits 0 — which is what ``docker stop`` expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from bot.config import Settings, webhook_secret
from bot.logging_setup import redact
from bot.texts import Catalog
from scheduler.lock import run_lock
from storage.db import Database

log = logging.getLogger(__name__)

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"  # PTB's default
FIRST_DELAY = 1.0
MAX_DELAY = 60.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StartFailure(Exception):
    """A known reason the bot could not start or keep running, worded for the deployer in one line."""


class BotApiUnreachable(StartFailure):
    """The Bot API did not answer at start-up within the configured retries."""


class CannotListen(StartFailure):
    """Webhook mode could not open its port."""


class AlreadyRunning(StartFailure):
    """Another ``zhibu run`` holds this database (review R2.5): one process per database, in either mode."""


class TokenRejected(Exception):
    """The Bot API answered 401/404 to ``getMe``: the token is wrong or revoked."""


def base_url(settings: Settings) -> str:
    return settings.telegram.base_url or TELEGRAM_BASE_URL


def _reason(exc: BaseException) -> str:
    return redact(" ".join(str(exc).split()) or type(exc).__name__)


async def _get_me(token: str, settings: Settings) -> None:
    bot = Bot(token, base_url=base_url(settings),
              base_file_url=settings.telegram.base_file_url or "https://api.telegram.org/file/bot")
    try:
        async with bot:  # initialize() calls getMe; leaving shuts the HTTP client down
            pass
    except InvalidToken:
        raise TokenRejected(f"the Bot API at {base_url(settings)} rejected the bot token; check "
                            "ZHIBU_TELEGRAM_TOKEN (or telegram.token_file) against @BotFather") from None


async def wait_for_bot_api(token: str, settings: Settings) -> bool:
    """True once the Bot API answers; False when a stop signal came first.

    Raises :class:`TokenRejected` at once, :class:`BotApiUnreachable` after the last retry."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        retries = settings.telegram.startup_retries
        delay = FIRST_DELAY
        for attempt in range(retries + 1):
            probe = asyncio.ensure_future(_get_me(token, settings))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({probe, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if stop.is_set():
                probe.cancel()
                await asyncio.gather(probe, return_exceptions=True)
                return False
            try:
                probe.result()
                return True
            except NetworkError as exc:  # connection refused, DNS, timeouts, 5xx from a proxy
                if attempt == retries:
                    raise BotApiUnreachable(f"the Telegram Bot API at {base_url(settings)} is unreachable "
                                            f"({_reason(exc)}); gave up after {retries + 1} attempts") from None
                log.warning("Telegram Bot API unreachable at %s (%s); retry %d of %d in %.0fs",
                            base_url(settings), _reason(exc), attempt + 1, retries, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return False
            delay = min(delay * 2, MAX_DELAY)
        return False  # not reached: the last attempt returns or raises
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


@contextlib.contextmanager
def sole_process(settings: Settings) -> Iterator[None]:
    """Hold the database's run lock for the block, or raise :class:`AlreadyRunning` (review R2.5).

    ``zhibu run`` takes it before anything else touches the database or Telegram: a second process must
    end before it migrates, calls ``setWebhook`` (which would take the first one's updates) or ticks."""
    db = Database(settings.database_url)
    try:
        with run_lock(db) as mine:
            if not mine:
                texts = Catalog.load(default=settings.language)
                raise AlreadyRunning(texts.plain("run.already_running", settings.language,
                                                 database=db.engine.url.render_as_string(hide_password=True)))
            yield
    finally:
        db.dispose()


def run_bot(settings: Settings, token: str) -> int:
    """Reach the Bot API, then run until a stop signal; returns the exit code.  The caller holds
    :func:`sole_process`."""
    from bot.app import build_application  # imported late: it wires every feature

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # PTB's run_* picks this loop up (and closes it at the end)
    if not loop.run_until_complete(wait_for_bot_api(token, settings)):
        log.info("stopped before the Bot API answered")
        loop.close()
        return 0
    app = build_application(settings)
    try:
        if settings.telegram.mode == "webhook":
            hook = settings.telegram.webhook
            url = hook.url.rstrip("/") + "/" + hook.path if hook.url else None
            log.info("starting webhook on %s:%s", hook.listen, hook.port)
            try:
                app.run_webhook(listen=hook.listen, port=hook.port, url_path=hook.path, webhook_url=url,
                                secret_token=webhook_secret(settings), allowed_updates=Update.ALL_TYPES,
                                stop_signals=STOP_SIGNALS)
            except OSError as exc:
                raise CannotListen(f"cannot listen for the webhook on {hook.listen}:{hook.port}: "
                                   f"{exc.strerror or exc}") from None
        else:
            log.info("starting long polling")
            app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=STOP_SIGNALS)
    except InvalidToken:  # revoked between the check above and PTB's own getMe
        raise TokenRejected(f"the Bot API at {base_url(settings)} rejected the bot token") from None
    except NetworkError as exc:  # lost between the check above and PTB's own getMe
        raise BotApiUnreachable(f"the Telegram Bot API at {base_url(settings)} is unreachable "
                                f"({_reason(exc)})") from None
    log.info("stopped cleanly")
    return 0
