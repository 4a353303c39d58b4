"""Third user trial, members and statistics: defects a secretary met while approving and counting."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from tests.factories import SECRETARY_ID

NEWCOMER, OTHER = 10002, 10003


async def _secretary_and_two_applicants(session: OfflineSession) -> list[str]:
    """李书记 registers; 王五 and 赵六 ask to join without an invite; the request messages' plain texts."""
    session.api.add_user(SECRETARY_ID, "李", last_name="书记")
    await session.send(SECRETARY_ID, "/start")
    session.api.add_user(NEWCOMER, "王五")
    session.api.add_user(OTHER, "赵六")
    requests = []
    for user in (NEWCOMER, OTHER):
        requests += [r.plain for r in await session.send(user, "/start") if r.chat_id == SECRETARY_ID]
    return requests


async def test_approval_chooses_the_standing_and_tells_the_member(session: OfflineSession) -> None:
    """V16: nobody becomes 正式党员 by default — the request offers 正式 / 预备, /approve without a standing
    asks, and the newcomer is told which they are."""
    requests = await _secretary_and_two_applicants(session)
    assert [b.text for b in session.api.last_keyboard(SECRETARY_ID).buttons()] == [  # type: ignore[union-attr]
        "✅ 批准·正式党员", "✅ 批准·预备党员", "✖️ 拒绝"]
    asked = await session.send(SECRETARY_ID, "/approve 王五")  # by name, no standing: a question, no decision
    assert "正式党员还是预备党员" in asked[0].plain and not [r for r in asked if r.chat_id == NEWCOMER]
    assert "等待书记审批" in (await session.send(NEWCOMER, "/help"))[0].plain
    await session.send(SECRETARY_ID, "/approve 王五")
    told = await session.press(SECRETARY_ID, 2)  # ✅ 批准·预备党员 under the question
    assert any(r.chat_id == NEWCOMER and "已获批准" in r.plain and "预备党员" in r.plain for r in told)
    assert any(r.chat_id == SECRETARY_ID and "预备党员" in r.plain for r in told)
    other_id = requests[1].split("编号：")[1].split()[0]
    by_id = await session.send(SECRETARY_ID, f"/approve {other_id} 正式")  # by id with the standing: at once
    assert any(r.chat_id == OTHER and "正式党员" in r.plain for r in by_id)
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "王五 · 党员 · 预备党员" in roster and "赵六 · 党员 · 正式党员" in roster, roster


async def test_an_applicant_is_not_on_the_member_roll(session: OfflineSession) -> None:
    """Trial 3: a waiting applicant stood on the 党员名册 as 待审批 with the role 党员; they are no member
    (``/stats`` does not count them) until approved."""
    await _secretary_and_two_applicants(session)
    await session.send(SECRETARY_ID, "/approve 赵六 预备")
    book = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/export"))[0].file_bytes or b""))
    rows = {row[1]: row for row in book["党员名册"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"李 书记", "赵六"} and rows["赵六"][2] == "预备党员", rows
