"""The offline Telegram served over HTTP on 127.0.0.1, as a "self-hosted Bot API server".

``zhibu run`` talks to Telegram through PTB's ``HTTPXRequest``; pointing ``telegram.base_url`` at this
server lets a test run the real process — real sockets, real httpx, real multipart uploads — against
the same :class:`~bot.fakeapi.api.FakeBotApi` the in-process tests use::

    server, base_url, base_file_url = await serve(api)
    bot = Bot(api.token, base_url=base_url, base_file_url=base_file_url)   # http://127.0.0.1:PORT/bot
    ...
    await server.aclose()

It is a deliberately small HTTP/1.1 server on ``asyncio.start_server``: keep-alive, ``Content-Length``
and chunked bodies, JSON / url-encoded / multipart requests (parsed with tornado's ``httputil``, which
PTB's webhook extra already installs), ``GET`` or ``POST`` on ``/bot<token>/<method>``, file downloads
on ``/file/bot<token>/<path>``.  A simulated timeout closes the connection without an answer, which
httpx reports as a network error — the bot cannot know whether the request took effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from http import HTTPStatus
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tornado.httputil import HTTPFile, HTTPHeaders, parse_body_arguments

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import BotApiError, SimulatedTimeout, UploadedFile
from bot.fakeapi.request import error_response, ok_response, split_bot_url

_MAX_HEAD = 64 * 1024
Response = tuple[int, str, bytes]


class BotApiServer:
    """A running HTTP front for one FakeBotApi; close it with :meth:`aclose` (or ``async with``)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.host = "127.0.0.1"
        self.port = 0
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve_connection, host, port, limit=_MAX_HEAD)
        self.host, self.port = self._server.sockets[0].getsockname()[:2]

    async def aclose(self) -> None:
        """Stop listening, release long polls, drop open connections."""
        if self._server is None:
            return
        self._server.close()
        self.api.close()
        for writer in list(self._writers):
            writer.close()
        if self._connections:
            await asyncio.wait(set(self._connections), timeout=1.0)
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> BotApiServer:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------ protocol
    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        self._writers.add(writer)
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            # Only aclose() cancels a connection; end quietly (asyncio's stream callback would
            # otherwise report the cancelled task as an error).
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            if task is not None:
                self._connections.discard(task)

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection should end."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        lines = head.decode("latin-1").split("\r\n")
        try:
            verb, target, version = lines[0].split(" ", 2)
        except ValueError:
            await _write(writer, (400, "text/plain", b"malformed request line"), keep_alive=False)
            return False
        headers = HTTPHeaders()
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers.add(name.strip(), value.strip())
        if headers.get("Expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in headers.get("Transfer-Encoding", "").lower():
            body = await _read_chunked(reader)
        else:
            body = await reader.readexactly(int(headers.get("Content-Length", "0") or 0))
        response = await self._respond(verb, target, headers, body)
        if response is None:
            return False  # simulated timeout: hang up without an answer
        keep_alive = version.strip() == "HTTP/1.1" and headers.get("Connection", "").lower() != "close"
        await _write(writer, response, keep_alive=keep_alive)
        return keep_alive

    async def _respond(self, verb: str, target: str, headers: HTTPHeaders, body: bytes) -> Response | None:
        url = urlsplit(target)
        parsed = split_bot_url(url.path)
        if parsed is None or verb not in {"GET", "POST"}:
            return _json(*error_response(BotApiError.not_found()))
        kind, token, rest = parsed
        try:
            self.api.check_token(token)
            if kind == "file":
                return 200, "application/octet-stream", self.api.download(rest)
            params, files = _parameters(url.query, headers, body)
            result = await self.api.call(rest, params, files)
        except BotApiError as error:
            return _json(*error_response(error))
        except SimulatedTimeout:
            return None
        return _json(*ok_response(result))


def _json(status: int, payload: bytes) -> Response:
    return status, "application/json", payload


def _parameters(query: str, headers: HTTPHeaders, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parameters from the query string and a JSON, url-encoded or multipart body."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    content_type = headers.get("Content-Type", "")
    if not body:
        return params, files
    if content_type.startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise BotApiError.bad_request("can't parse JSON object") from exc
        if not isinstance(decoded, dict):
            raise BotApiError.bad_request("can't parse JSON object")
        params.update(decoded)
        return params, files
    arguments: dict[str, list[bytes]] = {}
    uploads: dict[str, list[HTTPFile]] = {}
    try:
        parse_body_arguments(content_type, body, arguments, uploads, headers)
    except Exception as exc:  # tornado raises its own HTTPInputError for malformed bodies
        raise BotApiError.bad_request("can't parse request body") from exc
    params.update({name: values[-1].decode("utf-8", "replace") for name, values in arguments.items()})
    for name, parts in uploads.items():
        part = parts[-1]
        files[name] = UploadedFile(part.filename, part.body, part.content_type or None)
    return params, files


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _write(writer: asyncio.StreamWriter, response: Response, *, keep_alive: bool) -> None:
    status, content_type, payload = response
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n"
        "Server: zhibu-offline-bot-api\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + payload)
    await writer.drain()


async def serve(
    api: FakeBotApi, host: str = "127.0.0.1", port: int = 0, *, local_mode: bool = True
) -> tuple[BotApiServer, str, str]:
    """Start serving ``api``; returns the server, the ``base_url`` and the ``base_file_url`` for PTB.

    ``local_mode`` makes the fake behave like a self-hosted server started with ``--local``, which
    accepts plain-HTTP webhook URLs — what an end-to-end test of webhook mode on 127.0.0.1 needs.
    """
    api.world.local_mode = local_mode
    server = BotApiServer(api)
    await server.start(host, port)
    return server, server.base_url, server.base_file_url
