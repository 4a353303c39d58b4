"""Joining a branch: ``/start [payload]``, choosing a branch, and secretaries deciding requests.

``/start <payload>`` is a deep link (``t.me/<bot>?start=<payload>``).  One router reads it: a payload
that starts with a prefix a feature registered (``Feature.deep_links``: ``ci_`` check-in, ``q_`` quiz)
goes to that feature; a reserved prefix nobody registered is an invalid link; anything else is an
invite code.  So a check-in link is never read as an invite code, whatever the codes look like.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.callbacks import BadCallback, CallbackData, pack, pattern
from bot.commands import Command, args_of, edit_own_message, guarded_callback
from bot.context import Caller, Services, reply, services
from bot.feature import FEATURES_KEY, Feature, deep_link_table
from bot.joining import (
    APPROVE,
    READMIT,
    REJECT,
    STANDING_CODES,
    decide,
    decided_card,
    decision_keyboard,
    delivery_kinds,
    pressed_card,
    remember_card,
    standing_question,
)
from bot.joining import FEATURE as DECISION_PREFIX
from bot.menus import set_member_menu
from bot.notify import send_to_member
from storage import members as member_store
from storage import registration as registration_store
from storage.errors import InvalidState
from storage.models import Member, MemberStatus, Role
from storage.registration import NewUser, Outcome, Registration

RESERVED_PREFIXES = ("ci_", "q_")  # promised to check-in and quiz links even before those features exist
_T = {
    Outcome.ALREADY: "register.already",
    Outcome.PENDING: "register.pending",
    Outcome.STILL_PENDING: "register.still_pending",
    Outcome.BAD_CODE: "register.bad_code",
    Outcome.REJECTED: "register.rejected",
}


def _outcome_key(result: Registration) -> str:
    """A wrong code from someone whose request is pending or was refused: not "send /start to ask" again."""
    if result.outcome == Outcome.BAD_CODE and result.member is not None:
        return {MemberStatus.PENDING: "register.bad_code_pending",
                MemberStatus.REJECTED: "register.bad_code_rejected"}.get(result.member.status, _T[result.outcome])
    return _T[result.outcome]


def _new_user(update: Update, lang: str) -> NewUser:
    user = update.effective_user
    assert user is not None
    chat = update.effective_chat
    return NewUser(tg_user_id=user.id, name=user.full_name or str(user.id), username=user.username,
                   language=lang, chat_id=chat.id if chat and chat.type == "private" else None)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """Route a deep link to its feature, or register: with an invite code at once, without one by request."""
    args = args_of(context)
    payload = args[0][:64] if args else None
    if payload:
        links = deep_link_table(context.application.bot_data[FEATURES_KEY])
        prefix = next((p for p in links if payload.startswith(p)), None)
        if prefix is not None:
            await links[prefix](update, context, caller, payload[len(prefix):])
            return
        if payload.startswith(RESERVED_PREFIXES):
            svc = services(context)
            await reply(update, svc.texts.t("register.link_invalid", caller.lang))
            return
    await _register(update, context, caller, invite_code=payload)


async def _register(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, *,
                    invite_code: str | None, branch_id: int | None = None) -> None:
    svc = services(context)
    result: Registration = await asyncio.to_thread(
        registration_store.register_retrying, svc.db, user=_new_user(update, caller.lang), invite_code=invite_code,
        now=svc.clock.now(), secretary_ids=svc.secretary_ids, admin_ids=svc.admin_ids, branch_id=branch_id,
    )
    await _after_registration(update, context, svc, result, caller.lang)


async def _after_registration(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, result: Registration, lang: str
) -> None:
    branch_name = result.branch.name if result.branch else ""
    if result.outcome == Outcome.CHOOSE_BRANCH:
        branches = await svc.db.run(member_store.list_branches)
        rows = [[InlineKeyboardButton(b.name, callback_data=pack("join", "b", b.id or 0))] for b in branches]
        await reply(update, svc.texts.t("register.choose_branch", lang), reply_markup=InlineKeyboardMarkup(rows))
        return
    if result.outcome == Outcome.JOINED:
        assert result.member is not None
        key = {Role.SECRETARY: "register.joined_secretary",
               Role.ADMIN: "register.joined_admin"}.get(result.member.role, "register.joined")
        await reply(update, svc.texts.t(key, lang, branch=branch_name, name=result.member.name))
        await set_member_menu(context.bot, svc, result.member)
        return
    if result.outcome == Outcome.PENDING and result.member is not None:
        deciders = await _deciders(svc, result.member)
        # one message that holds: "sent to the secretary", or — nobody to decide yet — "recorded" (trial T20)
        await reply(update, svc.texts.t("register.pending" if deciders else "register.no_secretary", lang,
                                        branch=branch_name))
        await _ask_secretaries(context, svc, result.member, branch_name, deciders)
        return
    await reply(update, svc.texts.t(_outcome_key(result), lang, branch=branch_name))


async def _deciders(svc: Services, member: Member) -> list[Member]:
    """The branch's secretaries decide; with none yet, the committee admins who oversee the branch."""
    deciders = list(await svc.db.run(member_store.secretaries_of, branch_id=member.branch_id))
    if not deciders:
        branch_key = (await svc.db.run(member_store.get_branch, branch_id=member.branch_id)).key
        admins = await svc.db.run(member_store.committee_admins)
        deciders = [a for a in admins if a.tg_user_id in svc.admin_ids
                    and (not svc.admin_branch_keys(a.tg_user_id) or branch_key in svc.admin_branch_keys(a.tg_user_id))]
    return deciders


