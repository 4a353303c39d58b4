"""Leaving a guided flow: the user is told, and the command they typed is still handled.

A guided flow is a ``ConversationHandler`` waiting for a user's next text: the review's edit prompt, the
guided /newmeeting, the 请假 reason.  Each ends when its user types any other command, and that command
still runs in the features' group.  Ending *silently* left people unsure whether what they had typed so
far was saved, so the handler built here runs before the conversations (``bot.app`` registers it once,
for every feature's conversations) and says so first: "已退出新建会议，未保存。"

A flow is named by the button that opens it — its entry point's callback pattern ``^v1:<feature>:<action>:``
— so a feature adds a flow without touching this module: the catalog's ``flow.left.<feature>_<action>``
words it, and ``flow.left.other`` covers a flow with no words of its own.  /cancel stays the flows' own
(each answers it); /cancel with no flow open is the fallback feature's.  A flow whose prompt is optional
(:func:`optional`) ends silently: nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler, MessageHandler, filters

from bot.callbacks import VERSION
from bot.context import load_caller, reply, services
from bot.feature import AnyHandler
from bot.texts import Safe

CANCEL = "cancel"
_ENTRY = re.compile(rf"^\^{VERSION}:([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):")


def flow_name(conversation: ConversationHandler) -> str | None:  # type: ignore[type-arg]
    """``<feature>_<action>`` of the first button that opens ``conversation`` (``None``: no such button)."""
    for entry in conversation.entry_points:
        pattern = getattr(entry, "pattern", None)
        match = _ENTRY.match(pattern.pattern) if isinstance(pattern, re.Pattern) else None
        if match:
            return f"{match.group(1)}_{match.group(2)}"
    return None


_OPTIONAL: set[str] = set()  # names of flows whose prompt is optional: leaving them loses nothing


def optional(conversation: ConversationHandler) -> ConversationHandler:  # type: ignore[type-arg]
    """Mark a flow whose prompt is optional (the 不批准 reason: the decision already went out), so a
    command typed instead just runs — there is nothing unsaved to warn about."""
    if conversation.name:
        _OPTIONAL.add(conversation.name)
    return conversation


def command_of(text: str | None) -> str:
    """The command a message starts with, without its slash and ``@botname`` ("" for none)."""
    if not text or not text.startswith("/"):
        return ""
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""


def leave_notice(handlers: Sequence[AnyHandler]) -> AnyHandler:
    """A handler for private commands that tells a user which of their open flows the command leaves."""
    conversations = [h for h in handlers if isinstance(h, ConversationHandler)]

    async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or command_of(message.text) == CANCEL:
            return  # the flow answers /cancel itself
        # a conversation matching with no state yet would be *opened* by this command (``/newmeeting 党课``)
        open_flows = [c for c in conversations if c.name not in _OPTIONAL
                      and (found := c.check_update(update)) is not None and found[0] is not None]
        if not open_flows:
            return
        svc = services(context)
        caller = await load_caller(update, svc, context)
        if caller is None:
            return
        keys = [f"flow.left.{flow_name(conversation)}" for conversation in open_flows]
        lines = [svc.texts.t(key if svc.texts.has(key) else "flow.left.other", caller.lang) for key in keys]
        await reply(update, Safe("\n".join(lines)))

    return MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, announce)
