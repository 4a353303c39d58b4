"""The fake Bot API over real HTTP on 127.0.0.1, spoken to by PTB's stock HTTPXRequest."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from telegram import Bot, BotCommand
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.fakeapi import BotApiError, FakeBotApi
from bot.fakeapi.http import BotApiServer, serve


@pytest.fixture
def api() -> FakeBotApi:
    api = FakeBotApi()
    api.add_user(10001, "张三")
    return api


@pytest.fixture
async def server(api: FakeBotApi) -> AsyncIterator[BotApiServer]:
    server, _, _ = await serve(api)
    async with server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi, server: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        yield bot


async def test_serve_reports_loopback_urls(server: BotApiServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/bot" and server.port > 0
    assert server.base_file_url == f"http://127.0.0.1:{server.port}/file/bot"


async def test_get_me_send_message_and_commands(bot: Bot, api: FakeBotApi) -> None:
    assert (await bot.get_me()).username == "zhibu_bot"
    message = await bot.send_message(10001, "<b>通知</b>：周五开会", parse_mode="HTML")
    assert message.text == "通知：周五开会" and message.entities[0].type == "bold"
    assert await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("study", "今日学习")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "study"]
    assert api.calls_of("sendMessage")[0].params["chat_id"] == 10001  # decoded from the form field


async def test_multipart_document_upload_and_download(bot: Bot, api: FakeBotApi) -> None:
    content = bytes(range(256)) * 40
    message = await bot.send_document(10001, content, filename="三会一课台账.xlsx", caption="三月")
    assert message.document.file_name == "三会一课台账.xlsx" and message.caption == "三月"
    file = await bot.get_file(message.document.file_id)
    assert file.file_path.startswith(bot.base_file_url)
    assert bytes(await file.download_as_bytearray()) == content
    assert api.outbox[-1].file_bytes == content


async def test_long_polling_over_http(bot: Bot, api: FakeBotApi) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        api.message_update(10001, "/start")

    task = asyncio.create_task(later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    await task
    assert 0.15 < time.monotonic() - started < 2
    assert updates[0].message.text == "/start" and updates[0].message.entities[0].type == "bot_command"
    started = time.monotonic()
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_errors_map_to_ptb_exceptions_over_http(bot: Bot, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", BotApiError.flood(3))
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(10001, "x")
    assert caught.value.retry_after == timedelta(seconds=3)
    with pytest.raises(BadRequest, match="unsupported start tag"):
        await bot.send_message(10001, "<p>段落</p>", parse_mode="HTML")
    api.block(10001)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(10001, "x")


async def test_wrong_token_is_unauthorized(api: FakeBotApi, server: BotApiServer) -> None:
    bot = Bot("1:other", base_url=server.base_url, base_file_url=server.base_file_url)
    with pytest.raises(InvalidToken):
        await bot.initialize()
    await bot.shutdown()


async def test_simulated_timeout_drops_the_connection(bot: Bot, api: FakeBotApi) -> None:
    api.time_out_next("sendMessage", delivered=True)
    with pytest.raises(NetworkError):  # the connection drops: the bot cannot know it was delivered
        await bot.send_message(10001, "可能已送达")
    assert [m.plain for m in api.outbox] == ["可能已送达"]
    assert (await bot.send_message(10001, "继续")).text == "继续"


async def test_json_get_and_unknown_paths(api: FakeBotApi, server: BotApiServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(trust_env=False) as client:
        sent = await client.post(f"{server.base_url}{api.token}/sendMessage", json={"chat_id": 10001, "text": "json"})
        assert sent.status_code == 200 and sent.json()["result"]["text"] == "json"
        me = await client.get(f"{server.base_url}{api.token}/getMe")
        assert me.json() == {"ok": True, "result": api.bot_user}
        missing = await client.get(f"{server.base_url}{api.token}/noSuchMethod")
        assert missing.status_code == 404 and missing.json()["description"] == "Not Found"
        bad = await client.post(f"{server.base_url}{api.token}/sendMessage", data={"chat_id": "10001", "text": ""})
        assert bad.status_code == 400 and bad.json()["description"] == "Bad Request: message text is empty"
        assert (await client.get(f"{base}/favicon.ico")).status_code == 404
        assert (await client.get(f"{server.base_file_url}{api.token}/documents/none.pdf")).status_code == 404


async def test_close_releases_a_waiting_long_poll(api: FakeBotApi) -> None:
    server, base_url, base_file_url = await serve(api)
    bot = Bot(api.token, base_url=base_url, base_file_url=base_file_url)
    await bot.initialize()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await server.aclose()
    try:
        result = await poll
    except NetworkError:  # the connection closed before the empty answer was written
        result = ()
    assert result == ()
    assert time.monotonic() - started < 3
    await bot.shutdown()


async def test_served_api_accepts_plain_http_webhooks_like_a_local_server(bot: Bot, api: FakeBotApi) -> None:
    assert await bot.set_webhook("http://127.0.0.1:8443/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "http://127.0.0.1:8443/hook"
    api.world.local_mode = False
    with pytest.raises(BadRequest, match="an https url must be provided"):
        await bot.set_webhook("http://127.0.0.1:8443/hook")
