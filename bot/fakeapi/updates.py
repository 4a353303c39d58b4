"""The client side of the offline Telegram: what users do, turned into Update bodies.

A real Telegram client decides a lot that bots rely on: a command gets a ``bot_command`` entity at
offset 0 (covering ``/start`` but not its deep-link payload, and ``@botname`` when present), a callback
query carries the message it was pressed under, a vote on an anonymous poll reaches the bot only as a
new ``poll`` state while a vote on a public one arrives as ``poll_answer``.  These builders reproduce
that; :class:`~bot.fakeapi.api.FakeBotApi` numbers the results and queues them for ``getUpdates``.

Misuse by the *test* (an unknown user, pressing under a message that does not exist, voting twice in
a quiz) raises ``ValueError`` — it is a bug in the script, not something Telegram would report.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from bot.fakeapi.methods.setup import chat_member_json
from bot.fakeapi.world import World

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def add_user(
    world: World,
    user_id: int,
    first_name: str,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
    *,
    started: bool = True,
) -> dict[str, Any]:
    """Create (or rename) a user and their private chat; ``started`` means they opened the bot."""
    user = {"id": user_id, "is_bot": False, "first_name": first_name}
    for key, value in (("last_name", last_name), ("username", username), ("language_code", language_code)):
        if value:
            user[key] = value
    world.users[user_id] = user
    world.chats[user_id] = {
        "id": user_id,
        "type": "private",
        **{k: v for k, v in user.items() if k in {"first_name", "last_name", "username"}},
    }
    if started:
        world.opened.add(user_id)
    return user


def add_group(world: World, chat_id: int, title: str, *, supergroup: bool = False) -> dict[str, Any]:
    """Create a group chat (negative id) with the bot in it as a member."""
    if chat_id >= 0:
        raise ValueError("group chat ids are negative")
    chat = {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}
    world.chats[chat_id] = chat
    world.members[(chat_id, world.bot_user["id"])] = "member"
    return chat


def _user(world: World, user_id: int) -> dict[str, Any]:
    user = world.users.get(user_id)
    if user is None:
        raise ValueError(f"unknown user {user_id}: call add_user first")
    return user


def _chat_for_user(world: World, user_id: int, chat_id: int | None) -> int:
    """The chat a user writes in: their private chat (which this opens and unblocks) or a group."""
    if chat_id is None or chat_id == user_id:
        world.opened.add(user_id)
        world.blocked.discard(user_id)
        return user_id
    if chat_id not in world.chats:
        raise ValueError(f"unknown chat {chat_id}: call add_group first")
    world.members.setdefault((chat_id, user_id), "member")
    return chat_id


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity a Telegram client attaches to a message starting with a command."""
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match.group(0).encode("utf-16-le")) // 2}]


def message_update(world: World, user_id: int, text: str, chat_id: int | None = None) -> dict[str, Any]:
    user = _user(world, user_id)
    chat = _chat_for_user(world, user_id, chat_id)
    message = world.new_message(chat, user, text=text, entities=command_entities(text))
    return {"message": message}


def group_message_update(
    world: World, user_id: int, chat_id: int, text: str, title: str | None = None
) -> dict[str, Any]:
    if chat_id not in world.chats:
        add_group(world, chat_id, title or f"群聊 {chat_id}")
    return message_update(world, user_id, text, chat_id=chat_id)


def document_update(
    world: World,
    user_id: int,
    file_name: str,
    content: bytes,
    mime_type: str | None = None,
    caption: str | None = None,
    chat_id: int | None = None,
) -> dict[str, Any]:
    user = _user(world, user_id)
    chat = _chat_for_user(world, user_id, chat_id)
    stored = world.store_file(content, file_name, mime_type, kind="documents")
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": file_name,
        "file_size": len(content),
    }
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    message = world.new_message(chat, user, document=document, caption=caption)
    return {"message": message}


def callback_update(
    world: World, user_id: int, message_id: int, data: str, chat_id: int | None = None
) -> tuple[str, dict[str, Any]]:
    """A button press under a bot message; returns the query id and the update body."""
    user = _user(world, user_id)
    chat = user_id if chat_id is None else chat_id
    stored = world.message(chat, message_id)
    if stored is None or not stored.from_bot:
        raise ValueError(f"no bot message {message_id} in chat {chat} to press a button under")
    query_id = str(4_000_000_000_000 + world.serial())
    world.callbacks[query_id] = False
    query = {
        "id": query_id,
        "from": user,
        "message": stored.json,
        "chat_instance": str(abs(chat) * 1_000_003 + 17),
        "data": data,
    }
    return query_id, {"callback_query": query}


def poll_answer_update(world: World, user_id: int, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
    """A vote (or, with no options, a retracted vote) on one of the bot's polls."""
    user = _user(world, user_id)
    state = world.polls.get(poll_id)
    if state is None:
        raise ValueError(f"unknown poll {poll_id}")
    poll = state.json
    if poll["is_closed"]:
        raise ValueError("the poll is closed")
    count = len(poll["options"])
    if any(not 0 <= i < count for i in option_ids):
        raise ValueError(f"option index out of range: the poll has {count} options (0-based)")
    if len(set(option_ids)) != len(option_ids) or (len(option_ids) > 1 and not poll["allows_multiple_answers"]):
        raise ValueError("this poll takes exactly one answer")
    if user_id in state.votes and not poll.get("allows_revoting", False):
        raise ValueError("already answered, and this poll does not allow changing the answer")
    if not option_ids and user_id not in state.votes:
        raise ValueError("nothing to retract: the user has not voted")
    if option_ids:
        state.votes[user_id] = sorted(option_ids)
    else:
        state.votes.pop(user_id, None)
    for index, option in enumerate(poll["options"]):
        option["voter_count"] = sum(index in chosen for chosen in state.votes.values())
    poll["total_voter_count"] = len(state.votes)
    if poll["is_anonymous"]:
        return {"poll": copy.deepcopy(poll)}
    answer = {
        "poll_id": poll_id,
        "user": user,
        "option_ids": sorted(option_ids),
        "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in sorted(option_ids)],
    }
    return {"poll_answer": answer}


def my_chat_member_update(world: World, user_id: int, old: str, new: str) -> dict[str, Any]:
    """What the bot hears when a user blocks (``kicked``) or unblocks (``member``) it."""
    user = _user(world, user_id)
    return {
        "my_chat_member": {
            "chat": world.chats[user_id],
            "from": user,
            "date": world.now(),
            "old_chat_member": chat_member_json(old, world.bot_user),
            "new_chat_member": chat_member_json(new, world.bot_user),
        }
    }