async def _ask_secretaries(context: ContextTypes.DEFAULT_TYPE, svc: Services, member: Member, branch: str,
                           deciders: list[Member]) -> None:
    """Each decider gets the request card with its buttons, recorded so a decision edits them all."""
    assert member.id is not None
    for decider in deciders:
        lang = svc.texts.lang(decider.language)
        username = f"@{member.username}" if member.username else "—"
        text = svc.texts.t("register.request", lang, name=member.name, username=username, id=member.id, branch=branch)
        sent = await send_to_member(context.bot, svc, decider, text,
                                    decision_keyboard(svc, lang, [member], named=False))
        await remember_card(svc, member.id, decider.id, sent, request=True)  # edited when decided (trial T10)


async def choose_branch(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                        data: CallbackData) -> None:
    """Someone without an invite picked the branch to ask; the list goes away with the choice."""
    branch_id = data.int_arg()
    await edit_own_message(update, services(context).texts.t("register.choose_branch", caller.lang))
    await _register(update, context, caller, invite_code=None, branch_id=branch_id)


async def decide_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                        data: CallbackData) -> str:
    """A secretary pressed approve-as-正式 / approve-as-预备 / reject under a join request (or in the
    roster).  An approve button without a standing (sent before standings were asked) asks for one.
    The buttons decide a pending request only (``READMIT``: those ``/approve`` offered for a rejected one);
    pressed on a request decided since, the card is redrawn with the decision and the toast says what to
    type to change it (trial T10)."""
    if data.action not in (APPROVE, REJECT, READMIT):
        raise ValueError(data.action)
    svc = services(context)
    member_id = data.int_arg()
    button = data.action != READMIT
    try:
        if data.action == APPROVE and len(data.args) < 2:
            text, keyboard = await standing_question(context, caller, member_id, button=True)
            await edit_own_message(update, text, keyboard)
            return svc.texts.plain("register.ask_standing_short", caller.lang)
        standing = STANDING_CODES.get(data.str_arg(1)) if data.action != REJECT else None
        if data.action != REJECT and standing is None:
            raise BadCallback(f"unknown standing in {data}")
        key, params = await decide(context, caller, member_id, standing, button=button, pressed=pressed_card(update))
    except InvalidState as exc:
        if exc.code in ("request_rejected", "already_decided") and exc.params.get("status") in (
                MemberStatus.ACTIVE, MemberStatus.REJECTED):
            await edit_own_message(update, decided_card(
                svc.texts, caller.lang, name=str(exc.params["name"]), member_id=exc.params.get("id"),
                approved=exc.params["status"] == MemberStatus.ACTIVE, standing=None, by=None))
        raise
    await edit_own_message(update, svc.texts.t(key, caller.lang, **params))
    return svc.texts.plain(key, caller.lang, **params)


FEATURE = Feature(
    name="registration",
    commands=(Command("start", None, start),),
    handlers=lambda: [
        CallbackQueryHandler(guarded_callback(None, choose_branch), pattern=pattern("join")),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, decide_button), pattern=pattern(DECISION_PREFIX)),
    ],
    deliveries=lambda svc: delivery_kinds(svc.texts, svc.settings),
)
