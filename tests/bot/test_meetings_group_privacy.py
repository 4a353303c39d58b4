"""The branch group hears only of whole-branch meetings.

A 支委会, a 党小组会 or a meeting of named members is for those it addresses: its topic, time and place go
to them in private, and nothing about it is posted in the branch group — not its notice, not a change, not
its cancellation (README "Meetings", DESIGN privacy: anything not meant for every member stays private).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from bot.fakeapi.session import OfflineSession
from scheduler import reminders
from scheduler.clock import FakeClock
from scheduler.outbox import enqueue
from storage.models import Meeting, Member
from tests.bot.test_meetings import WANG, ZHANG, deliver, join, rows, svc_of
from tests.bot.test_meetings_changes import GROUP, with_group
from tests.factories import SECRETARY_ID


def _member_id(s: OfflineSession, telegram_id: int) -> int:
    return int(next(m.id for m in rows(s, Member) if m.tg_user_id == telegram_id))


@pytest.mark.parametrize("audience", ["committee", "group", "list"])
async def test_a_meeting_not_for_the_whole_branch_posts_nothing_in_the_group(
        tmp_path: Any, clock: FakeClock, db_url: str, audience: str) -> None:
    async with with_group(tmp_path, clock, db_url) as s:
        await join(s)
        line = {
            "committee": "/newmeeting 支委会 | 2026-03-25 14:30 | 书记办公室 | 讨论张三的预备期考察意见 | 60分钟",
            "group": "/newmeeting 党小组会 | 2026-03-25 14:30 | 活动室 | 小组谈心 | 小组 第一党小组",
            "list": f"/newmeeting 其他 | 2026-03-25 14:30 | 活动室 | 谈心谈话 | 人员 {_member_id(s, WANG)}",
        }[audience]
        made = await s.send(SECRETARY_ID, line)
        assert rows(s, Meeting), made[-1].plain
        mid = rows(s, Meeting)[0].id
        sent = await deliver(s)
        assert [m for m in sent if m.chat_id == GROUP] == []
        if audience == "list":  # the addressed member is told, in private
            assert any(m.chat_id == WANG and "会议通知" in m.plain for m in sent)
            assert not any(m.chat_id == ZHANG and "谈心谈话" in m.plain for m in sent)
        clock.advance(timedelta(seconds=20))
        await s.send(SECRETARY_ID, f"/meeting {mid} 地点 五楼报告厅")
        clock.advance(timedelta(seconds=20))
        await s.send(SECRETARY_ID, f"/meeting {mid} 取消")
        await s.press(SECRETARY_ID, 1)
        later = await deliver(s)
        assert [m for m in later if m.chat_id == GROUP] == []


async def test_a_group_row_queued_for_a_committee_meeting_is_not_sent(
        tmp_path: Any, clock: FakeClock, db_url: str) -> None:
    """A row queued before this rule (or by an older process) renders to nothing: the sender skips it."""
    async with with_group(tmp_path, clock, db_url) as s:
        await join(s)
        await s.send(SECRETARY_ID, "/newmeeting 支委会 | 2026-03-25 14:30 | 书记办公室 | 讨论张三的预备期考察意见")
        meeting = rows(s, Meeting)[0]

        def queue(*, session: Session) -> int:
            return enqueue(session=session, branch_id=meeting.branch_id, kind=reminders.GROUP,
                           dedup_key=f"{reminders.GROUP}:{meeting.id}:notice", chat_id=GROUP,
                           payload={"what": "notice"}, due_at=clock.now(), now=clock.now(),
                           subject_id=meeting.id, expires_at=meeting.starts_at)

        assert await svc_of(s).db.run(queue) == 1
        sent = await deliver(s, produce=False)
        assert [m for m in sent if m.chat_id == GROUP] == []
