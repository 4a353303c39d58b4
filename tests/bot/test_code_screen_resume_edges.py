"""Check-in screen resume, the edges (review R5): a screen whose owner may no longer show codes gets a
closing edit (not a stale code for good); Telegram's "message is not modified" on a restart within the same
code period does not end the screen; and a resume that fails (the database away) does not stop start-up."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.fakeapi.records import BotApiError
from scheduler.clock import FakeClock
from storage.db import Database
from storage.models import Member, Role
from tests.bot.code_screen_helpers import caption, code, screen, starter
from tests.bot.test_meetings import deliver, svc_of
from tests.factories import INVITE, SECRETARY_ID


async def test_a_screen_whose_owner_lost_the_role_gets_a_closing_edit(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    api, start = starter(tmp_path, db_url, clock)
    async with start() as s:
        _mid, shown = await screen(s, clock)

        def demote(*, session: Any) -> None:
            row = session.exec(select(Member).where(Member.tg_user_id == SECRETARY_ID)).one()
            row.role = Role.MEMBER
            session.add(row)

        await svc_of(s).db.run(demote)
    clock.advance(timedelta(minutes=3))
    # the config no longer names him either (a start re-promotes the configured secretaries)
    async with start(branches=[{"key": "csfz", "name": "直属城市发展研究中心党支部", "invite_code": INVITE,
                                "secretaries": [SECRETARY_ID + 1]}]):
        text = caption(api, shown)
        assert "已停用" in text and not re.search(r"签到码 \d{4}", text), text
        assert not api.world.messages[(SECRETARY_ID, shown)].json.get("reply_markup")  # no 🔄 any more


async def test_not_modified_on_a_restart_within_the_period_keeps_the_screen(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    api, start = starter(tmp_path, db_url, clock)
    async with start() as s:
        _mid, shown = await screen(s, clock)
        before = code(caption(api, shown))
    clock.advance(timedelta(seconds=10))  # a quick restart: the same code period
    api.fail_next("editMessageMedia", BotApiError.bad_request(
        "message is not modified: specified new message content and reply markup are exactly the same"))
    async with start() as s:
        assert code(caption(api, shown)) == before  # the failed edit changed nothing
        clock.advance(timedelta(minutes=1))
        await deliver(s)
        assert code(caption(api, shown)) != before  # still live: it rotates
        assert "前有效" in caption(api, shown)


async def test_a_failing_resume_does_not_stop_the_start(
        tmp_path: Path, db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    api, start = starter(tmp_path, db_url, clock)
    async with start() as s:
        _mid, shown = await screen(s, clock)
    original = Database.run

    async def down(self: Database, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        if getattr(fn, "__name__", "") == "_live_screens":
            raise ConnectionError("the database is down")
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(Database, "run", down)
    async with start() as s:  # started regardless
        assert await s.send(SECRETARY_ID, "/help")  # and answers
    assert "签到码" in caption(api, shown)  # the screen itself was left as it was
