"""The 不批准 reason is optional: a command typed instead just runs, with no "已退出…未保存" first.

The decision already went out; a warning that something was "not saved" read as if the refusal itself had
been lost (review R3.1).  Other flows still say what a command leaves (``bot.flows``).
"""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetflow_decline_reason import _asked
from tests.bot.test_meetings import WANG, deliver
from tests.factories import SECRETARY_ID


async def test_a_command_after_declining_runs_without_a_leave_notice(session: OfflineSession,
                                                                     clock: FakeClock) -> None:
    await _asked(session, clock)
    await session.press(SECRETARY_ID, 2)  # 不批准: the optional reason prompt opens
    replies = await session.send(SECRETARY_ID, "/meetings")
    texts = [m.plain for m in replies if m.chat_id == SECRETARY_ID]
    assert texts and not any("已退出" in t for t in texts), texts
    # the prompt is over: the next text is not filed as a reason
    after = await session.send(SECRETARY_ID, "好的")
    assert not any("已转告" in m.plain for m in after), [m.plain for m in after]
    told = [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 1 and "未获批准" in told[0], told
