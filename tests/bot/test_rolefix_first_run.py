"""Trial T20: on a branch no secretary uses yet, ``/start`` without a code got two half-contradictory
messages ("sent to the secretary", then "there is no secretary"), and ``/help`` for a waiting applicant
listed nothing.  Now one message that holds, and /help says where the request stands and what can be used."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests import factories

APPLICANT = 10401


@pytest.fixture
async def nobody_decides(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    settings = factories.settings(tmp_path, database={"url": db_url}, branches=[
        {"key": "demo", "name": "示例党支部", "invite_code": "demo2026", "secretaries": []}])
    async with factories.offline_bot(settings, clock) as s:
        yield s


async def test_a_request_with_no_secretary_gets_one_message_and_help_lists_what_works(
        nobody_decides: OfflineSession) -> None:
    s = nobody_decides
    s.api.add_user(APPLICANT, "孙八")
    replies = [r for r in await s.send(APPLICANT, "/start") if r.chat_id == APPLICANT]
    assert len(replies) == 1, [r.plain for r in replies]
    text = replies[0].plain
    assert "示例党支部的申请已记录" in text and "还没有开始使用" in text and "已向" not in text, text
    help_text = (await s.send(APPLICANT, "/help"))[0].plain
    assert "等待书记审批" in help_text
    assert all(f"/{name}" in help_text for name in ("lang", "whoami", "help")), help_text
    assert "/start" not in help_text and "/quiz" not in help_text, help_text
    await s.send(APPLICANT, "/lang en")
    english = (await s.send(APPLICANT, "/help"))[0].plain
    assert "What you can use now" in english and "/whoami" in english, english
