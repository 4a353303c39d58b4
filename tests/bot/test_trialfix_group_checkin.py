"""Trial T8: a ``/checkin CODE`` typed in the branch group is answered (in private, or by the pointer in
the group) with the plain fact that it was NOT recorded, so the member sends it again privately."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Attendance
from tests.bot.study_helpers import MEMBER
from tests.bot.test_group_manners import GROUP, STRANGER, branch  # noqa: F401  (the fixture)
from tests.bot.test_meetings import rows


async def test_the_private_answer_says_the_check_in_was_not_recorded(branch: OfflineSession,  # noqa: F811
                                                                     clock: FakeClock) -> None:
    said = await branch.feed(branch.api.group_message_update(MEMBER, GROUP, "/checkin 1234"))
    assert [m.chat_id for m in said] == [MEMBER]
    assert "没有记录签到" in said[0].plain and "重新签到" in said[0].plain
    assert rows(branch, Attendance) == []


async def test_english_and_the_group_pointer_say_so_too(branch: OfflineSession, clock: FakeClock  # noqa: F811
                                                       ) -> None:
    await branch.send(MEMBER, "/lang en")
    clock.advance(timedelta(minutes=1))
    said = await branch.feed(branch.api.group_message_update(MEMBER, GROUP, "/checkin 1234"))
    assert "was not recorded as a check-in" in said[0].plain
    clock.advance(timedelta(hours=1))
    pointer = await branch.feed(branch.api.group_message_update(STRANGER, GROUP, "/checkin 5678"))
    assert pointer and pointer[0].chat_id == GROUP and "没有记录签到" in pointer[0].plain
