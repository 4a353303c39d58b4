"""Figures are for the branch's secretaries and the committee admins who oversee it — nobody else.

Walks every statistics command and the digest's button as a member, as another branch's secretary, as a
stranger, in the group and as the two kinds of committee admin, and checks what each one sees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.callbacks import CallbackData
from bot.context import SERVICES_KEY, Services
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Branch, Delivery, Member
from tests import factories
from tests.bot.test_scope_and_privacy import (
    ADMIN,
    ADMIN_A_ONLY,
    GROUP_A,
    MEMBER_A,
    SEC_A,
    SEC_B,
    _people,
    two_branches,
)

STRANGER = 33333
COMMANDS = ("/stats", "/stats month", "/chart", "/export", "/committee")


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    async with factories.offline_bot(two_branches(tmp_path, db_url), clock) as s:
        await _people(s)
        s.api.add_user(STRANGER, "路人")
        yield s


def _ids(s: OfflineSession) -> dict[str, int]:
    svc: Services = s.app.bot_data[SERVICES_KEY]
    with svc.db.session() as session:
        members = {m.name: m.id for m in session.exec(select(Member)).all()}
        branches = {b.key: b.id for b in session.exec(select(Branch)).all()}
    return {**{k: v for k, v in members.items() if v is not None}, **{k: v for k, v in branches.items() if v}}


async def test_members_strangers_and_groups_see_no_figures(world: OfflineSession) -> None:
    for user in (MEMBER_A, STRANGER):
        for command in COMMANDS:
            replies = await world.send(user, command)
            assert replies and all(r.kind == "message" for r in replies), command  # no chart, no workbook
            assert not any("甲支部" in r.plain or "张三" in r.plain for r in replies), (user, command)
    world.api.add_group(GROUP_A, "甲支部群")
    for command in COMMANDS:
        replies = await world.send(SEC_A, command, chat_id=GROUP_A)  # run in the secretary's private chat
        assert replies and all(r.chat_id == SEC_A for r in replies), command
    assert world.api.messages_to(GROUP_A) == []


async def test_a_secretary_sees_only_their_branch(world: OfflineSession) -> None:
    ids = _ids(world)
    text = (await world.send(SEC_B, "/stats"))[0].plain
    assert "乙支部" in text and "甲支部" not in text and "张三" not in text
    other = (await world.send(SEC_B, f"/stats {ids['张三']}"))[0].plain  # a member of the other branch
    assert "张三" not in other and "没有编号" in other
    workbook = (await world.send(SEC_B, "/export"))[0]
    assert workbook.kind == "document" and workbook.file_name == "台账-乙支部-202603.xlsx"  # the name, not the key
    assert "抱歉" in (await world.send(SEC_B, "/committee"))[0].plain


async def test_a_forged_nudge_for_another_branch_changes_nothing(world: OfflineSession) -> None:
    ids = _ids(world)
    forged = CallbackData("st", "nudge", (str(ids["jia"]), "2026-W12")).encode()
    message = (await world.send(SEC_B, "/stats"))[0]
    await world.feed(world.api.callback_update(SEC_B, message.message_id, forged))
    assert not world.api.unanswered_callbacks()
    svc: Services = world.app.bot_data[SERVICES_KEY]
    with svc.db.session() as session:
        assert not session.exec(select(Delivery).where(Delivery.kind == "nudge")).all()


async def test_committee_admins_see_the_branches_they_oversee(world: OfflineSession) -> None:
    both = (await world.send(ADMIN, "/committee"))[0].plain
    assert "甲支部" in both and "乙支部" in both
    only_a = (await world.send(ADMIN_A_ONLY, "/committee"))[0].plain
    assert "甲支部" in only_a and "乙支部" not in only_a
    assert "甲支部" in (await world.send(ADMIN_A_ONLY, "/stats"))[0].plain
    ids = _ids(world)
    assert "李四" not in (await world.send(ADMIN_A_ONLY, f"/stats {ids['李四']}"))[0].plain
