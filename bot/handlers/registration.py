"""Joining the branch: ``/start [invite code]``, choosing a branch, and secretaries deciding requests."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.callbacks import CallbackData, pattern
from bot.commands import Command, args_of, guarded_callback
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.menus import set_member_menu
from bot.notify import send_to_member
from storage import members as member_store
from storage.members import NewUser, Outcome, Registration
from storage.models import Member, Role

_T = {
    Outcome.ALREADY: "register.already",
    Outcome.PENDING: "register.pending",
    Outcome.STILL_PENDING: "register.still_pending",
    Outcome.BAD_CODE: "register.bad_code",
    Outcome.REJECTED: "register.rejected",
}


def _new_user(update: Update, lang: str) -> NewUser:
    user = update.effective_user
    assert user is not None
    chat = update.effective_chat
    return NewUser(tg_user_id=user.id, name=user.full_name or str(user.id), username=user.username,
                   language=lang, chat_id=chat.id if chat and chat.type == "private" else None)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """Register with an invite code, file a request without one, or greet a known member."""
    svc = services(context)
    args = args_of(context)
    code = args[0][:64] if args else None
    result: Registration = await svc.db.run(
        member_store.register, user=_new_user(update, caller.lang), invite_code=code, now=svc.clock.now(),
        secretary_ids=svc.secretary_ids, admin_ids=svc.admin_ids,
    )
    await _after_registration(update, context, svc, result, caller.lang)


async def _after_registration(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, result: Registration, lang: str
) -> None:
    branch_name = result.branch.name if result.branch else ""
    if result.outcome == Outcome.CHOOSE_BRANCH:
        branches = await svc.db.run(member_store.list_branches)
        rows = [[InlineKeyboardButton(b.name, callback_data=CallbackData("join", "b", (str(b.id),)).encode())]
                for b in branches]
        await reply(update, svc.texts.t("register.choose_branch", lang), reply_markup=InlineKeyboardMarkup(rows))
        return
    if result.outcome == Outcome.JOINED:
        assert result.member is not None
        key = "register.joined_secretary" if result.member.role != Role.MEMBER else "register.joined"
        await reply(update, svc.texts.t(key, lang, branch=branch_name, name=result.member.name))
        await set_member_menu(context.bot, svc, result.member)
        return
    await reply(update, svc.texts.t(_T[result.outcome], lang, branch=branch_name))
    if result.outcome == Outcome.PENDING and result.member is not None:
        await _ask_secretaries(context, svc, result.member, branch_name)


async def _ask_secretaries(context: ContextTypes.DEFAULT_TYPE, svc: Services, member: Member, branch: str) -> None:
    assert member.id is not None
    secretaries = await svc.db.run(member_store.secretaries_of, branch_id=member.branch_id)
    if not secretaries:  # nobody in the branch can decide yet: committee admins can, and the applicant should know
        secretaries = await svc.db.run(member_store.committee_admins)
        if not secretaries:
            await send_to_member(context.bot, svc, member,
                                 svc.texts.t("register.no_secretary", svc.texts.lang(member.language), branch=branch))
    for secretary in secretaries:
        lang = svc.texts.lang(secretary.language)
        buttons = [[
            InlineKeyboardButton(svc.texts.plain("register.btn_approve", lang),
                                 callback_data=CallbackData("reg", "a", (str(member.id),)).encode()),
            InlineKeyboardButton(svc.texts.plain("register.btn_reject", lang),
                                 callback_data=CallbackData("reg", "r", (str(member.id),)).encode()),
        ]]
        username = f"@{member.username}" if member.username else "—"
        text = svc.texts.t("register.request", lang, name=member.name, username=username, id=member.id, branch=branch)
        await send_to_member(context.bot, svc, secretary, text, InlineKeyboardMarkup(buttons))


async def choose_branch(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData) -> None:
    svc = services(context)
    result = await svc.db.run(
        member_store.register, user=_new_user(update, caller.lang), invite_code=None, now=svc.clock.now(),
        secretary_ids=svc.secretary_ids, admin_ids=svc.admin_ids, branch_id=data.int_arg(),
    )
    if update.callback_query and update.callback_query.message:
        await update.callback_query.edit_message_reply_markup(None)
    await _after_registration(update, context, svc, result, caller.lang)


async def decide_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData) -> str:
    """A secretary pressed approve/reject under a join request."""
    approve = data.action == "a"
    member = await decide(context, caller, data.int_arg(), approve=approve)
    svc = services(context)
    key = "register.decided_approved" if approve else "register.decided_rejected"
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_text(svc.texts.t(key, caller.lang, name=member.name, id=member.id), parse_mode="HTML")
    return svc.texts.plain(key, caller.lang, name=member.name, id=member.id)


async def decide(context: ContextTypes.DEFAULT_TYPE, caller: Caller, member_id: int, *, approve: bool) -> Member:
    """Record the decision, then tell the member and give them their menu (shared by button and command)."""
    svc = services(context)
    assert caller.member is not None
    member: Member = await svc.db.run(member_store.decide, actor=caller.member, member_id=member_id,
                                      approve=approve, now=svc.clock.now())
    branch = await svc.db.run(member_store.get_branch, branch_id=member.branch_id)
    lang = svc.texts.lang(member.language)
    key = "register.approved" if approve else "register.rejected_notice"
    await send_to_member(context.bot, svc, member, svc.texts.t(key, lang, branch=branch.name))
    if approve:
        await set_member_menu(context.bot, svc, member)
    return member



FEATURE = Feature(
    name="registration",
    commands=(Command("start", None, start),),
    handlers=lambda: [
        CallbackQueryHandler(guarded_callback(None, choose_branch), pattern=pattern("join")),
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, decide_button), pattern=pattern("reg")),
    ],
)
