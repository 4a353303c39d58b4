"""Review R2.11: /attendance's "how to approve" hint named the member in the command, which failed for a
name with a space (the secretary "李 书记" splits into two arguments) or of Latin letters.  Such a member is
now named by number, and the suggested command, typed as shown, records the 请假."""

from __future__ import annotations

import re

from bot.fakeapi.session import OfflineSession
from storage.models import Attendance, Member
from tests.bot.test_meetings import deliver, rows
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID


async def test_the_hint_for_a_name_with_a_space_uses_the_member_number(session: OfflineSession) -> None:
    mid = await _meeting(session)
    await session.send(SECRETARY_ID, f"/meeting {mid}")
    await session.press(SECRETARY_ID, 2)  # 请假, the secretary's own
    await session.send(SECRETARY_ID, "出差在外地调研")
    await deliver(session, produce=False)
    me = next(m for m in rows(session, Member) if m.tg_user_id == SECRETARY_ID)
    assert " " in me.name  # the case: "李 书记"
    shown = (await session.send(SECRETARY_ID, f"/attendance {mid}"))[0].plain
    hint = re.search(rf"/attendance {mid} (\S+) 请假", shown)
    assert hint is not None and hint[1] == str(me.id), shown
    said = (await session.send(SECRETARY_ID, hint[0]))[0].plain  # typed as suggested
    assert "已登记" in said, said
    assert [a.status for a in rows(session, Attendance) if a.member_id == me.id] == ["excused"]
