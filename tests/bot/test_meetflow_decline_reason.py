"""Trial T24: 不批准 a 请假 offers the secretary to say why (or skip); the reason reaches the member after the
decision itself, and a decision changed since makes it stale."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetings import WANG, deliver, join, rows
from tests.factories import SECRETARY_ID

LINE = "/newmeeting 党课 | 2026-03-27 14:30 | 三楼会议室 | 专题党课"


async def _asked(session: OfflineSession, clock: FakeClock) -> None:
    """王五 asks 请假 with a reason; the secretary has the request with [批准][不批准]."""
    await join(session)
    await session.send(SECRETARY_ID, LINE)
    await deliver(session)
    mid = int(rows(session, Meeting)[0].id)
    await session.send(WANG, f"/meeting {mid}")
    await session.press(WANG, 2)  # 请假
    await session.send(WANG, "孩子生病住院")
    await deliver(session, produce=False)
    clock.advance(timedelta(seconds=20))


async def test_a_reason_given_after_declining_follows_the_decision(session: OfflineSession, clock: FakeClock
                                                                    ) -> None:
    await _asked(session, clock)
    pressed = await session.press(SECRETARY_ID, 2)  # 不批准
    asked = [m for m in pressed if m.chat_id == SECRETARY_ID and "不批准的原因" in m.plain]
    assert len(asked) == 1 and "王五" in asked[0].plain, [m.plain for m in pressed]
    assert [b.text for row in asked[0].buttons for b in row] == ["跳过"]
    answer = await session.send(SECRETARY_ID, "本次党课为年度必修，已协调改到周六上午，请尽量参加")
    assert any("已转告 王五" in m.plain for m in answer), [m.plain for m in answer]
    told = [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 2 and "未获批准" in told[0] and "书记说明：本次党课为年度必修" in told[1], told
    # the prompt is over: the secretary's next text is no second reason
    await session.send(SECRETARY_ID, "你好")
    assert [m for m in await deliver(session, produce=False) if m.chat_id == WANG] == []


async def test_skip_sends_the_decision_alone(session: OfflineSession, clock: FakeClock) -> None:
    await _asked(session, clock)
    await session.press(SECRETARY_ID, 2)  # 不批准
    skipped = await session.press(SECRETARY_ID, 1)  # 跳过
    assert any("不附原因" in m.plain for m in skipped), [m.plain for m in skipped]
    await session.send(SECRETARY_ID, "随便说一句")  # not taken as a reason
    told = [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 1 and "未获批准" in told[0] and "书记说明" not in told[0], told


async def test_a_reason_for_a_decision_changed_since_is_not_sent(session: OfflineSession, clock: FakeClock
                                                                  ) -> None:
    await _asked(session, clock)
    await session.press(SECRETARY_ID, 2)  # 不批准
    await session.send(SECRETARY_ID, "人手不够")  # queued after the decision ...
    card = session.api.last_keyboard(SECRETARY_ID)
    assert card is not None and [b.text for b in card.buttons()] == ["↩️ 改为批准"]
    await session.press(SECRETARY_ID, 1)  # ↩️ 改为批准
    await session.press(SECRETARY_ID, 2)  # 确定改为批准 ... and the decision changed before the sender ran
    told = [m.plain for m in await deliver(session, produce=False) if m.chat_id == WANG]
    assert len(told) == 1 and "已获批准" in told[0] and "人手不够" not in told[0], told


async def test_the_reason_prompt_speaks_english_to_an_english_secretary(session: OfflineSession,
                                                                        clock: FakeClock) -> None:
    await _asked(session, clock)
    await session.send(SECRETARY_ID, "/lang en")
    card = [k for k in session.api.world.keyboards(SECRETARY_ID) if any("不批准" in b.text for b in k.buttons())]
    pressed = await session.press(SECRETARY_ID, 2, message_id=card[0].message_id)
    assert any("why the leave was declined" in m.plain and "王五" in m.plain for m in pressed), \
        [m.plain for m in pressed]
