"""Nothing a user types crashes the bot or corrupts the store; errors get an apology and a log line."""

from __future__ import annotations

import logging
import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.context import SERVICES_KEY
from bot.fakeapi.session import OfflineSession
from tests.factories import INVITE, SECRETARY_ID

MEMBER = 10001

NASTY = [
    "", " ", "/", "/start " + "x" * 500, "/start ../../etc/passwd", "/start <b>", "/approve -1", "/approve 0",
    "/approve 99999999999999999999999", "/setrole 1 皇帝", "/standing 1", "/remove abc", "/lang " + "e" * 100,
    "<b>未闭合", "&amp; & < > \"", "/members@zhibu_bot", "/help@other_bot", "🙂" * 300, "\u200b\u202e反转",
    "/START", "SELECT * FROM member; --", "/members '; DROP TABLE member; --",
]


async def _join(session: OfflineSession) -> None:
    session.api.add_user(SECRETARY_ID, "李书记")
    await session.send(SECRETARY_ID, "/start")
    session.api.add_user(MEMBER, "<b>张三</b> & co")
    await session.send(MEMBER, f"/start {INVITE}")


async def test_hostile_input_always_gets_an_answer(session: OfflineSession, caplog: pytest.LogCaptureFixture) -> None:
    await _join(session)
    rng = random.Random(7)
    lines = NASTY + ["".join(rng.choice("/ab1 中<>&\n") for _ in range(rng.randint(1, 40))) for _ in range(30)]
    session.api.add_user(10077, "路人")
    for user in (MEMBER, SECRETARY_ID, 10077):
        for line in lines:
            if not line.strip():
                continue
            session.clock.advance(timedelta(seconds=5))  # stay under the flood guard
            replies = await session.send(user, line)
            assert replies, f"no answer to {line!r} from {user}"
    assert "error while handling update" not in caplog.text
    roster = (await session.send(SECRETARY_ID, "/members"))[0]
    assert "<b>张三</b> & co" in roster.plain  # escaped on the way in, shown verbatim


async def test_handler_error_apologises_and_logs_update_id(
    session: OfflineSession, caplog: pytest.LogCaptureFixture
) -> None:
    await _join(session)
    svc = session.app.bot_data[SERVICES_KEY]
    with svc.db.engine.begin() as connection:  # the store breaks under the bot's feet
        connection.execute(text("DROP TABLE auditentry"))
    with caplog.at_level(logging.ERROR, logger="zhibu.errors"):
        replies = await session.send(MEMBER, "/members")  # the refusal is audited: the insert fails
    assert "出了点问题" in replies[0].plain
    pattern = re.compile(r"error while handling update \d{9}")
    logged = [r for r in caplog.records if r.exc_info and pattern.search(r.getMessage())]
    assert logged, [r.getMessage() for r in caplog.records]


async def test_stale_buttons_are_answered(session: OfflineSession) -> None:
    await _join(session)
    message = (await session.send(MEMBER, "/help"))[0]
    update = session.api.callback_update(MEMBER, message.message_id, "v0:old:button")
    await session.feed(update)
    assert not session.api.unanswered_callbacks()


def test_long_texts_split_at_line_breaks() -> None:
    from bot.context import split_message

    lines = [f"#{i} 党员{i} · 党员 · 正式党员 · 在册" for i in range(400)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert split_message("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]


async def test_button_failure_still_gets_an_apology(session: OfflineSession) -> None:
    await _join(session)
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    member_id = re.search(r"#(\d+) <b>张三", roster).group(1)
    await session.send(SECRETARY_ID, f"/remove {member_id}")
    svc = session.app.bot_data[SERVICES_KEY]
    with svc.db.engine.begin() as connection:
        connection.execute(text("DROP TABLE auditentry"))
    await session.press(SECRETARY_ID, 1)
    answers = list(session.api.callback_answers.values())
    assert answers and "出了点问题" in (answers[-1].get("text") or "")


async def test_unblocking_makes_a_member_reachable_again(session: OfflineSession) -> None:
    await _join(session)
    await session.feed(session.api.block(MEMBER))
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "无法送达" in roster
    told = [m for m in session.api.messages_to(SECRETARY_ID) if "无法送达" in m.plain and "屏蔽" in m.plain]
    assert len(told) == 1  # the secretary is told once
    await session.feed(session.api.unblock(MEMBER))
    assert "无法送达" not in (await session.send(SECRETARY_ID, "/members"))[0].plain
