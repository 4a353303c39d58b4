"""OfflineRequest: PTB's request layer, answered by a FakeBotApi in the same process.

PTB funnels every Bot API call through ``BaseRequest.do_request(url, method, request_data)`` and turns
the ``(status, body)`` it returns into results or exceptions.  Plugging a fake in exactly there keeps
everything above it real — ``Bot``, ``ExtBot``, defaults, (de)serialisation, the error mapping — and
needs no network::

    ApplicationBuilder().token(api.token).request(OfflineRequest(api)).get_updates_request(OfflineRequest(api))

Method URLs are ``<base>/bot<token>/<method>``; file URLs are ``<base>/file/bot<token>/<path>``.  Any
base URL works, so a ``Bot`` configured for a self-hosted server is served the same way.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError, SimulatedTimeout


def split_bot_url(path: str) -> tuple[str, str, str] | None:
    """``("method" | "file", token, rest)`` for a Bot API URL path, or None if it is not one.

    The token segment is the first ``bot…`` segment holding a colon (every bot token has one), so a
    base URL with its own path prefix still works.
    """
    parts = unquote(path).strip("/").split("/")
    candidates = [i for i, part in enumerate(parts[:-1]) if part.startswith("bot")]
    with_colon = [i for i in candidates if ":" in parts[i]]
    if not candidates:
        return None
    i = (with_colon or candidates)[0]
    kind = "file" if i > 0 and parts[i - 1] == "file" else "method"
    return kind, parts[i].removeprefix("bot"), "/".join(parts[i + 1 :])


def _json(body: Any) -> bytes:
    """UTF-8 JSON; text holding a lone surrogate (fuzzed input echoed in a quoted reply) is \\u-escaped."""
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body).encode("ascii")


def error_response(error: BotApiError) -> tuple[int, bytes]:
    return error.code, _json(error.body())


def ok_response(result: Any) -> tuple[int, bytes]:
    return 200, _json({"ok": True, "result": result})


class OfflineRequest(BaseRequest):
    """A ``BaseRequest`` whose "network" is a :class:`FakeBotApi`.

    ``read_timeout`` is honoured like a real client's: a call (or an artificial latency) that takes
    longer raises PTB's ``TimedOut``.  One instance may serve as both ``request`` and
    ``get_updates_request``.
    """

    def __init__(self, api: FakeBotApi, *, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: the fake lives in this process."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        target = split_bot_url(urlsplit(url).path)
        if target is None:
            return error_response(BotApiError.not_found())
        kind, token, rest = target
        timeout = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        try:
            self.api.check_token(token)
            if kind == "file":
                return 200, self.api.download(rest)
            params = request_data.json_parameters if request_data else {}
            files = request_data.multipart_data if request_data else {}
            result = await asyncio.wait_for(self.api.call(rest, dict(params), dict(files)), timeout)
        except BotApiError as error:
            return error_response(error)
        except (SimulatedTimeout, TimeoutError) as exc:
            raise TimedOut(f"Timed out (offline Bot API: {exc or 'read timeout'})") from exc
        return ok_response(result)
