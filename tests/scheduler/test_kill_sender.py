"""kill -9 of a real ``zhibu run`` in the middle of a fan-out, then a restart: nothing lost, and a message
arrives twice only if its row was marked uncertain (its request may have left when the process died).

The process is the product's command line against the HTTP fake of the Bot API, with a reminder-like
kind added (``tests/scheduler/run_with_kind.py``); the benchmark repeats this twenty times on 10,000 rows.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.http import serve
from scheduler import outbox
from storage.db import Database
from storage.models import Branch, Delivery, DeliveryState
from tests import factories
from tests.scheduler.run_with_kind import KIND

DEADLINE = 90.0
ROWS = 120
FIRST_CHAT = 20_000


async def _until(predicate: Callable[[], object], what: str, proc: asyncio.subprocess.Process, log: Path) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not predicate():
        if loop.time() > end or proc.returncode is not None:
            output = (await asyncio.to_thread(log.read_text, encoding="utf-8", errors="replace"))[-3000:]
            raise AssertionError(f"timed out waiting for {what}\n--- zhibu run printed ---\n{output}")
        await asyncio.sleep(0.05)


REPO = Path(__file__).resolve().parents[2]


async def _start(config: Path, token: str, cwd: Path, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "ZHIBU_CONFIG": str(config), "ZHIBU_TELEGRAM_TOKEN": token,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scheduler.run_with_kind", "run", env=env, cwd=cwd,
            stdout=out, stderr=asyncio.subprocess.STDOUT)


def _rows(db: Database) -> list[Delivery]:
    with db.session() as s:
        return list(s.exec(select(Delivery)).all())


async def test_kill_9_mid_fan_out_loses_nothing_and_duplicates_only_uncertain_rows(tmp_path: Path) -> None:
    api = FakeBotApi()
    api.set_latency(0.05, "sendMessage")
    chats = [FIRST_CHAT + i for i in range(ROWS)]
    for chat in chats:
        api.add_user(chat, f"党员{chat}")
    server, base_url, base_file_url = await serve(api)
    config = factories.write_config(tmp_path, factories.config_dict(
        tmp_path, telegram={"base_url": base_url, "base_file_url": base_file_url}, schedule={"tick_seconds": 5}))
    db = Database(f"sqlite:///{tmp_path}/data/zhibu.sqlite3")
    procs: list[asyncio.subprocess.Process] = []
    log = tmp_path / "zhibu-run.log"
    try:
        procs.append(await _start(config, api.token, tmp_path, log))
        await _until(lambda: api.calls_of("getUpdates"), "the first process to start", procs[0], log)
        now = datetime.now(UTC)
        with db.session() as s:
            branch = s.exec(select(Branch)).one()
            for chat in chats:
                outbox.enqueue(session=s, branch_id=branch.id, kind=KIND, dedup_key=f"drill:{chat}", chat_id=chat,
                               due_at=now, now=now)
        await _until(lambda: len(api.calls_of("sendMessage")) >= ROWS // 4, "the fan-out to be under way",
                     procs[0], log)
        procs[0].kill()  # kill -9: no chance to hand anything back
        await procs[0].wait()
        left = Counter((r.state, r.attempted_at is not None) for r in _rows(db))
        assert left[(DeliveryState.CLAIMED, False)] > 0, left  # claimed, never tried: must not be lost

        procs.append(await _start(config, api.token, tmp_path, log))
        await _until(lambda: all(r.state == DeliveryState.SENT for r in _rows(db)), "every row to be sent",
                     procs[1], log)
        procs[1].send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(procs[1].wait(), DEADLINE) == 0
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        await server.aclose()
    rows = _rows(db)
    db.dispose()
    arrived = Counter(m.chat_id for m in api.outbox)
    assert set(arrived) == set(chats)  # nothing lost
    duplicated = {chat for chat, n in arrived.items() if n > 1}
    uncertain = {r.chat_id for r in rows if r.uncertain_at is not None}
    assert duplicated <= uncertain, (duplicated, uncertain)
    assert len(uncertain) <= 12  # at most the requests in flight when the process died
