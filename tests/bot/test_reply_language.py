"""Answers given before any handler resolved the caller speak the caller's language (user trial, meetfix2
point 5): an English-speaking member who typed check-in codes too fast was told "操作太频繁了" — the flood
guard, the stale-button toast and the error apology rendered in the branch default, not in theirs."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from tests.bot.test_meetings import ZHANG, join, svc_of


async def test_the_flood_guard_answers_a_member_in_his_language(session: OfflineSession) -> None:
    await join(session)
    await session.send(ZHANG, "/lang en")
    session.clock.advance(timedelta(seconds=11))
    replies = []
    for _ in range(12):  # codes typed as fast as a thumb goes
        replies += await session.send(ZHANG, "/checkin 0000")
    texts = svc_of(session).texts
    slow = [r.plain for r in replies if r.plain == texts.plain("flood.slow_down", "en")]
    assert len(slow) == 1, [r.plain for r in replies]
    assert not [r for r in replies if "太频繁" in r.plain]


async def test_a_pressed_flood_and_a_stale_button_are_answered_in_his_language(session: OfflineSession) -> None:
    await join(session)
    await session.send(ZHANG, "/lang en")
    card = (await session.send(ZHANG, "/help"))[-1]
    texts = svc_of(session).texts
    update = session.api.callback_update(ZHANG, card.message_id, "nosuchfeature:x", None)
    await session.feed(update)
    assert session.api.callback_answers[update["callback_query"]["id"]].get("text") == \
        texts.plain("button.expired", "en")
    toasts = set()
    for _ in range(40):  # a script hammering a button
        update = session.api.callback_update(ZHANG, card.message_id, "nosuchfeature:x", None)
        await session.feed(update)
        toasts.add(session.api.callback_answers[update["callback_query"]["id"]].get("text"))
    assert texts.plain("flood.slow_down", "en") in toasts
    assert texts.plain("flood.slow_down", "zh") not in toasts
