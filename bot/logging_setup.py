"""Logging that never prints the bot token.

``httpx`` logs every request URL at INFO, and Bot API URLs contain the token, so its logger is held at
WARNING.  As a second line of defence the formatter masks anything shaped like a bot token in the
finished line — message, arguments and traceback alike.
"""

from __future__ import annotations

import logging
import re

from bot.config import TOKEN_PATTERN

_TOKEN = re.compile(TOKEN_PATTERN)


def redact(text: str) -> str:
    """``text`` with anything shaped like a bot token replaced by ``<token>``."""
    return _TOKEN.sub("<token>", text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(verbose: bool = False, *, quiet: bool = False) -> None:
    """``quiet`` (the offline chat) shows only errors, so the transcript stays readable."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO)
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.ExtBot", "jieba", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
