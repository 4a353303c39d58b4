"""Review R2.5: one ``zhibu run`` per database, in webhook mode too.

Long polling had Telegram's 409 to keep a second process from getting updates; a webhook had nothing, so a
second process on the same database re-registered the webhook to itself and ticked beside the first.  Now
the second start ends at once — before ``setWebhook`` — in one catalog line with exit code 3, and the lock
goes with the process, so a restart after the first one stops (or is killed) starts normally."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import httpx

from bot.fakeapi.api import FakeBotApi
from bot.texts import Catalog
from scheduler.lock import run_lock
from storage.db import Database
from tests import factories
from tests.bot.test_run_command import DEADLINE, SECRET, _free_port, _stop, _until, running_bot


def test_a_second_holder_of_one_database_is_refused_until_the_first_lets_go(db_url: str) -> None:
    first, second = Database(db_url), Database(db_url)  # two engines: two processes' worth of connections
    try:
        with run_lock(first) as mine:
            assert mine
            with run_lock(second) as theirs:
                assert not theirs
        with run_lock(second) as theirs:
            assert theirs
    finally:
        first.dispose()
        second.dispose()


async def _second_run(tmp_path: Path, api: FakeBotApi, port: int) -> tuple[int, str]:
    """Another ``zhibu run`` in webhook mode on the same data dir (so the same database), another port."""
    config = factories.write_config(tmp_path / "second", factories.config_dict(tmp_path, telegram={
        "base_url": "http://127.0.0.1:9/never-called", "mode": "webhook",
        "webhook": {"listen": "127.0.0.1", "port": port, "url": "https://two.example.org", "path": "hook"}}))
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": api.token,
           "ZHIBU_WEBHOOK_SECRET": SECRET}
    env.pop("ZHIBU_DATABASE_URL", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), DEADLINE)
    assert proc.returncode is not None
    return proc.returncode, err.decode()


async def _answers_start(api: FakeBotApi, port: int) -> None:
    api.add_user(factories.SECRETARY_ID, "李书记")
    update = json.dumps(api.message_update(factories.SECRETARY_ID, "/start"))
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        for _ in range(200):  # the listener may come up a moment after setWebhook
            try:
                answer = await client.post(f"http://127.0.0.1:{port}/hook", content=update, headers=headers)
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
        assert answer.status_code == 200
    await _until(lambda: api.messages_to(factories.SECRETARY_ID), "the reply to /start")


async def test_a_second_webhook_process_on_one_database_ends_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "second").mkdir()
    api = FakeBotApi()
    webhook = {"listen": "127.0.0.1", "port": _free_port(), "url": "https://bot.example.org", "path": "hook"}
    async with running_bot(tmp_path, api, mode="webhook", webhook=webhook) as proc:
        await _until(lambda: api.calls_of("setWebhook"), "setWebhook")
        code, err = await _second_run(tmp_path, api, _free_port())
        assert code == 3, err
        assert "Traceback" not in err and err.strip(), err
        line = err.strip().splitlines()
        assert len(line) == 1, err  # nothing else: not even a migration ran before the refusal
        expected = Catalog.load().plain("run.already_running", "zh", database=f"sqlite:///{tmp_path}/data/zhibu.sqlite3")
        assert line[0] == f"zhibu: {expected}", err
        assert [c.params["url"] for c in api.calls_of("setWebhook")] == ["https://bot.example.org/hook"]
        await _answers_start(api, webhook["port"])  # the first one still has the webhook, and answers
        await _stop(proc)
    # the first process is gone, and its lock with it: the same database starts again
    again, again_port = FakeBotApi(), _free_port()
    async with running_bot(tmp_path, again, mode="webhook", webhook={**webhook, "port": again_port}) as proc:
        await _until(lambda: again.calls_of("setWebhook"), "setWebhook after the first process stopped")
        await _answers_start(again, again_port)
        await _stop(proc)
