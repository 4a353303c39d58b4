"""Trial T25: a member's quiz nudge comes after their own push time — one who chose 21:00 with /settime
was nudged "今天还没有答题" at 20:00 and only then handed the day's snippet."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.study_helpers import (
    MEMBER,
    OTHER,
    join,
    study_fixture,  # noqa: F401  (the fixture)
    tick,
)
from tests.bot.test_study import at_local


async def test_the_nudge_waits_an_hour_after_a_members_own_push(study: OfflineSession, clock: FakeClock) -> None:
    await join(study, MEMBER, OTHER)
    await study.send(OTHER, "/settime 20:30")
    at_local(clock, 20, 20, 0)
    nudged = [m.chat_id for m in await tick(study) if "今天还没有答题" in m.plain]
    assert MEMBER in nudged and OTHER not in nudged, nudged
    at_local(clock, 20, 20, 30)
    sent = [m for m in await tick(study) if m.chat_id == OTHER]
    assert sent and not any("今天还没有答题" in m.plain for m in sent)  # the snippet, no nudge
    at_local(clock, 20, 21, 29)
    assert not [m for m in await tick(study) if m.chat_id == OTHER and "今天还没有答题" in m.plain]
    at_local(clock, 20, 21, 30)
    assert [m for m in await tick(study) if m.chat_id == OTHER and "今天还没有答题" in m.plain]


async def test_a_push_too_late_for_a_nudge_before_quiet_hours_gets_none(study: OfflineSession,
                                                                        clock: FakeClock) -> None:
    await join(study, MEMBER, OTHER)
    await study.send(OTHER, "/settime 21:00")
    for hour, minute in ((20, 0), (21, 0), (21, 59), (22, 0), (23, 30)):
        at_local(clock, 20, hour, minute)
        assert not [m for m in await tick(study) if m.chat_id == OTHER and "今天还没有答题" in m.plain], (hour, minute)
