"""Deciding join requests, shared by the registration feature (the button under a request) and the
members feature (``/approve``, ``/reject`` and the roster's buttons): one keyboard, one use case.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.callbacks import pack
from bot.context import Caller, Services, services
from bot.menus import set_member_menu
from bot.notify import send_to_member
from storage import members as member_store
from storage import roster
from storage.models import Member

FEATURE = "reg"  # callback prefix of the decision buttons
APPROVE, REJECT = "a", "r"
MAX_ROWS = 20  # Telegram allows 100 buttons; a screenful is what a secretary reads


def decision_keyboard(
    svc: Services, lang: str, members: Sequence[Member], *, named: bool
) -> InlineKeyboardMarkup | None:
    """One approve / reject row per request; ``named`` puts the applicant's name on the buttons (a roster
    lists several), otherwise the message above already says whom they decide."""
    rows = []
    for member in list(members)[:MAX_ROWS]:
        assert member.id is not None
        if named:
            approve = svc.texts.plain("members.btn_approve_named", lang, name=member.name)
            reject = svc.texts.plain("members.btn_reject_named", lang, name=member.name)
        else:
            approve = svc.texts.plain("register.btn_approve", lang)
            reject = svc.texts.plain("register.btn_reject", lang)
        rows.append([InlineKeyboardButton(approve, callback_data=pack(FEATURE, APPROVE, member.id)),
                     InlineKeyboardButton(reject, callback_data=pack(FEATURE, REJECT, member.id))])
    return InlineKeyboardMarkup(rows) if rows else None


async def decide(context: ContextTypes.DEFAULT_TYPE, caller: Caller, member_id: int, *, approve: bool) -> Member:
    """Record the decision, then tell the member and give them their menu."""
    svc = services(context)
    assert caller.member is not None
    member: Member = await svc.db.run(roster.decide, actor=caller.member, member_id=member_id, approve=approve,
                                      now=svc.clock.now(), scope=caller.scope)
    branch = await svc.db.run(member_store.get_branch, branch_id=member.branch_id)
    lang = svc.texts.lang(member.language)
    key = "register.approved" if approve else "register.rejected_notice"
    await send_to_member(context.bot, svc, member, svc.texts.t(key, lang, branch=branch.name))
    if approve:
        await set_member_menu(context.bot, svc, member)
    return member


def decided_text_key(approve: bool) -> str:
    return "register.decided_approved" if approve else "register.decided_rejected"
