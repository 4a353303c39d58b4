"""``zhibu run`` as a deployer starts it: a real process, real HTTP, a self-hosted Bot API URL.

The fake Bot API is served on 127.0.0.1; the process must migrate, set the command menus, answer
``/start`` through long polling (or a webhook), let the update in hand finish on SIGTERM and exit 0.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.http import serve
from tests import factories

DEADLINE = 60.0  # generous upper bound for a cold interpreter; the test returns as soon as it can
SECRET = "s3cret-token"


async def _until(predicate: Callable[[], object], what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def running_bot(tmp_path: Path, api: FakeBotApi, **telegram: Any) -> AsyncIterator[asyncio.subprocess.Process]:
    """``zhibu run`` in a subprocess against ``api`` served over HTTP; its output is shown if a check fails."""
    server, base_url, base_file_url = await serve(api)
    config = factories.write_config(tmp_path, factories.config_dict(
        tmp_path, telegram={"base_url": base_url, "base_file_url": base_file_url, **telegram}))
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": api.token,
           "ZHIBU_WEBHOOK_SECRET": SECRET}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        yield proc
    except AssertionError as exc:
        if proc.returncode is None:
            proc.kill()
        output = (await proc.communicate())[0].decode()
        raise AssertionError(f"{exc}\n--- zhibu run printed ---\n{output[-3000:]}") from None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await server.aclose()


async def _stop(proc: asyncio.subprocess.Process) -> str:
    proc.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(proc.communicate(), DEADLINE)
    assert proc.returncode == 0, output.decode()
    return output.decode()


async def test_run_against_self_hosted_api(tmp_path: Path) -> None:
    api = FakeBotApi()
    async with running_bot(tmp_path, api) as proc:
        await _until(lambda: api.calls_of("getUpdates"), "the first getUpdates")
        assert api.calls_of("setMyCommands"), "command menus were not set"
        api.add_user(factories.SECRETARY_ID, "李书记")
        api.message_update(factories.SECRETARY_ID, "/start")
        await _until(lambda: api.messages_to(factories.SECRETARY_ID), "the reply to /start")
        assert "书记" in api.messages_to(factories.SECRETARY_ID)[0].plain
        log = await _stop(proc)
        assert api.token not in log and api.token.split(":")[1] not in log
        assert (tmp_path / "data" / "zhibu.sqlite3").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_run_in_webhook_mode(tmp_path: Path) -> None:
    api = FakeBotApi()
    port = _free_port()
    webhook = {"listen": "127.0.0.1", "port": port, "url": "https://bot.example.org", "path": "hook"}
    async with running_bot(tmp_path, api, mode="webhook", webhook=webhook) as proc:
        await _until(lambda: api.calls_of("setWebhook"), "setWebhook")
        hook = api.calls_of("setWebhook")[-1].params
        assert hook["url"] == "https://bot.example.org/hook" and hook["secret_token"] == SECRET
        api.add_user(factories.SECRETARY_ID, "李书记")
        update = json.dumps(api.message_update(factories.SECRETARY_ID, "/start"))
        url = f"http://127.0.0.1:{port}/hook"
        async with httpx.AsyncClient() as client:
            forged = None
            for _ in range(200):  # the listener may come up a moment after setWebhook
                try:
                    forged = await client.post(url, content=update, headers={"Content-Type": "application/json"})
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert forged is not None, "the webhook listener never accepted a connection"
            assert forged.status_code == 403  # no secret header: refused
            good = await client.post(url, content=update, headers={
                "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert good.status_code == 200
        await _until(lambda: api.messages_to(factories.SECRETARY_ID), "the reply to /start")
        await _stop(proc)


async def test_sigterm_finishes_the_update_in_hand(tmp_path: Path) -> None:
    api = FakeBotApi()
    api.set_latency(1.5, "sendMessage")  # the reply is still on its way when the signal arrives
    async with running_bot(tmp_path, api) as proc:
        await _until(lambda: api.calls_of("getUpdates"), "the first getUpdates")
        api.add_user(factories.SECRETARY_ID, "李书记")
        api.message_update(factories.SECRETARY_ID, "/start")
        await _until(lambda: api.calls_of("sendMessage"), "the reply to be under way")
        await _stop(proc)
        assert "书记" in api.messages_to(factories.SECRETARY_ID)[0].plain  # the reply went out ...
        with sqlite3.connect(tmp_path / "data" / "zhibu.sqlite3") as db:  # ... and the join was committed
            rows = db.execute("select role, status from member where tg_user_id = ?",
                              (factories.SECRETARY_ID,)).fetchall()
        assert rows == [("secretary", "active")]
