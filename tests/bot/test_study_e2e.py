"""Issue 8, done when: the whole daily life of a member, end to end through the offline Bot API with the
clock driven by the test, on SQLite and PostgreSQL — with a restart in the middle of the quiz.

A member joins, receives the 08:00 snippet, marks it done, takes /quiz answering all four types (a 多选
toggled and submitted, a 填空 typed with phone noise), sees feedback with the source sentence, gets the
question answered wrong back on its due day, and /me shows exactly that; a paused member gets nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bot.app import build_application
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.study_helpers import MEMBER, OTHER, answer, current, feedback_of, join, study_settings, tick


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


async def test_a_members_day_with_a_restart_in_the_middle(tmp_path: Path, clock: FakeClock, db_url: str) -> None:
    settings = study_settings(tmp_path, db_url)
    api = FakeBotApi(clock=clock)
    factory = partial(build_application, settings)
    seen: list[str] = []
    wrong_id: int | None = None
    async with OfflineSession(factory, api=api, clock=clock) as bot:
        await join(bot, MEMBER, OTHER)
        assert "已暂停" in (await bot.send(OTHER, "/push off"))[0].plain
        paused_from = len(api.messages_to(OTHER))
        clock.set(local(21, 7, 59))
        assert [m for m in await tick(bot) if m.chat_id == MEMBER] == []
        clock.set(local(21, 8, 0))
        (snippet,) = [m for m in await tick(bot) if m.chat_id == MEMBER]
        assert "今日学习 · 第 1/" in snippet.plain and "学完了" in snippet.button_list()[0].text
        await bot.press(MEMBER, 1)
        clock.set(local(21, 12, 0))
        await bot.send(MEMBER, "/quiz")
        for n in range(2):
            _, q = current(bot, MEMBER)
            seen.append(q.qtype)
            if n == 0:
                wrong_id = q.id
            replies = await answer(bot, MEMBER, right=n != 0)
            feedback_of(replies, q)
        before_restart = current(bot, MEMBER)[0]
    async with OfflineSession(factory, api=api, clock=clock) as bot:  # the process restarts mid-quiz
        resumed = await bot.send(MEMBER, "/quiz")
        assert "继续上次的答题：第 3/5 题" in resumed[0].plain
        assert current(bot, MEMBER)[0].id == before_restart.id
        for _ in range(3):
            _, q = current(bot, MEMBER)
            seen.append(q.qtype)
            replies = await answer(bot, MEMBER, right=True)
            assert "回答正确" in feedback_of(replies, q).plain
        assert set(seen) == {"single", "multiple", "truefalse", "fill"}
        assert "5 题答对 4 题" in replies[-1].plain
        me = (await bot.send(MEMBER, "/me"))[0].plain
        assert "学习天数：1 天（" in me and "连续学习或答题 1 天" in me and "已学完：1/" in me
        assert "答题：5 道，答对 4 道，正确率 80%" in me and "待复习：0 道" in me and "错题本：1 道" in me
        assert "1 道" in (await bot.send(MEMBER, "/wrong"))[0].plain

        clock.set(local(22, 8, 0))  # the wrongly answered question is due the next day
        assert [m for m in await tick(bot) if m.chat_id == MEMBER]
        assert "待复习：1 道" in (await bot.send(MEMBER, "/me"))[0].plain
        again = await bot.send(MEMBER, "/quiz")
        assert "其中 1 道是到期复习" in again[0].plain and "（复习）" in again[-1].plain
        assert current(bot, MEMBER)[1].id == wrong_id
        await answer(bot, MEMBER, right=True)
        me = (await bot.send(MEMBER, "/me"))[0].plain
        # day 22 has answers but no snippet marked read: a quiz day, not a study day (T2)
        assert "学习天数：1 天（" in me and "答题天数：2 天 · 连续学习或答题 2 天" in me
        assert "答题：6 道，答对 5 道，正确率 83%" in me
        assert "待复习：0 道" in me and "错题本：1 道" in me  # right once since the mistake: it stays until right twice

        clock.set(local(22, 20, 30))
        await tick(bot)
        assert api.messages_to(OTHER)[paused_from:] == []  # the paused member received nothing at all
