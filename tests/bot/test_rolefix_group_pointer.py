"""Trial T25 (first bullet): a non-member who had written to the bot privately (/help makes no row) typed
/me in the group and the group got the pointer "open a private chat" — though the bot could write to him.
The bot now asks Telegram for anyone, row or not, and answers privately whoever it can reach."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from tests.bot.test_group_manners import STRANGER, branch, in_group, typed_in_group

__all__ = ["branch"]  # the fixture, shared with the group-manners tests

ASKED_FOR_HELP = 10011  # opened the bot and sent /help: a private chat, no member row


async def test_a_non_member_the_bot_can_write_to_is_answered_privately(branch: OfflineSession,
                                                                        clock: FakeClock) -> None:
    branch.api.add_user(ASKED_FOR_HELP, "钱七")
    await branch.send(ASKED_FOR_HELP, "/help")
    replies = await typed_in_group(branch, clock, ASKED_FOR_HELP, "/me")
    assert in_group(replies) == [], [m.plain for m in replies]
    private = [m for m in replies if m.chat_id == ASKED_FOR_HELP]
    assert private and "还没有加入支部" in private[0].plain, [m.plain for m in replies]
    # someone who never opened the bot still gets the one pointer in the group: nothing else reaches them
    pointed = in_group(await typed_in_group(branch, clock, STRANGER, "/me"))
    assert len(pointed) == 1 and pointed[0].buttons
