"""Lines from standard input for ``zhibu chat``, read without blocking the event loop.

The bot keeps running (its ticks, its replies) while the chat waits for the next line, so reading must
not hold the loop: a terminal is watched with ``loop.add_reader``, anything else is read in a thread.
"""

from __future__ import annotations

import asyncio
import os
from typing import TextIO


class StdinLines:
    """Input lines, read without blocking the event loop.

    A terminal is read with ``loop.add_reader`` on its file descriptor, so Ctrl-C ends the chat at
    once (a thread blocked in ``readline`` would keep the process alive until Enter).  Pipes, files and
    ``StringIO`` are read with ``readline`` in a worker thread; they always reach end of input.
    """

    def __init__(self, stdin: TextIO) -> None:
        self.stdin = stdin
        self.fd: int | None = None
        if getattr(stdin, "isatty", lambda: False)():
            self.fd = stdin.fileno()
        self._buffer = b""
        self._ready: asyncio.Queue[str | None] = asyncio.Queue()

    async def __aenter__(self) -> StdinLines:
        if self.fd is not None:
            asyncio.get_running_loop().add_reader(self.fd, self._on_readable)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.fd is not None:
            asyncio.get_running_loop().remove_reader(self.fd)

    def _on_readable(self) -> None:
        chunk = os.read(self.fd, 4096) if self.fd is not None else b""
        if not chunk:  # Ctrl-D: hand over a last unterminated line, then end of input
            if self._buffer:
                self._ready.put_nowait(self._buffer.decode("utf-8", "replace"))
            self._ready.put_nowait(None)
            self._buffer = b""
            return
        self._buffer += chunk
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            self._ready.put_nowait(line.decode("utf-8", "replace") + "\n")

    async def readline(self) -> str | None:
        if self.fd is not None:
            return await self._ready.get()
        line = await asyncio.to_thread(self.stdin.readline)
        return line or None
