"""Every way ``zhibu run`` can end is one line on stderr, never a traceback, never the token.

Real processes against the HTTP fake Bot API (``bot/fakeapi/http.py``), as a deployer would meet them: no
token, a token Telegram rejects, a Bot API that is down (then comes up), a database that is down.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.http import serve
from tests import factories

DEADLINE = 60.0
TOKEN = "987654321:AAH" + "q" * 32  # well-formed, but not the fake's


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, token: str | None, **telegram: Any) -> dict[str, str]:
    config = factories.write_config(tmp_path, factories.config_dict(tmp_path, telegram=telegram))
    env = {**os.environ, "ZHIBU_CONFIG": str(config)}
    for name in ("ZHIBU_TELEGRAM_TOKEN", "ZHIBU_DATABASE_URL", "ZHIBU_DATA_DIR"):
        env.pop(name, None)
    if token is not None:
        env["ZHIBU_TELEGRAM_TOKEN"] = token
    return env


async def _run(env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), DEADLINE)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _last_line(err: str) -> str:
    assert "Traceback" not in err, err
    return err.strip().splitlines()[-1]


async def test_no_token_stops_before_anything_is_migrated(tmp_path: Path) -> None:
    code, _, err = await _run(_env(tmp_path, None), tmp_path)
    assert code == 2
    assert err.strip() == ("zhibu: config error: ZHIBU_TELEGRAM_TOKEN: no bot token: set it in the environment, "
                           "or name a file with telegram.token_file")
    assert not (tmp_path / "data").exists()  # the token is checked before the database is touched


async def test_a_rejected_token_ends_in_one_line_without_the_token(tmp_path: Path) -> None:
    api = FakeBotApi()  # answers only its own token: ours gets 401 Unauthorized
    server, base_url, base_file_url = await serve(api)
    try:
        code, out, err = await _run(_env(tmp_path, TOKEN, base_url=base_url, base_file_url=base_file_url), tmp_path)
    finally:
        await server.aclose()
    assert code == 2
    assert _last_line(err) == (f"zhibu: the Bot API at {base_url} rejected the bot token; check ZHIBU_TELEGRAM_TOKEN "
                               "(or telegram.token_file) against @BotFather")
    for secret in (TOKEN, TOKEN.split(":")[1]):
        assert secret not in out + err


async def test_an_unreachable_bot_api_is_retried_then_given_up_in_one_line(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{_free_port()}/bot"  # nothing listens there
    code, out, err = await _run(_env(tmp_path, TOKEN, base_url=base_url, startup_retries=2), tmp_path)
    assert code == 1
    assert _last_line(err) == (f"zhibu: the Telegram Bot API at {base_url} is unreachable (httpx.ConnectError: All "
                               "connection attempts failed); gave up after 3 attempts")
    retries = [line for line in err.splitlines() if "WARNING bot.runner: Telegram Bot API unreachable" in line]
    assert [line.split("; ")[-1] for line in retries] == ["retry 1 of 2 in 1s", "retry 2 of 2 in 2s"]  # backoff
    assert TOKEN.split(":")[1] not in out + err


async def test_a_bot_api_that_comes_up_later_is_reached(tmp_path: Path) -> None:
    port = _free_port()
    api = FakeBotApi()
    env = _env(tmp_path, api.token, base_url=f"http://127.0.0.1:{port}/bot",
               base_file_url=f"http://127.0.0.1:{port}/file/bot", startup_retries=5)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    server = None
    try:
        assert proc.stderr is not None
        seen = ""
        while "Telegram Bot API unreachable" not in seen:
            line = await asyncio.wait_for(proc.stderr.readline(), DEADLINE)
            assert line, f"zhibu run ended early: {seen}"
            seen += line.decode()
        server, _, _ = await serve(api, port=port)
        loop = asyncio.get_running_loop()
        end = loop.time() + DEADLINE
        while not api.calls_of("getUpdates"):
            assert loop.time() < end, "the bot never started polling"
            await asyncio.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), DEADLINE)
        assert proc.returncode == 0, seen + err.decode()
        assert "Traceback" not in seen + err.decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        if server is not None:
            await server.aclose()


async def test_sigterm_while_waiting_for_the_bot_api_exits_0(tmp_path: Path) -> None:
    env = _env(tmp_path, TOKEN, base_url=f"http://127.0.0.1:{_free_port()}/bot", startup_retries=50)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    while b"Telegram Bot API unreachable" not in await asyncio.wait_for(proc.stderr.readline(), DEADLINE):
        pass
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 10)  # well before the next retry would end
    assert proc.returncode == 0
    assert "stopped before the Bot API answered" in err.decode() and "Traceback" not in err.decode()


async def test_an_unreachable_database_ends_in_one_line_with_the_password_masked(tmp_path: Path) -> None:
    env = _env(tmp_path, TOKEN)
    env["ZHIBU_DATABASE_URL"] = f"postgresql://zhibu:hunter2@127.0.0.1:{_free_port()}/zhibu"
    code, out, err = await _run(env, tmp_path)
    assert code == 1
    line = _last_line(err)
    assert line.startswith("zhibu: cannot use the database postgresql://zhibu:***@127.0.0.1:")
    assert "Connection refused" in line
    assert "hunter2" not in out + err
