"""The bot's own settings and what it may ask about chats: getMe, commands, menu button, webhook, getChat,
getChatMember, close, logOut.

Command lists are kept per (scope, language) exactly as Telegram keys them, and
:func:`visible_commands` resolves what a given user would see in the "/" menu by Telegram's documented
order — so a test can check that a secretary sees more commands than a member.
"""

from __future__ import annotations

import json
import re
from typing import Any

from telegram.constants import BotCommandLimit

from bot.fakeapi.params import Params
from bot.fakeapi.records import BotApiError, UploadedFile
from bot.fakeapi.world import World

_COMMAND = re.compile(rf"[a-z0-9_]{{1,{BotCommandLimit.MAX_COMMAND}}}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_FALSE_GIFTS = dict.fromkeys(
    ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
)


def get_me(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    return world.bot_user


def _scope_key(world: World, scope: dict[str, Any] | None) -> str:
    scope = scope or {"type": "default"}
    kind = scope.get("type")
    if kind not in _SCOPES:
        raise BotApiError.bad_request("unsupported bot command scope type specified")
    key: dict[str, Any] = {"type": kind}
    if kind in {"chat", "chat_administrators", "chat_member"}:
        ref = scope.get("chat_id")
        key["chat_id"] = world.resolve_chat(ref if isinstance(ref, str) else int(ref or 0))
    if kind == "chat_member":
        key["user_id"] = int(scope.get("user_id") or 0)
    return json.dumps(key, sort_keys=True)


def _language(p: Params) -> str:
    language = p.str("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise BotApiError.bad_request("invalid language code specified")
    return language


def set_my_commands(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    commands = p.list("commands")
    if commands is None:
        raise BotApiError.bad_request("commands is empty")
    if len(commands) > BotCommandLimit.MAX_COMMAND_NUMBER:
        raise BotApiError.bad_request("too many commands specified")
    cleaned = []
    for item in commands:
        if not isinstance(item, dict):
            raise BotApiError.bad_request("can't parse BotCommand: expected an Object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", "")).strip()
        if not _COMMAND.fullmatch(command):
            raise BotApiError.bad_request("BOT_COMMAND_INVALID")
        if not description or len(description) > BotCommandLimit.MAX_DESCRIPTION:
            raise BotApiError.bad_request("command description must be non-empty and at most 256 characters")
        cleaned.append({"command": command, "description": description})
    key = (_scope_key(world, p.obj("scope")), _language(p))
    if cleaned:
        world.commands[key] = cleaned
    else:
        world.commands.pop(key, None)
    return True


def get_my_commands(world: World, p: Params, files: dict[str, UploadedFile]) -> list[dict[str, str]]:
    return world.commands.get((_scope_key(world, p.obj("scope")), _language(p)), [])


def delete_my_commands(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    world.commands.pop((_scope_key(world, p.obj("scope")), _language(p)), None)
    return True


def visible_commands(world: World, user_id: int, chat_id: int | None = None) -> list[dict[str, str]]:
    """The "/" menu ``user_id`` sees in ``chat_id`` (their private chat by default), Telegram's way.

    Scopes are tried from narrowest to widest, each first with the user's language and then without;
    the first list that exists wins.
    """
    chat_id = user_id if chat_id is None else chat_id
    language = str(world.users.get(user_id, {}).get("language_code", ""))[:2]
    chat = world.chats.get(chat_id, {"type": "private"})
    if chat["type"] == "private":
        scopes = [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}, {"type": "default"}]
    else:
        admin = world.members.get((chat_id, user_id)) in {"creator", "administrator"}
        scopes = [{"type": "chat_member", "chat_id": chat_id, "user_id": user_id}]
        if admin:
            scopes.append({"type": "chat_administrators", "chat_id": chat_id})
        scopes.append({"type": "chat", "chat_id": chat_id})
        if admin:
            scopes.append({"type": "all_chat_administrators"})
        scopes += [{"type": "all_group_chats"}, {"type": "default"}]
    for scope in scopes:
        key = json.dumps(scope, sort_keys=True)
        for lang in (language, ""):
            if (key, lang) in world.commands:
                return world.commands[(key, lang)]
    return []


def set_chat_menu_button(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    chat_id = world.resolve_chat(p.chat_ref()) if p.has("chat_id") else None
    button = p.obj("menu_button") or {"type": "default"}
    if button.get("type") not in {"commands", "web_app", "default"}:
        raise BotApiError.bad_request("can't parse menu button: unsupported type")
    world.menu_buttons[chat_id] = button
    return True


def get_chat_menu_button(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    chat_id = world.resolve_chat(p.chat_ref()) if p.has("chat_id") else None
    return world.menu_buttons.get(chat_id) or world.menu_buttons.get(None) or {"type": "default"}


def set_webhook(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    url = p.str("url") or ""
    if url and not url.startswith("https://") and not (world.local_mode and url.startswith("http://")):
        raise BotApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    world.webhook = {"url": url, "max_connections": p.opt_int("max_connections") or 40}
    if p.list("allowed_updates") is not None:
        world.webhook["allowed_updates"] = p.list("allowed_updates")
    if p.bool("drop_pending_updates", False):
        world.updates.clear()
    return True


def delete_webhook(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    world.webhook = {"url": ""}
    if p.bool("drop_pending_updates", False):
        world.updates.clear()
    return True


def get_webhook_info(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    return {**world.webhook, "has_custom_certificate": False, "pending_update_count": len(world.updates)}


def close(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    return True


def log_out(world: World, p: Params, files: dict[str, UploadedFile]) -> bool:
    return True


def get_chat(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    chat = world.chat(world.resolve_chat(p.chat_ref()))
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": _FALSE_GIFTS}


def chat_member_json(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """A ChatMember object of the given status with every field PTB 22.8 requires."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            dict.fromkeys(
                (
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                False,
            )
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member


def get_chat_member(world: World, p: Params, files: dict[str, UploadedFile]) -> dict[str, Any]:
    chat_id = world.resolve_chat(p.chat_ref())
    user_id = p.int("user_id")
    user = world.bot_user if user_id == world.bot_user["id"] else world.users.get(user_id)
    if user is None:
        raise BotApiError.bad_request("PARTICIPANT_ID_INVALID")
    status = world.members.get((chat_id, user_id))
    if status is None:
        status = "member" if chat_id == user_id or user is world.bot_user else "left"
    return chat_member_json(status, user)
