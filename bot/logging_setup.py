"""Logging that never prints the bot token.

``httpx`` logs every request URL at INFO, and Bot API URLs contain the token, so its logger is held at
WARNING.  As a second line of defence a filter masks anything shaped like a bot token in every record.
"""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"\d{3,15}:[A-Za-z0-9_-]{30,}")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg = _TOKEN.sub("<token>", message)
            record.args = None
        return True


def setup_logging(verbose: bool = False, *, quiet: bool = False) -> None:
    """``quiet`` (the offline chat) shows only errors, so the transcript stays readable."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO)
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.ExtBot", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
