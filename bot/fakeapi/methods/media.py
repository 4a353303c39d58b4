"""Polls and files: sendPoll, stopPoll, sendDocument, sendPhoto, editMessageMedia (photos), editMessageCaption,
getFile.

Polls follow Bot API 9.6+/10.0 as PTB 22.8 speaks it: ``correct_option_ids`` (a list; the older
``correct_option_id`` is still accepted), options carrying a ``persistent_id``, ``allows_revoting`` and
``members_only`` always present.  Uploaded files are kept in memory so ``getFile`` plus a download through
the file URL returns the same bytes — which is how a handler reads a document a member sent.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from telegram.constants import FileSizeLimit, MessageLimit, PollLimit

from bot.fakeapi.html import render, utf16_len
from bot.fakeapi.methods.common import apply_edit, check_markup, checked_text, editable, record, reply_target
from bot.fakeapi.methods.messages import NOT_MODIFIED
from bot.fakeapi.params import Params
from bot.fakeapi.records import BotApiError, UploadedFile
from bot.fakeapi.world import PollState, StoredFile, World


def send_poll(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    chat_id = world.chat_for_send(p.chat_ref())
    markup = p.obj("reply_markup")
    inline = check_markup(markup)
    question = (p.str("question") or "").strip()
    if not question:
        raise BotApiError.bad_request("poll question must be non-empty")
    if utf16_len(question) > PollLimit.MAX_QUESTION_LENGTH:
        raise BotApiError.bad_request(f"poll question length must not exceed {PollLimit.MAX_QUESTION_LENGTH}")
    options = [_option_text(o) for o in p.list("options") or []]
    if len(options) < PollLimit.MIN_OPTION_NUMBER:
        raise BotApiError.bad_request(f"poll must have at least {PollLimit.MIN_OPTION_NUMBER} option")
    if len(options) > PollLimit.MAX_OPTION_NUMBER:
        raise BotApiError.bad_request(f"poll can't have more than {PollLimit.MAX_OPTION_NUMBER} options")
    for option in options:
        if not option.strip() or utf16_len(option) > PollLimit.MAX_OPTION_LENGTH:
            raise BotApiError.bad_request(f"poll options length must not exceed {PollLimit.MAX_OPTION_LENGTH}")
    poll_type = p.str("type") or "regular"
    if poll_type not in {"regular", "quiz"}:
        raise BotApiError.bad_request("wrong poll type specified")
    multiple = p.bool("allows_multiple_answers", False)
    correct = p.list("correct_option_ids")
    if correct is None and p.has("correct_option_id"):
        correct = [p.int("correct_option_id")]
    correct_ids: list[int] = []
    if poll_type == "quiz":
        if not correct:
            raise BotApiError.bad_request("correct option ids must be specified for quiz polls")
        if any(not isinstance(i, int) or not 0 <= i < len(options) for i in correct):
            raise BotApiError.bad_request("wrong correct option id specified")
        if len(correct) > 1 and not multiple:
            raise BotApiError.bad_request("quiz poll with one answer must have exactly one correct option")
        correct_ids = sorted(set(correct))
    explanation = None
    explanation_entities: list[dict[str, Any]] = []
    if p.has("explanation"):
        explanation, explanation_entities = render(p.str("explanation") or "", p.str("explanation_parse_mode"))
        if utf16_len(explanation) > PollLimit.MAX_EXPLANATION_LENGTH:
            raise BotApiError.bad_request(f"poll explanation length must not exceed {PollLimit.MAX_EXPLANATION_LENGTH}")
    poll_id = f"5{world.serial():017d}"
    poll: dict[str, Any] = {
        "id": poll_id,
        "question": question,
        "options": [{"text": t, "voter_count": 0, "persistent_id": str(i)} for i, t in enumerate(options)],
        "total_voter_count": 0,
        "is_closed": p.bool("is_closed", False),
        "is_anonymous": p.bool("is_anonymous", True),
        "type": poll_type,
        "allows_multiple_answers": multiple,
        "allows_revoting": p.bool("allows_revoting", poll_type == "regular"),
        "members_only": False,
    }
    if correct_ids:
        poll["correct_option_ids"] = correct_ids
    if explanation:
        poll["explanation"] = explanation
        if explanation_entities:
            poll["explanation_entities"] = explanation_entities
    message = world.new_message(
        chat_id,
        world.bot_user,
        poll=poll,
        reply_markup=inline,
        reply_to_message=reply_target(world, chat_id, p),
    )
    world.polls[poll_id] = PollState(poll_id, chat_id, message["message_id"], poll)
    record(
        world,
        "poll",
        message,
        markup=markup,
        text=question,
        plain=question,
        options=tuple(options),
        poll_id=poll_id,
        poll_type=poll_type,
        correct_option_ids=tuple(correct_ids),
        explanation=explanation,
    )
    return message


def _option_text(option: Any) -> str:
    if isinstance(option, str):
        return option
    if isinstance(option, dict) and isinstance(option.get("text"), str):
        return option["text"]
    raise BotApiError.bad_request("can't parse poll option: expected a string or an InputPollOption")


def stop_poll(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    chat_id = world.resolve_chat(p.chat_ref())
    stored = world.message(chat_id, p.int("message_id"))
    if stored is None or "poll" not in stored.json or not stored.from_bot:
        raise BotApiError.bad_request("message with poll to stop not found")
    state = world.polls[stored.json["poll"]["id"]]
    if state.json["is_closed"]:
        raise BotApiError.bad_request("poll has already been closed")
    state.json["is_closed"] = True
    return state.json


def _attached(world: World, p: Params, files: dict[str, UploadedFile], field: str, kind: str) -> StoredFile:
    """The file for ``field``: a fresh upload, or a file_id of one the fake already holds."""
    upload = files.get(field)
    reference = p.str(field)
    if upload is None and reference and reference.startswith("attach://"):
        upload = files.get(reference.removeprefix("attach://"))
    if upload is not None:
        if not upload.content:
            raise BotApiError.bad_request("file must be non-empty")
        if len(upload.content) > FileSizeLimit.FILESIZE_UPLOAD:
            raise BotApiError(413, "Request Entity Too Large")
        return world.store_file(upload.content, upload.filename, upload.mime_type, kind=kind)
    if not reference:
        raise BotApiError.bad_request(f"there is no {field} in the request")
    if reference in world.files:
        return world.files[reference]
    if reference.startswith(("http://", "https://")):
        raise BotApiError.bad_request("failed to get HTTP URL content")
    raise BotApiError.bad_request("wrong file identifier/HTTP URL specified")


def _caption(p: Params) -> tuple[str | None, str, list[dict[str, Any]]]:
    raw = p.str("caption")
    if raw is None:
        return None, "", []
    plain, entities = checked_text(
        raw, p.str("parse_mode"), limit=MessageLimit.CAPTION_LENGTH, empty=None, too_long="message caption is too long"
    )
    return raw, plain, entities


def _record_file(
    world: World,
    kind: str,
    message: dict[str, Any],
    markup: dict[str, Any] | None,
    p: Params,
    raw: str | None,
    caption: str,
    stored: StoredFile,
) -> None:
    """Record a message showing a file (sent, or edited to a new one) with its caption and the file's bytes."""
    record(
        world,
        kind,
        message,
        markup=markup,
        text=raw or "",
        plain=caption,
        parse_mode=p.str("parse_mode"),
        file_name=stored.file_name,
        file_bytes=stored.content,
        mime_type=stored.mime_type,
    )


