"""Trial T12: the reply to the wrong code before the last allowed one warns of the pause; input that is not
a code of the right form gets a hint and does not count as a miss."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_meetings import WANG
from tests.bot.test_meetings_trial3 import _meeting
from tests.factories import SECRETARY_ID


async def _open(session: OfflineSession, clock: FakeClock) -> str:
    mid = await _meeting(session)
    clock.set(datetime(2026, 3, 25, 6, 5, 5, tzinfo=UTC))  # 14:05 local: check-in is open
    found = re.search(r"签到码 (\d{4})", (await session.send(SECRETARY_ID, f"/checkincode {mid}"))[0].plain)
    assert found is not None
    return found[1]


async def _say(session: OfflineSession, clock: FakeClock, text: str) -> str:
    """Typed a few seconds apart, as a person does (the flood guard counts on the driven clock)."""
    clock.advance(timedelta(seconds=4))
    return (await session.send(WANG, text))[0].plain


def _wrong(code: str, n: int) -> str:
    return f"{(int(code) + 1000 + 97 * n) % 10000:04d}"


async def test_the_fourth_wrong_code_warns_and_the_fifth_pauses(session: OfflineSession, clock: FakeClock) -> None:
    code = await _open(session, clock)
    replies = [await _say(session, clock, f"/checkin {_wrong(code, n)}") for n in range(5)]
    assert all("签到码不对" in r for r in replies[:4])
    assert ["还可再试 1 次" in r for r in replies] == [False, False, False, True, False]
    assert "10 分钟" in replies[3]
    assert "错误次数太多" in await _say(session, clock, f"/checkin {code}")


async def test_input_of_the_wrong_form_gets_a_hint_and_is_not_a_miss(session: OfflineSession, clock: FakeClock
                                                                      ) -> None:
    code = await _open(session, clock)
    for typed in ("abcd", "12", "123456", "12a4"):
        said = await _say(session, clock, f"/checkin {typed}")
        assert "4 位数字" in said and "不计入" in said, said
    for n in range(4):  # four real misses still leave the right code accepted
        await _say(session, clock, f"/checkin {_wrong(code, n)}")
    assert "签到成功" in await _say(session, clock, f"/checkin {code}")


async def test_full_width_digits_count_as_the_code(session: OfflineSession, clock: FakeClock) -> None:
    code = await _open(session, clock)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert "签到成功" in await _say(session, clock, f"/checkin {wide}")


async def test_english_warning_and_hint(session: OfflineSession, clock: FakeClock) -> None:
    code = await _open(session, clock)
    await session.send(WANG, "/lang en")
    assert "4 digits" in await _say(session, clock, "/checkin abcd")
    replies = [await _say(session, clock, f"/checkin {_wrong(code, n)}") for n in range(4)]
    assert "One try left" in replies[3] and "10 minutes" in replies[3]
