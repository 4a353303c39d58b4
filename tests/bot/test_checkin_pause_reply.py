"""Review R2.9: the fifth wrong check-in code starts the pause, yet its reply said "再试" (try again); the
next try was already refused.  That reply now says check-in is paused and for how long, in zh and en."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG
from tests.bot.test_trialfix_checkin_tries import _open, _say, _wrong


async def test_the_fifth_wrong_code_says_check_in_is_paused(session: OfflineSession, clock: FakeClock) -> None:
    code = await _open(session, clock)
    replies = [await _say(session, clock, f"/checkin {_wrong(code, n)}") for n in range(5)]
    assert "再试" in replies[0] and "暂停" not in replies[0]
    assert "已暂停 10 分钟" in replies[4] and "请看现场屏幕" not in replies[4], replies[4]
    assert "错误次数太多" in await _say(session, clock, f"/checkin {code}")  # the pause it announced


async def test_the_english_fifth_reply_says_paused(session: OfflineSession, clock: FakeClock) -> None:
    code = await _open(session, clock)
    await session.send(WANG, "/lang en")
    replies = [await _say(session, clock, f"/checkin {_wrong(code, n)}") for n in range(5)]
    assert "paused for 10 minutes" in replies[4] and "latest code on the screen" not in replies[4], replies[4]
