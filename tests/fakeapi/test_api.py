"""The offline Bot API seen through a real PTB ``Bot``: results, Telegram's refusals, faults, polling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TimedOut,
)

from bot.fakeapi import BotApiError, FakeBotApi, OfflineRequest
from scheduler.clock import FakeClock

START = datetime(2026, 3, 20, 1, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def api(clock: FakeClock) -> FakeBotApi:
    api = FakeBotApi(clock=clock)
    api.add_user(10001, "张三")
    api.add_user(10002, "李四")
    return api


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    request = OfflineRequest(api)
    async with Bot(api.token, request=request, get_updates_request=request) as bot:
        yield bot


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows])


# ---------------------------------------------------------------- messages
async def test_send_message_returns_parsed_html_with_utf16_offsets(bot: Bot, api: FakeBotApi) -> None:
    message = await bot.send_message(10001, "😀<b>学习</b> &lt;党章&gt;", parse_mode="HTML")
    assert message.text == "😀学习 <党章>"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 2, 2)]
    assert message.date == START
    assert message.from_user.id == bot.id and message.chat.id == 10001
    sent = api.messages_to(10001)[-1]
    assert (sent.kind, sent.text, sent.plain) == ("message", "😀<b>学习</b> &lt;党章&gt;", "😀学习 <党章>")


async def test_links_and_numeric_entities_are_decoded(bot: Bot) -> None:
    message = await bot.send_message(
        10001, '<a href="https://example.org/x?a=1&amp;b=2">链接</a> &#20013;&#x6587; a&b', parse_mode="HTML"
    )
    assert message.text == "链接 中文 a&b"
    assert message.entities[0].url == "https://example.org/x?a=1&b=2"


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("第一行<br>第二行", 'unsupported start tag "br"'),
        ("<b>没关", 'can\'t find end tag corresponding to start tag "b"'),
        ("多余</b>", "unexpected end tag"),
        ("<b><i>交叉</b></i>", 'expected "</i>", found "</b>"'),
        ("<span>隐</span>", 'tag "span" must have class "tg-spoiler"'),
        ("1 < 2", 'unsupported start tag ""'),
        ("<b", "unclosed start tag"),
    ],
)
async def test_bad_html_is_refused_like_telegram(bot: Bot, html: str, why: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(10001, html, parse_mode="HTML")
    assert "can't parse entities" in caught.value.message.lower()
    assert why in caught.value.message.lower()


async def test_every_allowed_tag_parses(bot: Bot) -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>引</blockquote>'
    )
    message = await bot.send_message(10001, text, parse_mode="HTML")
    kinds = [e.type for e in message.entities]
    assert kinds.count("bold") == 2 and kinds.count("spoiler") == 2 and "expandable_blockquote" in kinds
    pre = next(e for e in message.entities if e.type == "pre")
    assert pre.language == "python"
    assert kinds.count("code") == 1  # the <code> inside <pre> became the pre's language
    assert message.text == "bsieunskdpqcx = 1引"


@pytest.mark.parametrize(("text", "error"), [("", "message text is empty"), ("  \n ", "message text is empty")])
async def test_empty_text_is_refused(bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest, match=error.capitalize()):
        await bot.send_message(10001, text)


async def test_text_length_limit_is_4096_utf16_units(bot: Bot) -> None:
    await bot.send_message(10001, "党" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(10001, "党" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(10001, "😀" * 2049)  # 4098 UTF-16 units


async def test_callback_data_limit_counts_bytes(bot: Bot, api: FakeBotApi) -> None:
    await bot.send_message(10001, "ok", reply_markup=keyboard([("x", "a" * 64)]))
    for data in ("a" * 65, "党" * 22):  # 22 Chinese characters are 66 bytes
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(10001, "bad", reply_markup=keyboard([("x", data)]))
    assert [m.plain for m in api.messages_to(10001)] == ["ok"]


async def test_url_buttons_must_have_a_scheme(bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("链接", url="example.org")]])
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(10001, "x", reply_markup=markup)


async def test_edit_text_without_markup_removes_keyboard_and_no_op_edit_is_refused(bot: Bot, api: FakeBotApi) -> None:
    sent = await bot.send_message(10001, "请审批", reply_markup=keyboard([("批准", "ok"), ("拒绝", "no")]))
    assert api.last_keyboard(10001) is not None
    assert [b.text for b in api.last_keyboard(10001).buttons()] == ["批准", "拒绝"]
    edited = await bot.edit_message_text("已批准", chat_id=10001, message_id=sent.message_id)
    assert edited.text == "已批准" and edited.reply_markup is None and edited.edit_date == START
    assert api.last_keyboard(10001) is None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("已批准", chat_id=10001, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=10001, message_id=999)


async def test_last_keyboard_follows_the_most_recent_send_or_edit(bot: Bot, api: FakeBotApi) -> None:
    first = await bot.send_message(10001, "一", reply_markup=keyboard([("A", "a")]))
    await bot.send_message(10001, "二", reply_markup=keyboard([("B", "b")]))
    assert api.last_keyboard(10001).buttons()[0].text == "B"
    await bot.edit_message_reply_markup(10001, first.message_id, reply_markup=keyboard([("C", "c")]))
    latest = api.last_keyboard(10001)
    assert (latest.message_id, latest.buttons()[0].callback_data) == (first.message_id, "c")
    assert api.outbox[-1].kind == "edit" and api.outbox[-1].buttons[0][0].text == "C"


async def test_callback_query_can_be_answered_once(bot: Bot, api: FakeBotApi) -> None:
    sent = await bot.send_message(10001, "按", reply_markup=keyboard([("A", "a")]))
    update = Update.de_json(api.callback_update(10001, sent.message_id, "a"), bot)
    assert update.callback_query.data == "a" and update.callback_query.message.message_id == sent.message_id
    assert await update.callback_query.answer("好的") is True
    assert api.callback_answers[update.callback_query.id]["text"] == "好的"
    with pytest.raises(BadRequest, match="Query is too old"):
        await update.callback_query.answer()
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("123")


async def test_delete_pin_react_and_chat_action(bot: Bot, api: FakeBotApi) -> None:
    sent = await bot.send_message(10001, "删我")
    assert await bot.send_chat_action(10001, "typing")
    assert await bot.pin_chat_message(10001, sent.message_id)
    assert await bot.set_message_reaction(10001, sent.message_id, "👍")
    assert await bot.delete_message(10001, sent.message_id)
    assert api.deleted == [(10001, sent.message_id)]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(10001, sent.message_id)
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(10001, "dancing")


# -------------------------------------------------------- delivery failures
async def test_blocked_user_gives_forbidden_until_they_write_again(bot: Bot, api: FakeBotApi) -> None:
    update = api.block(10001)
    assert Update.de_json(update, bot).my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(10001, "通知")
    await bot.send_message(10002, "别人照常收到")
    api.message_update(10001, "/start")
    assert (await bot.send_message(10001, "欢迎回来")).text == "欢迎回来"


async def test_user_who_never_started_the_bot_cannot_be_messaged(bot: Bot, api: FakeBotApi) -> None:
    api.add_user(10003, "王五", started=False)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(10003, "你好")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(99999, "你好")


async def test_fail_next_raises_retry_after_for_the_chosen_chat_only(bot: Bot, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", BotApiError.flood(7), chat_id=10002, times=2)
    await bot.send_message(10001, "不受影响")
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(10002, "限流")
        assert caught.value.retry_after == timedelta(seconds=7)
    await bot.send_message(10002, "恢复")
    assert [c.error.code if c.error else 200 for c in api.calls_of("sendMessage")] == [200, 429, 429, 200]
    assert [m.plain for m in api.outbox] == ["不受影响", "恢复"]


async def test_upgraded_group_answers_chat_migrated(bot: Bot, api: FakeBotApi) -> None:
    api.group_message_update(10001, -4001, "/start", title="第一支部")
    await bot.send_message(-4001, "群通知")
    api.migrate_group(-4001, -1004001)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-4001, "群通知")
    assert caught.value.new_chat_id == -1004001
    assert (await bot.send_message(-1004001, "新群")).chat.type == "supergroup"


async def test_time_out_after_delivery_leaves_the_message_sent(bot: Bot, api: FakeBotApi) -> None:
    api.time_out_next("sendMessage", delivered=True)
    with pytest.raises(TimedOut):
        await bot.send_message(10001, "可能已送达")
    api.time_out_next("sendMessage", delivered=False)
    with pytest.raises(TimedOut):
        await bot.send_message(10001, "没有送达")
    assert [m.plain for m in api.outbox] == ["可能已送达"]
    assert [c.timed_out for c in api.calls_of("sendMessage")] == [True, True]


async def test_latency_beyond_read_timeout_is_a_timeout(api: FakeBotApi) -> None:
    api.set_latency(0.3, "sendMessage")
    request = OfflineRequest(api, read_timeout=0.05)
    async with Bot(api.token, request=request, get_updates_request=request) as slow:
        with pytest.raises(TimedOut):
            await slow.send_message(10001, "慢")
        assert (await slow.get_me()).username == "zhibu_bot"


async def test_unknown_method_and_wrong_token(bot: Bot, api: FakeBotApi) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")
    request = OfflineRequest(api)
    with pytest.raises(InvalidToken):
        await Bot("42:wrong", request=request, get_updates_request=request).get_me()


# -------------------------------------------------------------------- polls
async def test_quiz_poll_round_trip_and_poll_answer(bot: Bot, api: FakeBotApi) -> None:
    message = await bot.send_poll(
        10001,
        "入党誓词宣誓的对象是？",
        ["党旗", "国旗", "军旗"],
        type="quiz",
        correct_option_ids=[0],
        is_anonymous=False,
        explanation="<b>面向党旗</b>",
        explanation_parse_mode="HTML",
    )
    poll = message.poll
    assert poll.type == "quiz" and poll.correct_option_ids == (0,) and poll.explanation == "面向党旗"
    assert [o.text for o in poll.options] == ["党旗", "国旗", "军旗"] and not poll.is_anonymous
    answer = Update.de_json(api.poll_answer_update(10001, poll.id, [2]), bot).poll_answer
    assert (answer.poll_id, answer.option_ids, answer.user.id) == (poll.id, (2,), 10001)
    with pytest.raises(ValueError, match="already answered"):
        api.poll_answer_update(10001, poll.id, [0])
    stopped = await bot.stop_poll(10001, message.message_id)
    assert stopped.is_closed and stopped.options[2].voter_count == 1
    with pytest.raises(BadRequest, match="Poll has already been closed"):
        await bot.stop_poll(10001, message.message_id)


async def test_anonymous_poll_votes_arrive_as_poll_state(bot: Bot, api: FakeBotApi) -> None:
    message = await bot.send_poll(10001, "会议时间？", ["周一", "周二"], allows_multiple_answers=True)
    update = Update.de_json(api.poll_answer_update(10001, message.poll.id, [0, 1]), bot)
    assert update.poll_answer is None and update.poll.total_voter_count == 1
    assert [o.voter_count for o in update.poll.options] == [1, 1]


@pytest.mark.parametrize(
    ("question", "options", "kwargs", "error"),
    [
        ("问" * 301, ["a", "b"], {}, "Poll question length"),
        ("问", ["a" * 101, "b"], {}, "Poll options length"),
        ("问", ["a", "b"], {"type": "quiz"}, "Correct option ids must be specified"),
        ("问", ["a", "b"], {"type": "quiz", "correct_option_ids": [5]}, "Wrong correct option id"),
        ("问", ["a", "b"], {"type": "quiz", "correct_option_ids": [0], "explanation": "解" * 201}, "explanation"),
        ("问", [str(i) for i in range(13)], {}, "more than 12 options"),
    ],
)
async def test_poll_limits(bot: Bot, question: str, options: list[str], kwargs: dict[str, object], error: str) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.send_poll(10001, question, options, **kwargs)  # type: ignore[arg-type]


# -------------------------------------------------------------------- files
async def test_document_upload_get_file_and_download(bot: Bot, api: FakeBotApi) -> None:
    content = bytes(range(256)) * 10
    message = await bot.send_document(10001, content, filename="台账.xlsx", caption="三月台账")
    assert message.document.file_name == "台账.xlsx" and message.document.file_size == len(content)
    assert message.caption == "三月台账"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    sent = api.outbox[-1]
    assert (sent.kind, sent.file_name, sent.file_bytes) == ("document", "台账.xlsx", content)
    resent = await bot.send_document(10002, message.document.file_id)
    assert resent.document.file_id == message.document.file_id
    with pytest.raises(BadRequest, match="Wrong file_id"):
        await bot.get_file("nope")


async def test_user_document_can_be_downloaded_by_the_bot(bot: Bot, api: FakeBotApi) -> None:
    update = Update.de_json(api.document_update(10001, "学习心得.docx", b"PK\x03\x04 docx"), bot)
    document = update.message.document
    assert document.mime_type.endswith("wordprocessingml.document")
    data = await (await document.get_file()).download_as_bytearray()
    assert bytes(data) == b"PK\x03\x04 docx"


async def test_photo_needs_a_real_image(bot: Bot) -> None:
    png = (
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"\0" * 20
    )
    message = await bot.send_photo(10001, png, caption="合影")
    assert (message.photo[-1].width, message.photo[-1].height) == (640, 480)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(10001, b"not an image")


# ---------------------------------------------------------- updates / polling
async def test_commands_get_bot_command_entities_like_a_client(api: FakeBotApi, bot: Bot) -> None:
    start = Update.de_json(api.message_update(10001, "/start INVITE42"), bot).message
    assert start.entities[0].length == len("/start")
    mention = Update.de_json(api.message_update(10001, "/help@zhibu_bot now"), bot).message
    assert mention.entities[0].length == len("/help@zhibu_bot")
    assert Update.de_json(api.message_update(10001, "hi /help"), bot).message.entities == ()


async def test_long_polling_returns_early_when_an_update_arrives(bot: Bot, api: FakeBotApi) -> None:
    async def user_writes_later() -> None:
        await asyncio.sleep(0.2)
        api.message_update(10001, "在吗")

    task = asyncio.create_task(user_writes_later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    await task
    assert 0.15 < time.monotonic() - started < 2
    assert [u.message.text for u in updates] == ["在吗"]
    started = time.monotonic()
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_offset_and_limit(bot: Bot, api: FakeBotApi) -> None:
    ids = [api.message_update(10001, str(i))["update_id"] for i in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["0", "1"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["2", "3", "4"]
    assert [u.message.text for u in await bot.get_updates()] == ["2", "3", "4"]  # not yet confirmed
    assert await bot.get_updates(offset=ids[-1] + 1) == ()


async def test_webhook_and_a_second_poller_conflict(bot: Bot, api: FakeBotApi) -> None:
    assert await bot.set_webhook("https://zhibu.example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://zhibu.example.org/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook()
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first
    assert await second == ()


# ---------------------------------------------------------- bot settings
async def test_commands_per_scope_and_what_each_user_sees(bot: Bot, api: FakeBotApi) -> None:
    member = [BotCommand("start", "开始"), BotCommand("study", "今日学习")]
    secretary = [*member, BotCommand("stats", "参学统计")]
    assert await bot.set_my_commands(member)
    assert await bot.set_my_commands(secretary, scope=BotCommandScopeChat(10002))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "study"]
    assert [c["command"] for c in api.visible_commands(10001)] == ["start", "study"]
    assert [c["command"] for c in api.visible_commands(10002)] == ["start", "study", "stats"]
    with pytest.raises(BadRequest, match="Invalid language code"):
        await bot.set_my_commands(member, language_code="zh-hans")
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Study", "大写不行")])
    assert await bot.delete_my_commands(scope=BotCommandScopeChat(10002))
    assert [c["command"] for c in api.visible_commands(10002)] == ["start", "study"]


async def test_chat_info_member_and_menu_button(bot: Bot, api: FakeBotApi) -> None:
    chat = await bot.get_chat(10001)
    assert chat.first_name == "张三" and chat.type == "private"
    assert (await bot.get_chat_member(10001, 10001)).status == "member"
    api.add_group(-4002, "第二支部")
    api.set_member_status(-4002, 10002, "administrator")
    assert (await bot.get_chat_member(-4002, 10002)).status == "administrator"
    assert (await bot.get_chat_member(-4002, 10001)).status == "left"
    assert await bot.set_chat_menu_button()
    assert await bot.close() and await bot.log_out()


async def test_message_dates_follow_the_fake_clock(bot: Bot, api: FakeBotApi, clock: FakeClock) -> None:
    clock.advance(timedelta(days=2, hours=3))
    assert (await bot.send_message(10001, "两天后")).date == START + timedelta(days=2, hours=3)
    assert Update.de_json(api.message_update(10001, "收到"), bot).message.date == clock.now()
