"""The 不批准 reason is optional: a command typed instead just runs, with no "已退出…未保存" first.

The decision already went out; a warning that something was "not saved" read as if the refusal itself had
been lost (review R3.1).  Other flows still say what a command leaves (``bot.flows``).
"""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Meeting
from tests.bot.test_meetflow_decline_reason import _asked
from tests.bot.test_meetings import WANG, ZHANG, deliver, rows
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


async def test_skip_under_an_earlier_prompt_leaves_the_later_one_waiting(session: OfflineSession,
                                                                         clock: FakeClock) -> None:
    """Two 不批准 in a row, then 跳过 under the first prompt: the reason typed next is the second one's
    (review R3.2: it was lost with "我主要通过命令工作")."""
    await _asked(session, clock)  # 王五's request
    mid = int(rows(session, Meeting)[0].id)
    await session.send(ZHANG, f"/meeting {mid}")
    await session.press(ZHANG, 2)  # 请假
    await session.send(ZHANG, "单位值班")
    await deliver(session, produce=False)
    clock.advance(timedelta(seconds=20))
    cards = [k for k in session.api.world.keyboards(SECRETARY_ID)
             if [b.text for b in k.buttons()] == ["✅ 批准", "✖️ 不批准"]]
    assert len(cards) == 2
    wang_card, zhang_card = sorted(cards, key=lambda k: k.message_id)
    first = await session.press(SECRETARY_ID, 2, message_id=wang_card.message_id)
    first_prompt = next(m for m in first if "不批准的原因" in m.plain)
    clock.advance(timedelta(seconds=20))
    await session.press(SECRETARY_ID, 2, message_id=zhang_card.message_id)
    clock.advance(timedelta(seconds=20))
    await session.press(SECRETARY_ID, 1, message_id=first_prompt.message_id)  # 跳过 under 王五's prompt
    answer = await session.send(SECRETARY_ID, "值班可以调换")
    assert any("已转告 张三" in m.plain for m in answer), [m.plain for m in answer]
    told = {m.chat_id: m.plain for m in await deliver(session, produce=False) if "书记说明" in m.plain}
    assert list(told) == [ZHANG] and "值班可以调换" in told[ZHANG], told
