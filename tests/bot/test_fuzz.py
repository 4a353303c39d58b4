"""Thousands of random updates through the real Application: nothing raises, and the store stays sane.

Members, secretaries, committee admins and strangers send random commands with random arguments,
press real and forged buttons, type text full of control characters and send documents, in private and
in the branch group.  Afterwards: no handler error was logged, every button press was answered, nobody
is active in two branches, every branch that had a secretary still has one, and no control character
reached the members' rows or the audit log.  Runs on an SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.app import build_application, command_table
from bot.context import SERVICES_KEY
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.inputs import has_control_characters
from storage.models import AuditEntry, Member, MemberStatus, Role
from tests import factories

SECRETARIES = {"jia": [90001, 90002], "yi": [90003]}
ADMINS = [95000, 95001]
MEMBERS = list(range(10001, 10013))
STRANGERS = [20001, 20002, 20003]
GROUP = -100777
CODES = {"jia": factories.INVITE, "yi": "yizhibu2026"}
UPDATES = 3000  # an upper bound: the time budget below usually ends the run first
BUDGET_SECONDS = 25.0  # per store, setup excluded (~30-40 updates a second on one core)
JUNK = ["\x00", "\x07", "\u202e", "\x1b[2J", "\ud800", "\u200b", "<b>", "&", "\n", "🙂", "党", "'", ";", " "]
WORDS = ["党员", "书记", "admin", "正式", "预备", "full", "en", "zh", "fr", "jia", "yi", "all", "demo2026",
         "ci_1", "q_99", "#1"]
NUMBERS = ["0", "-1", "1", "2", "3", "7", "15", "2147483647", "2147483648", "99999999999999999999", "1e3", "٣"]
FORGED = ["v1:mem:rm:{n}", "v1:mem:tr:{n}:{n}", "v1:mem:no:{n}", "v1:reg:a:{n}", "v1:reg:r:{n}",
          "v1:join:b:{n}", "v1:adm:b:{n}", "v1:rv:p:{n}", "v1:rv:all", "v0:old:{n}", "v1:{n}", "{n}", "v1:mem:rm:"]


def _settings(tmp_path: Path, db_url: str) -> Any:
    return factories.settings(
        tmp_path, database={"url": db_url}, flood={"messages": 1000, "per_seconds": 1},
        branches=[{"key": key, "name": f"{key}支部", "invite_code": CODES[key], "secretaries": ids,
                   **({"group_chat_id": GROUP} if key == "jia" else {})} for key, ids in SECRETARIES.items()],
        committee_admins=[ADMINS[0], {"id": ADMINS[1], "branches": ["yi"]}],
    )


def _junk(rng: random.Random) -> str:
    return "".join(rng.choice(JUNK + WORDS) for _ in range(rng.randint(1, 6)))


def _command(rng: random.Random, names: list[str]) -> str:
    name = rng.choice([*names, "frobnicate", "START", "members@other_bot"])
    args = [rng.choice(NUMBERS + WORDS + [_junk(rng)]) for _ in range(rng.choice([0, 1, 1, 2, 2, 3]))]
    return " ".join([f"/{name}", *args])


class Fuzzer:
    def __init__(self, session: OfflineSession, rng: random.Random) -> None:
        self.s = session
        self.rng = rng
        self.names = [c.name for c in command_table()]
        self.users = [u for ids in SECRETARIES.values() for u in ids] + ADMINS + MEMBERS + STRANGERS
        self.pressed = 0

    async def setup(self) -> None:
        api = self.s.api
        api.add_group(GROUP, "甲支部群")
        for user in self.users:
            api.add_user(user, f"用户{user}", language_code=self.rng.choice(["zh-hans", "en", None]))
        for ids in SECRETARIES.values():
            for user in ids:
                await self.s.send(user, "/start")
        for user in ADMINS:
            await self.s.send(user, "/start")
        for i, user in enumerate(MEMBERS):
            await self.s.send(user, f"/start {CODES['jia' if i % 2 else 'yi']}" if i % 3 else "/start")

    async def step(self) -> None:
        rng, api = self.rng, self.s.api
        self.s.clock.advance(timedelta(seconds=rng.choice([1, 2, 30])))
        user = rng.choice(self.users)
        group = rng.random() < 0.15
        roll = rng.random()
        if roll < 0.55:
            text = _command(rng, self.names)
        elif roll < 0.65:
            text = _junk(rng)
        elif roll < 0.9:
            await self._press(user, group)
            return
        else:
            name = rng.choice(["题库.xlsx", "a.docx", "b.txt", "c.doc", "d.pdf", "e.md"])
            payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
            await self.s.feed(api.document_update(user, name, payload))
            return
        if group:
            await self.s.feed(api.group_message_update(user, GROUP, text))
        else:
            await self.s.send(user, text)

    async def _press(self, user: int, group: bool) -> None:
        api, rng = self.s.api, self.rng
        chat = GROUP if group else user
        keyboard = api.last_keyboard(chat)
        messages = api.messages_to(chat)
        if keyboard is not None and rng.random() < 0.6:
            button = rng.choice(keyboard.buttons())
            data, message_id = button.callback_data, keyboard.message_id
        elif messages:
            n = rng.choice([*NUMBERS[:8], "2147483648", "99999999999999999999"])
            data, message_id = rng.choice(FORGED).format(n=n), messages[-1].message_id
        else:
            return
        if data is None:
            return
        self.pressed += 1
        await self.s.feed(api.callback_update(user, message_id, data, None if not group else GROUP))


def _staffed(session: OfflineSession) -> set[int]:
    svc = session.app.bot_data[SERVICES_KEY]
    with svc.db.session() as s:
        rows = s.exec(select(Member).where(Member.role == Role.SECRETARY, Member.status == MemberStatus.ACTIVE))
        return {m.branch_id for m in rows}


def _check_store(session: OfflineSession, had_secretary: set[int]) -> None:
    svc = session.app.bot_data[SERVICES_KEY]
    with svc.db.session() as s:
        members = s.exec(select(Member)).all()
        details = [e.detail + e.action for e in s.exec(select(AuditEntry))]
    active: dict[int, int] = {}
    for member in members:
        assert not has_control_characters(member.name + (member.username or "")), repr(member.name)
        if member.status == MemberStatus.ACTIVE:
            active[member.tg_user_id] = active.get(member.tg_user_id, 0) + 1
    assert max(active.values()) == 1, "someone is active in two branches"
    staffed = {m.branch_id for m in members if m.role == Role.SECRETARY and m.status == MemberStatus.ACTIVE}
    assert staffed >= had_secretary, "a branch lost its last secretary"
    assert not any(has_control_characters(d) for d in details)


async def test_random_updates_break_nothing(
    tmp_path: Path, clock: FakeClock, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeBotApi(clock=clock)
    factory = partial(build_application, _settings(tmp_path, db_url))
    async with OfflineSession(factory, api=api, clock=clock, require_callback_answers=False) as session:
        fuzzer = Fuzzer(session, random.Random(20261201))
        with caplog.at_level(logging.ERROR):
            await fuzzer.setup()
            had_secretary = _staffed(session)
            started = time.monotonic()
            steps = 0
            while steps < UPDATES and time.monotonic() - started < BUDGET_SECONDS:
                await fuzzer.step()
                steps += 1
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, [(r.getMessage(), r.exc_info and repr(r.exc_info[1])) for r in errors[:5]]
        assert not api.unanswered_callbacks()
        assert steps >= 300 and fuzzer.pressed > 50, (steps, fuzzer.pressed)
        assert len(had_secretary) == len(SECRETARIES)
        _check_store(session, had_secretary)
