"""``zhibu run`` as a deployer starts it: a real process, real HTTP, a self-hosted Bot API URL.

The fake Bot API is served on 127.0.0.1; the process must migrate, set the command menus, answer
``/start`` through long polling, and exit 0 on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.offline.api import FakeBotApi
from bot.offline.http import serve
from tests import factories

DEADLINE = 60.0  # generous upper bound for a cold interpreter; the test returns as soon as it can


async def _until(predicate: object, what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not predicate():  # type: ignore[operator]
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_run_against_self_hosted_api(tmp_path: Path) -> None:
    api = FakeBotApi()
    server, base_url, base_file_url = await serve(api)
    config = factories.write_config(tmp_path, factories.config_dict(
        tmp_path, telegram={"base_url": base_url, "base_file_url": base_file_url}))
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": api.token}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await _until(lambda: api.calls_of("getUpdates"), "the first getUpdates")
        assert api.calls_of("setMyCommands"), "command menus were not set"
        api.add_user(factories.SECRETARY_ID, "李书记")
        api.message_update(factories.SECRETARY_ID, "/start")
        await _until(lambda: api.messages_to(factories.SECRETARY_ID), "the reply to /start")
        assert "书记" in api.messages_to(factories.SECRETARY_ID)[0].plain
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), DEADLINE)
        assert proc.returncode == 0, output.decode()
        log = output.decode()
        assert api.token not in log and api.token.split(":")[1] not in log
        assert (tmp_path / "data" / "zhibu.sqlite3").exists()
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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_run_in_webhook_mode(tmp_path: Path) -> None:
    import json

    import httpx

    api = FakeBotApi()
    server, base_url, base_file_url = await serve(api)
    port = _free_port()
    config = factories.write_config(tmp_path, factories.config_dict(tmp_path, telegram={
        "base_url": base_url, "base_file_url": base_file_url, "mode": "webhook",
        "webhook": {"listen": "127.0.0.1", "port": port, "url": "https://bot.example.org", "path": "hook"}}))
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": api.token,
           "ZHIBU_WEBHOOK_SECRET": "s3cret-token"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await _until(lambda: api.calls_of("setWebhook"), "setWebhook")
        hook = api.calls_of("setWebhook")[-1].params
        assert hook["url"] == "https://bot.example.org/hook" and hook["secret_token"] == "s3cret-token"
        api.add_user(factories.SECRETARY_ID, "李书记")
        update = api.message_update(factories.SECRETARY_ID, "/start")
        async with httpx.AsyncClient() as client:
            forged = None
            for _ in range(200):  # the listener may come up a moment after setWebhook
                try:
                    forged = await client.post(f"http://127.0.0.1:{port}/hook", content=json.dumps(update),
                                               headers={"Content-Type": "application/json"})
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert forged is not None, "the webhook listener never accepted a connection"
            assert forged.status_code == 403  # no secret header: refused
            good = await client.post(f"http://127.0.0.1:{port}/hook", content=json.dumps(update),
                                     headers={"Content-Type": "application/json",
                                              "X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
            assert good.status_code == 200
        await _until(lambda: api.messages_to(factories.SECRETARY_ID), "the reply to /start")
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), DEADLINE)
        assert proc.returncode == 0, output.decode()
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


async def test_sigterm_finishes_the_update_in_hand(tmp_path: Path) -> None:
    import sqlite3

    api = FakeBotApi()
    api.set_latency(1.5, "sendMessage")  # the reply is still on its way when the signal arrives
    server, base_url, base_file_url = await serve(api)
    config = factories.write_config(tmp_path, factories.config_dict(
        tmp_path, telegram={"base_url": base_url, "base_file_url": base_file_url}))
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": api.token}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await _until(lambda: api.calls_of("getUpdates"), "the first getUpdates")
        api.add_user(factories.SECRETARY_ID, "李书记")
        api.message_update(factories.SECRETARY_ID, "/start")
        await _until(lambda: api.calls_of("sendMessage"), "the reply to be under way")
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), DEADLINE)
        assert proc.returncode == 0, output.decode()
        assert "书记" in api.messages_to(factories.SECRETARY_ID)[0].plain  # the reply went out ...
        with sqlite3.connect(tmp_path / "data" / "zhibu.sqlite3") as db:  # ... and the join was committed
            rows = db.execute("select role, status from member where tg_user_id = ?",
                              (factories.SECRETARY_ID,)).fetchall()
        assert rows == [("secretary", "active")]
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await server.aclose()
