"""Review R3.4: the secretary's reason for a 不批准 follows the decision as sent, even when the decision's send
had to be retried later (a 429) and the reason was typed meanwhile."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.records import BotApiError
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetflow_decline_reason import _asked
from tests.bot.test_meetings import WANG, deliver
from tests.factories import SECRETARY_ID


async def test_the_reason_waits_for_a_decision_whose_send_is_retried(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    await _asked(session, clock)
    session.api.fail_next("sendMessage", BotApiError.flood(30), chat_id=WANG)
    await session.press(SECRETARY_ID, 2)  # 不批准: its send to 王五 is refused for 30 s
    told = [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert told == [], told
    await session.send(SECRETARY_ID, "人手不够")  # the reason, typed while the decision waits
    told += [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    for _ in range(3):
        clock.advance(timedelta(seconds=31))
        told += [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 2 and "未获批准" in told[0] and "书记说明：人手不够" in told[1], told
