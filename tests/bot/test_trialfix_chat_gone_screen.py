"""Trial T7 (the chat client's side): after a restart of ``zhibu chat`` the check-in screen of the last
session does not exist in the new offline Telegram; its failed edit prints a one-line note saying so and
how to get a new screen — once — not a raw API error.  Other failures still print as errors."""

from __future__ import annotations

from functools import partial

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import ApiCall, BotApiError
from bot.terminal_render import ChatOutput
from bot.texts import Catalog

TEXTS = Catalog.load()
SCREEN_MARKUP = {"inline_keyboard": [[{"text": "🔄 刷新签到码", "callback_data": "v1:mt:cc:7"}]]}


def _output(lang: str) -> tuple[FakeBotApi, list[str], ChatOutput]:
    api = FakeBotApi()
    lines: list[str] = []

    def say(key: str, **params: object) -> str:
        return TEXTS.plain(f"chat.{key}", lang, **params)

    return api, lines, ChatOutput(api, lines.append, say, str)


def _failed(method: str, error: str, **params: object) -> ApiCall:
    return ApiCall(method=method, params=dict(params), error=BotApiError.bad_request(error))


def test_a_gone_check_in_screen_is_a_note_with_the_command_once() -> None:
    api, lines, out = _output("zh")
    for _ in range(2):  # the screen tries again a minute later: said once
        api.calls.append(_failed("editMessageMedia", "message to edit not found", chat_id=1, message_id=5,
                                 reply_markup=SCREEN_MARKUP))
        out.flush()
    assert len(lines) == 1
    assert "签到画面已失效" in lines[0] and "/checkincode 7" in lines[0]
    assert "Bad Request" not in lines[0] and not lines[0].startswith("!")


def test_english_note_and_a_plain_gone_edit() -> None:
    api, lines, out = _output("en")
    api.calls.append(_failed("editMessageMedia", "message to edit not found", chat_id=1, message_id=5,
                             reply_markup=SCREEN_MARKUP))
    api.calls.append(_failed("editMessageText", "message to edit not found", chat_id=1, message_id=9))
    out.flush()
    assert "/checkincode 7 again" in lines[0] and "message #9 is from the last session" in lines[1]


def test_other_failures_still_print_as_errors() -> None:
    api, lines, out = _output("zh")
    api.calls.append(_failed("deleteMessage", "message can't be deleted", chat_id=-100, message_id=3))
    out.flush()
    assert lines == ["! " + partial(TEXTS.plain, "chat.call_failed", "zh")(
        method="deleteMessage", error="Bad Request: message can't be deleted")]
