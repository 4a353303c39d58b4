"""Button taps are matched before commands in the features' handler group: PTB tries a group's handlers in
order, and every tap (a quiz answer is one or more) was checked against each of ~35 commands first.

The order between the two kinds decides nothing (a command handler takes messages only), which the second
test holds to: a button under a bot message that starts with a command (Telegram marks ``/quiz`` in a bot's
text as a ``bot_command`` too) is still the button, answered by its guard."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app import GROUP_FEATURES
from bot.callbacks import CallbackData
from bot.fakeapi.session import OfflineSession
from bot.quiz_view import QUIZ
from tests.bot.study_helpers import MEMBER, current, join, study_fixture  # noqa: F401  (the ``study`` fixture)


def test_every_button_handler_comes_before_every_command(study: OfflineSession) -> None:
    handlers = study.app.handlers[GROUP_FEATURES]
    buttons = [n for n, h in enumerate(handlers) if isinstance(h, CallbackQueryHandler)]
    commands = [n for n, h in enumerate(handlers) if isinstance(h, CommandHandler)]
    assert buttons and commands
    assert max(buttons) < min(commands)


async def test_a_button_under_a_message_starting_with_a_command_is_the_button(study: OfflineSession) -> None:
    await join(study)
    text = "/quiz 随时开始，或点下面的按钮"
    keyboard = {"inline_keyboard": [[{"text": "开始答题", "callback_data": CallbackData(QUIZ, "go").encode()}]]}
    await study.api.call("sendMessage", {"chat_id": MEMBER, "text": text, "reply_markup": keyboard,
                                         "entities": [{"type": "bot_command", "offset": 0, "length": 5}]})
    await study.press(MEMBER, 1)  # the offline session fails a tap left unanswered
    assert study.api.callback_answers  # answered, by the button's guard
    quiz, _question = current(study, MEMBER)  # and the button did what it says
    assert quiz.position == 0
