"""OfflineSession drives a real Application over the fake, deterministically, as in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram.error import BadRequest
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.fakeapi import FakeBotApi, OfflineSession, SessionError
from scheduler.clock import Clock, FakeClock
from tests.bot.tiny_app import build_tiny_app


@pytest.fixture
def api() -> FakeBotApi:
    api = FakeBotApi(clock=FakeClock(datetime(2026, 3, 20, tzinfo=UTC)))
    api.add_user(10001, "张三")
    api.add_user(10002, "李四")
    return api


@pytest.fixture
async def session(api: FakeBotApi) -> AsyncIterator[OfflineSession]:
    async with OfflineSession(build_tiny_app, api=api) as s:
        yield s


async def test_send_returns_the_replies_and_runs_every_handler_group(session: OfflineSession) -> None:
    replies = await session.send(10001, "/start INVITE")
    assert [r.plain for r in replies] == ["欢迎，张三！\n邀请码：INVITE"]
    assert replies[0].parse_mode == "HTML"
    assert [r.plain for r in await session.send(10002, "学习强国")] == ["学习强国"]
    assert len(session.app.bot_data["seen"]) == 2  # the group -1 logger saw both updates


async def test_press_answers_the_query_and_returns_the_edit(session: OfflineSession, api: FakeBotApi) -> None:
    await session.send(10001, "/menu")
    edits = await session.press(10001, 2)
    assert [(e.kind, e.plain, e.buttons) for e in edits] == [("edit", "你选择了：拒绝", ())]
    assert [a["text"] for a in api.callback_answers.values()] == ["已拒绝"]


async def test_press_explains_what_is_wrong(session: OfflineSession) -> None:
    with pytest.raises(SessionError, match="no inline keyboard"):
        await session.press(10001, 1)
    await session.send(10001, "/menu")
    with pytest.raises(SessionError, match=r"no button 4: the keyboard has 3 \(\[1\] 批准  \[2\] 拒绝  \[3\] 说明\)"):
        await session.press(10001, 4)
    with pytest.raises(SessionError, match=r"opens https://example\.org/help"):
        await session.press(10001, 3)


async def test_an_unanswered_callback_query_is_reported(session: OfflineSession) -> None:
    await session.send(10001, "/ask")
    with pytest.raises(SessionError, match="did not answer the callback query"):
        await session.press(10001, 1)


async def test_poll_answers_reach_the_poll_answer_handler(session: OfflineSession) -> None:
    [poll] = await session.send(10001, "/quiz")
    assert poll.kind == "poll" and poll.options == ("实现共产主义", "发家致富", "环游世界")
    assert poll.correct_option_ids == (0,)
    assert [r.plain for r in await session.answer_poll(10001, [0])] == ["答对了"]
    await session.send(10002, "/quiz")
    assert [r.plain for r in await session.answer_poll(10002, [2])] == ["答错了"]
    with pytest.raises(SessionError, match="already answered"):
        await session.answer_poll(10002, [0])


async def test_upload_is_downloadable_by_the_handler(session: OfflineSession) -> None:
    replies = await session.upload(10001, "心得.txt", "学习体会".encode())
    assert replies[0].plain.startswith("收到 心得.txt，12 字节")
    assert (replies[1].kind, replies[1].file_name, replies[1].file_bytes) == (
        "document",
        "回执-心得.txt",
        "学习体会".encode(),
    )


async def test_background_tasks_are_awaited(session: OfflineSession) -> None:
    assert [r.plain for r in await session.send(10001, "/later")] == ["马上回来", "稍后的消息"]


async def test_api_errors_reach_the_error_handler(session: OfflineSession) -> None:
    assert [r.plain for r in await session.send(10001, "/bad")] == ["抱歉，出错了。"]
    assert [r.plain for r in await session.send(10001, "/longdata")] == ["抱歉，出错了。"]
    errors = session.app.bot_data["errors"]
    assert all(isinstance(e, BadRequest) for e in errors)
    assert "unsupported start tag" in errors[0].message and "Button_data_invalid" in errors[1].message


async def test_group_messages_and_run(session: OfflineSession, api: FakeBotApi) -> None:
    replies = await session.feed(api.group_message_update(10001, -4001, "大家好", title="第一支部"))
    assert [(r.chat_id, r.plain) for r in replies] == [(-4001, "大家好")]

    async def scheduled_push() -> None:
        await session.app.bot.send_message(10002, "今日学习已更新")

    assert [(r.chat_id, r.plain) for r in await session.run(scheduled_push)] == [(10002, "今日学习已更新")]


async def test_lifecycle_calls_post_hooks_and_passes_request_and_clock(api: FakeBotApi) -> None:
    events: list[str] = []
    clock = FakeClock()

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        events.append("post_init")

    async def post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        events.append("post_stop")

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        events.append("post_shutdown")

    async def factory(*, request: BaseRequest, clock: Clock) -> Application[Any, Any, Any, Any, Any, Any]:
        app = build_tiny_app(request=request, clock=clock)
        app.post_init, app.post_stop, app.post_shutdown = post_init, post_stop, post_shutdown
        return app

    async with OfflineSession(factory, api=api, clock=clock) as s:
        assert s.app.running and s.app.bot_data["clock"] is clock and events == ["post_init"]
        app = s.app
    assert events == ["post_init", "post_stop", "post_shutdown"] and not app.running
    with pytest.raises(SessionError, match="not running"):
        _ = s.app
    assert api.calls[0].method == "getMe"


async def test_fed_updates_are_confirmed(session: OfflineSession, api: FakeBotApi) -> None:
    await session.send(10001, "一")
    await session.send(10001, "二")
    assert api.world.updates == []
