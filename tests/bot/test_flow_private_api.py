"""``bot.flow_store`` ends expired flows through PTB's private ``ConversationHandler._update_state`` (no
public way exists: see the module's docstring).  These tests fail loudly if a PTB upgrade changes what it
takes or what it does, checked through the public ``check_update``; and the start-up guard refuses a PTB
without it instead of letting an expired 请假 prompt file unrelated text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import ConversationHandler, MessageHandler, filters

from bot import flow_store

USER_ID = 4242
WAITING = 1


async def _noop(_update: object, _context: object) -> int:
    return ConversationHandler.END


def _text(text: str) -> Update:
    user = User(USER_ID, "张三", is_bot=False)
    chat = Chat(USER_ID, Chat.PRIVATE)
    return Update(1, message=Message(1, datetime(2026, 3, 20, tzinfo=UTC), chat, from_user=user, text=text))


def _flow() -> ConversationHandler:  # type: ignore[type-arg]
    # shaped as the 请假 prompt: per user, a state that takes any text, no entry point for plain text
    return ConversationHandler(
        entry_points=[MessageHandler(filters.Regex("^never$"), _noop)],
        states={WAITING: [MessageHandler(filters.TEXT, _noop)]},
        fallbacks=[], per_chat=False, name="guard")


def test_update_state_puts_a_flow_in_a_state_and_end_takes_it_out() -> None:
    flow = _flow()
    key = (USER_ID,)
    assert not flow.check_update(_text("家里有事"))  # no flow: plain text is not the flow's
    flow._update_state(WAITING, key)
    assert flow.check_update(_text("家里有事"))  # waiting: the text is the reason
    flow._update_state(ConversationHandler.END, key)
    assert not flow.check_update(_text("好的"))  # ended: plain text is ordinary again
    flow._update_state(ConversationHandler.END, key)  # ending what is not open does nothing (restored rows)


def test_the_start_up_guard_accepts_this_ptb_and_refuses_a_changed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    flow_store.check_ptb_private_api()
    monkeypatch.delattr(ConversationHandler, "_update_state")
    with pytest.raises(RuntimeError, match="_update_state"):
        flow_store.check_ptb_private_api()


def test_the_guard_refuses_other_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(self: object, key: object, new_state: object) -> None:
        return None

    monkeypatch.setattr(ConversationHandler, "_update_state", changed)
    with pytest.raises(RuntimeError, match=r"changed ConversationHandler\._update_state"):
        flow_store.check_ptb_private_api()
