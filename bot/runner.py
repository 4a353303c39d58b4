"""``zhibu run``: the real bot, long polling by default or a webhook when configured.

PTB's ``run_polling`` / ``run_webhook`` install handlers for SIGINT and SIGTERM: on a signal the
updater stops fetching, the update in hand finishes (its transaction commits), the application shuts
down, and the process exits 0 — which is what ``docker stop`` expects.
"""

from __future__ import annotations

import logging
import signal

from telegram import Update

from bot.app import build_application
from bot.config import Settings, webhook_secret

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    app = build_application(settings)
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    if settings.telegram.mode == "webhook":
        hook = settings.telegram.webhook
        url = hook.url.rstrip("/") + "/" + hook.path if hook.url else None
        log.info("starting webhook on %s:%s", hook.listen, hook.port)
        app.run_webhook(listen=hook.listen, port=hook.port, url_path=hook.path, webhook_url=url,
                        secret_token=webhook_secret(settings), allowed_updates=Update.ALL_TYPES,
                        stop_signals=stop_signals)
    else:
        log.info("starting long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    log.info("stopped cleanly")
    return 0
