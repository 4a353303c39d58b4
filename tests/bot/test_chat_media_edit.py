"""``zhibu chat`` keeps a saved picture current: when the bot replaces a photo's media (the check-in screen's
QR code rotates every minute), the file whose path the chat printed is rewritten with the new picture."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.chat_hooks import chat_hooks, chat_settings
from bot.config import load_settings
from bot.fakeapi.api import FakeBotApi
from bot.terminal import run_chat
from scheduler.clock import FakeClock

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"
SCRIPT = """:as 李书记 secretary
/start csfz-2026-join
:clock 2026-03-25 14:10
/checkincode 1
:clock +1m
:clock +1m
:quit
"""


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZHIBU_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZHIBU_DATA_DIR", raising=False)


async def test_a_rotated_check_in_code_rewrites_the_file_the_chat_showed(tmp_path: Path) -> None:
    settings = load_settings(EXAMPLE).model_copy(update={"data_dir": tmp_path / "data"})
    settings = chat_settings(settings, None, EXAMPLE)
    clock = FakeClock(datetime(2026, 3, 20, 9, 0, tzinfo=settings.tz))
    hooks = chat_hooks(settings, clock)
    api: FakeBotApi = hooks["api"]
    out = io.StringIO()
    assert await run_chat(settings, stdin=io.StringIO(SCRIPT), stdout=out, clock=clock, **hooks) == 0

    shown = re.findall(r"已保存到 (\S+?)（", out.getvalue())
    photo = next(m for m in api.outbox if m.kind == "photo")
    edits = [m for m in api.outbox if m.kind == "edit" and m.message_id == photo.message_id and m.file_bytes]
    assert len(edits) == 2  # the code rotated twice
    assert photo.file_bytes not in {e.file_bytes for e in edits}  # each is a new picture
    assert len(shown) == 3 and len(set(shown)) == 1  # the first path, printed again under each edit
    opened = await asyncio.to_thread(Path(shown[0]).read_bytes)
    assert opened == edits[-1].file_bytes  # the file the user opened shows the current code
