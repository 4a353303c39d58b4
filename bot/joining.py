"""Deciding join requests, shared by the registration feature (the button under a request) and the
members feature (``/approve``, ``/reject`` and the roster's buttons): one keyboard, one use case.

An approval always names the newcomer's standing (正式党员 / 预备党员): it is a Party fact the secretary
knows and the bot cannot guess, so there is no plain "approve" — the approve buttons carry the standing,
and ``/approve`` without one asks with those buttons.
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
from storage.models import Member, Standing

FEATURE = "reg"  # callback prefix of the decision buttons
APPROVE, REJECT = "a", "r"
MAX_ROWS = 20  # Telegram allows 100 buttons; a screenful is what a secretary reads
STANDING_CODES = {"f": Standing.FULL, "p": Standing.PROBATIONARY}  # the approve buttons' last argument
_CODE_OF = {standing: code for code, standing in STANDING_CODES.items()}


def decision_keyboard(
    svc: Services, lang: str, members: Sequence[Member], *, named: bool
) -> InlineKeyboardMarkup | None:
    """One approve / reject row per request; ``named`` puts the applicant's name on the buttons (a roster
    lists several), otherwise the message above already says whom they decide."""
    rows = []
    for member in list(members)[:MAX_ROWS]:
        assert member.id is not None
        approve, reject = ("members.btn_approve_named_", "members.btn_reject_named") if named else (
            "register.btn_approve_", "register.btn_reject")
        row = [InlineKeyboardButton(svc.texts.plain(f"{approve}{standing}", lang, name=member.name),
                                    callback_data=pack(FEATURE, APPROVE, member.id, _CODE_OF[standing]))
               for standing in (Standing.FULL, Standing.PROBATIONARY)]
        row.append(InlineKeyboardButton(svc.texts.plain(reject, lang, name=member.name),
                                        callback_data=pack(FEATURE, REJECT, member.id)))
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


async def standing_question(context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                            member_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """``/approve`` without a standing (or an approve button from before standings were asked): the
    question and its buttons, after checking the request can still be decided."""
    svc = services(context)
    assert caller.member is not None
    member: Member = await svc.db.run(roster.decision_candidate, actor=caller.member, member_id=member_id,
                                      approve=True, scope=caller.scope)
    text = svc.texts.t("register.ask_standing", caller.lang, name=member.name, id=member.id)
    return text, decision_keyboard(svc, caller.lang, [member], named=False)


async def decide(context: ContextTypes.DEFAULT_TYPE, caller: Caller, member_id: int,
                 standing: Standing | None) -> tuple[str, dict[str, object]]:
    """Record the decision (``standing`` ``None``: reject), tell the member — an approved one their
    standing too — and give them their menu; the secretary's confirmation (key, parameters) is returned."""
    svc = services(context)
    assert caller.member is not None
    approve = standing is not None
    member: Member = await svc.db.run(roster.decide, actor=caller.member, member_id=member_id, approve=approve,
                                      now=svc.clock.now(), scope=caller.scope, standing=standing)
    branch = await svc.db.run(member_store.get_branch, branch_id=member.branch_id)
    lang = svc.texts.lang(member.language)
    key = "register.approved" if approve else "register.rejected_notice"
    await send_to_member(context.bot, svc, member, svc.texts.t(
        key, lang, branch=branch.name, standing=svc.texts.plain(f"standing.{member.standing}", lang)))
    if approve:
        await set_member_menu(context.bot, svc, member)
    key = "register.decided_approved" if approve else "register.decided_rejected"
    return key, {"name": member.name, "id": member.id,
                 "standing": svc.texts.plain(f"standing.{member.standing}", caller.lang)}
