"""Bot API methods of the offline Telegram, one plain function each, looked up by name.

``METHODS`` maps the lower-cased method name to ``(canonical name, function)``: Telegram matches method
names case-insensitively, and the recorded calls keep the canonical spelling.  ``getUpdates`` is not
here — it waits, so :class:`~bot.fakeapi.api.FakeBotApi` implements it itself.
"""

from __future__ import annotations

from bot.fakeapi.methods import media, messages, setup
from bot.fakeapi.methods.common import Method

_BY_NAME: dict[str, Method] = {
    "getMe": setup.get_me,
    "setMyCommands": setup.set_my_commands,
    "getMyCommands": setup.get_my_commands,
    "deleteMyCommands": setup.delete_my_commands,
    "setChatMenuButton": setup.set_chat_menu_button,
    "getChatMenuButton": setup.get_chat_menu_button,
    "setWebhook": setup.set_webhook,
    "deleteWebhook": setup.delete_webhook,
    "getWebhookInfo": setup.get_webhook_info,
    "close": setup.close,
    "logOut": setup.log_out,
    "getChat": setup.get_chat,
    "getChatMember": setup.get_chat_member,
    "sendMessage": messages.send_message,
    "editMessageText": messages.edit_message_text,
    "editMessageReplyMarkup": messages.edit_message_reply_markup,
    "deleteMessage": messages.delete_message,
    "answerCallbackQuery": messages.answer_callback_query,
    "sendChatAction": messages.send_chat_action,
    "pinChatMessage": messages.pin_chat_message,
    "setMessageReaction": messages.set_message_reaction,
    "sendPoll": media.send_poll,
    "stopPoll": media.stop_poll,
    "sendDocument": media.send_document,
    "sendPhoto": media.send_photo,
    "editMessageMedia": media.edit_message_media,
    "editMessageCaption": media.edit_message_caption,
    "getFile": media.get_file,
}

METHODS: dict[str, tuple[str, Method]] = {name.lower(): (name, fn) for name, fn in _BY_NAME.items()}

__all__ = ["METHODS", "Method"]