def _send_attachment(
    world: World,
    p: Params,
    files: dict[str, UploadedFile],
    kind: str,
    plural: str,
    describe: Callable[[StoredFile], Any],
) -> dict[str, Any]:
    """sendDocument / sendPhoto: store the file, post the message with its caption, record what was sent."""
    chat_id = world.chat_for_send(p.chat_ref())
    markup = p.obj("reply_markup")
    inline = check_markup(markup)
    raw, caption, entities = _caption(p)
    stored = _attached(world, p, files, kind, plural)
    message = world.new_message(
        chat_id,
        world.bot_user,
        caption=caption or None,
        caption_entities=entities,
        reply_markup=inline,
        reply_to_message=reply_target(world, chat_id, p),
        **{kind: describe(stored)},
    )
    _record_file(world, kind, message, markup, p, raw, caption, stored)
    return message


def send_document(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    def describe(stored: StoredFile) -> dict[str, Any]:
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.content),
        }
        return {k: v for k, v in document.items() if v is not None}

    return _send_attachment(world, p, files, "document", "documents", describe)


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, or None when Telegram could not process the image."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker = content[i + 1]
            length = struct.unpack(">H", content[i + 2 : i + 4])[0]
            if marker in {0xC0, 0xC1, 0xC2}:
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


def _photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    """A Message's ``photo`` for the picture (one size: the fake does not scale), or Telegram's refusal."""
    size = image_size(stored.content)
    if size is None:
        raise BotApiError.bad_request("IMAGE_PROCESS_FAILED")
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": size[0],
            "height": size[1],
            "file_size": len(stored.content),
        }
    ]


def send_photo(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    return _send_attachment(world, p, files, "photo", "photos", _photo_sizes)


def edit_message_media(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Replace a bot photo message's picture and caption (what a refreshing check-in code does); only photos,
    the one kind this bot edits, and only on a message that already shows a photo — as Telegram requires."""
    media = p.obj("media")
    if media is None or media.get("type") != "photo":
        raise BotApiError.bad_request("the offline Bot API edits photo media only")
    stored_message = editable(world, p)
    if "photo" not in stored_message.json:
        raise BotApiError.bad_request("message can't be edited")
    inner = Params(media)
    stored = _attached(world, inner, files, "media", "photos")
    photo = _photo_sizes(stored)
    raw, caption, entities = _caption(inner)
    inline = check_markup(p.obj("reply_markup"))
    updated = apply_edit(
        world, stored_message, photo=photo, caption=caption, caption_entities=entities, reply_markup=inline
    )
    _record_file(world, "edit", updated, p.obj("reply_markup"), inner, raw, caption, stored)
    return updated


def edit_message_caption(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    """A new caption (and keyboard: none given removes it) under a bot's photo — the closed check-in screen.
    The same caption and keyboard again is "message is not modified", as on Telegram."""
    stored_message = editable(world, p)
    if "photo" not in stored_message.json:
        raise BotApiError.bad_request("message can't be edited")
    raw, caption, entities = _caption(p)
    inline = check_markup(p.obj("reply_markup"))
    old = stored_message.json
    if (old.get("caption", "") == caption and old.get("caption_entities", []) == entities
            and old.get("reply_markup") == inline):
        raise BotApiError.bad_request(NOT_MODIFIED)
    updated = apply_edit(world, stored_message, caption=caption, caption_entities=entities, reply_markup=inline)
    record(world, "edit", updated, markup=p.obj("reply_markup"), text=raw or "", plain=caption,
           parse_mode=p.str("parse_mode"))
    return updated


def get_file(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    stored = world.files.get(p.str("file_id") or "")
    if stored is None:
        raise BotApiError.bad_request("wrong file_id or the file is temporarily unavailable")
    if len(stored.content) > FileSizeLimit.FILESIZE_DOWNLOAD:
        raise BotApiError.bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }
