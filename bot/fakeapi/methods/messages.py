"""Text messages and what happens to them afterwards: send, edit, delete, pin, react, callback answers.

The edge cases implemented are the ones real bots trip over: an edit that changes nothing is a 400
("message is not modified"), ``editMessageText`` without ``reply_markup`` removes the keyboard, a
callback query can be answered once, and only while it is fresh.
"""

from __future__ import annotations

from typing import Any

from telegram.constants import CallbackQueryLimit, MessageLimit

from bot.fakeapi.methods.common import apply_edit, check_markup, checked_text, editable, record, reply_target
from bot.fakeapi.params import Params
from bot.fakeapi.records import BotApiError, UploadedFile
from bot.fakeapi.world import World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _message_text(p: Params) -> tuple[str, str | None, str, list[dict[str, Any]]]:
    """The text as sent, its parse mode, what the reader sees, and its entities — checked as Telegram does."""
    raw = p.str("text") or ""
    parse_mode = p.str("parse_mode")
    plain, entities = checked_text(
        raw,
        parse_mode,
        limit=MessageLimit.MAX_TEXT_LENGTH,
        empty="message text is empty",
        too_long="message is too long",
    )
    if not parse_mode and p.list("entities"):
        entities = p.list("entities") or []
    return raw, parse_mode, plain, entities


def send_message(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    chat_id = world.chat_for_send(p.chat_ref())
    markup = p.obj("reply_markup")
    inline = check_markup(markup)
    raw, parse_mode, plain, entities = _message_text(p)
    message = world.new_message(
        chat_id,
        world.bot_user,
        text=plain,
        entities=entities,
        reply_markup=inline,
        reply_to_message=reply_target(world, chat_id, p),
    )
    record(world, "message", message, markup=markup, text=raw, plain=plain, parse_mode=parse_mode)
    return message


def edit_message_text(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    stored = editable(world, p)
    if "text" not in stored.json:
        raise BotApiError.bad_request("there is no text in the message to edit")
    inline = check_markup(p.obj("reply_markup"))
    raw, parse_mode, plain, entities = _message_text(p)
    old = stored.json
    if old.get("text") == plain and old.get("entities", []) == entities and old.get("reply_markup") == inline:
        raise BotApiError.bad_request(NOT_MODIFIED)
    updated = apply_edit(world, stored, text=plain, entities=entities, reply_markup=inline)
    record(world, "edit", updated, text=raw, plain=plain, parse_mode=parse_mode)
    return updated


def edit_message_reply_markup(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    stored = editable(world, p)
    inline = check_markup(p.obj("reply_markup"))
    if stored.json.get("reply_markup") == inline:
        raise BotApiError.bad_request(NOT_MODIFIED)
    updated = apply_edit(world, stored, reply_markup=inline)
    text = updated.get("text", updated.get("caption", ""))
    record(world, "edit", updated, text=text, plain=text)
    return updated


def delete_message(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    chat_id = world.resolve_chat(p.chat_ref())
    message_id = p.int("message_id")
    stored = world.message(chat_id, message_id)
    if stored is None:
        raise BotApiError.bad_request("message to delete not found")
    # in a group, only an admin bot may delete what others wrote (Telegram's can_delete_messages)
    if (world.chats[chat_id]["type"] != "private" and not stored.from_bot
            and world.members.get((chat_id, world.bot_user["id"])) not in {"administrator", "creator"}):
        raise BotApiError.bad_request("message can't be deleted")
    world.messages.pop((chat_id, message_id), None)
    world.deleted.append((chat_id, message_id))
    return True


def answer_callback_query(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    query_id = p.str("callback_query_id")
    if not query_id or world.callbacks.get(query_id, True):
        raise BotApiError.bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.str("text")
    if text and len(text) > CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH:
        raise BotApiError.bad_request("MESSAGE_TOO_LONG")
    world.callbacks[query_id] = True
    world.callback_answers[query_id] = {
        "text": text,
        "show_alert": p.bool("show_alert", False),
        "url": p.str("url"),
    }
    return True


def send_chat_action(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    world.chat_for_send(p.chat_ref())
    if p.str("action") not in _CHAT_ACTIONS:
        raise BotApiError.bad_request("wrong parameter action in request")
    return True


def pin_chat_message(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    chat_id = world.chat_for_send(p.chat_ref())
    message_id = p.int("message_id")
    if world.message(chat_id, message_id) is None:
        raise BotApiError.bad_request("message to pin not found")
    world.pinned[chat_id] = message_id
    return True


def set_message_reaction(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    chat_id = world.resolve_chat(p.chat_ref())
    message_id = p.int("message_id")
    if world.message(chat_id, message_id) is None:
        raise BotApiError.bad_request("MESSAGE_ID_INVALID")
    reactions = p.list("reaction") or []
    for reaction in reactions:
        if not isinstance(reaction, dict) or reaction.get("type") not in {"emoji", "custom_emoji", "paid"}:
            raise BotApiError.bad_request("REACTION_INVALID")
    world.reactions[(chat_id, message_id)] = reactions
    return True
