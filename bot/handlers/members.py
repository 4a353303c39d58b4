"""Secretaries manage the roster: list, approve / reject, change role or standing, remove."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.callbacks import CallbackData, pattern
from bot.commands import Command, UsageError, args_of, guarded_callback, int_arg
from bot.context import Caller, reply, services
from bot.feature import Feature
from bot.handlers.registration import decide
from bot.menus import set_member_menu
from bot.notify import send_to_member
from bot.texts import Catalog
from storage import members as member_store
from storage.models import Branch, Member, MemberStatus, Role, Standing

ROLE_WORDS = {
    "member": Role.MEMBER, "党员": Role.MEMBER,
    "secretary": Role.SECRETARY, "书记": Role.SECRETARY, "支部书记": Role.SECRETARY, "委员": Role.SECRETARY,
    "admin": Role.ADMIN, "管理员": Role.ADMIN, "党委": Role.ADMIN,
}
STANDING_WORDS = {
    "full": Standing.FULL, "正式": Standing.FULL, "正式党员": Standing.FULL,
    "probationary": Standing.PROBATIONARY, "预备": Standing.PROBATIONARY, "预备党员": Standing.PROBATIONARY,
}


def member_line(texts: Catalog, lang: str, member: Member) -> str:
    return texts.t(
        "members.line", lang, id=member.id, name=member.name,
        role=texts.plain(f"role.{member.role}", lang), standing=texts.plain(f"standing.{member.standing}", lang),
        status=texts.plain(f"status.{member.status}", lang),
        unreachable=texts.plain("members.unreachable", lang) if not member.reachable else "",
    )


def render_roster(texts: Catalog, lang: str, branch: Branch, members: list[Member]) -> str:
    active = [m for m in members if m.status == MemberStatus.ACTIVE]
    pending = [m for m in members if m.status == MemberStatus.PENDING]
    full = sum(1 for m in active if m.standing == Standing.FULL)
    lines: list[str] = [texts.t("members.header", lang, branch=branch.name, active=len(active), full=full,
                     probationary=len(active) - full, pending=len(pending))]
    lines += [member_line(texts, lang, m) for m in active]
    if pending:
        lines.append(texts.t("members.pending_header", lang))
        lines += [member_line(texts, lang, m) for m in pending]
    left = [m for m in members if m.status == MemberStatus.LEFT]
    if left:
        lines.append(texts.t("members.left_header", lang, names="、".join(m.name for m in left)))
    return "\n".join(lines)


async def list_members(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/members`` — the caller's branch; a committee admin may name a branch key, or see all."""
    svc = services(context)
    assert caller.member is not None
    args = args_of(context)
    branches = await svc.db.run(member_store.list_branches)
    if caller.member.role == Role.ADMIN:
        if args:
            branches = [b for b in branches if b.key == args[0]]
            if not branches:
                raise UsageError()
    else:
        if args:
            raise UsageError()
        branches = [b for b in branches if b.id == caller.member.branch_id]
    parts = []
    pending: list[Member] = []
    for branch in branches:
        assert branch.id is not None
        members = await svc.db.run(member_store.list_members, branch_id=branch.id, include_left=True)
        parts.append(render_roster(svc.texts, caller.lang, branch, members))
        pending += [m for m in members if m.status == MemberStatus.PENDING]
    await reply(update, "\n\n".join(parts), reply_markup=pending_keyboard(svc.texts, caller.lang, pending))


def pending_keyboard(texts: Catalog, lang: str, pending: list[Member]) -> InlineKeyboardMarkup | None:
    """One approve / reject row per waiting request, so the roster is also the review queue."""
    if not pending:
        return None
    rows = [[
        InlineKeyboardButton(texts.plain("members.btn_approve_named", lang, name=m.name),
                             callback_data=CallbackData("reg", "a", (str(m.id),)).encode()),
        InlineKeyboardButton(texts.plain("members.btn_reject_named", lang, name=m.name),
                             callback_data=CallbackData("reg", "r", (str(m.id),)).encode()),
    ] for m in pending[:20]]
    return InlineKeyboardMarkup(rows)


async def approve(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    await _decide_command(update, context, caller, approve=True)


async def reject(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    await _decide_command(update, context, caller, approve=False)


async def _decide_command(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, *, approve: bool) -> None:
    args = args_of(context)
    if len(args) != 1:
        raise UsageError()
    member = await decide(context, caller, int_arg(args[0]), approve=approve)
    svc = services(context)
    key = "register.decided_approved" if approve else "register.decided_rejected"
    await reply(update, svc.texts.t(key, caller.lang, name=member.name, id=member.id))


async def set_role(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/setrole <id> <member|secretary|admin>``"""
    args = args_of(context)
    if len(args) != 2 or args[1].lower() not in ROLE_WORDS:
        raise UsageError()
    svc = services(context)
    member = await svc.db.run(member_store.set_role, actor=caller.member, member_id=int_arg(args[0]),
                              role=ROLE_WORDS[args[1].lower()], now=svc.clock.now())
    await set_member_menu(context.bot, svc, member)
    await send_to_member(context.bot, svc, member, svc.texts.t(
        "members.role_notice", member.language, role=svc.texts.plain(f"role.{member.role}", member.language)))
    await reply(update, svc.texts.t("members.role_set", caller.lang, name=member.name,
                                    role=svc.texts.plain(f"role.{member.role}", caller.lang)))


async def set_standing(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/standing <id> <正式|预备>``"""
    args = args_of(context)
    if len(args) != 2 or args[1].lower() not in STANDING_WORDS:
        raise UsageError()
    svc = services(context)
    member = await svc.db.run(member_store.set_standing, actor=caller.member, member_id=int_arg(args[0]),
                              standing=STANDING_WORDS[args[1].lower()], now=svc.clock.now())
    await reply(update, svc.texts.t("members.standing_set", caller.lang, name=member.name,
                                    standing=svc.texts.plain(f"standing.{member.standing}", caller.lang)))


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/remove <id>`` asks for confirmation: removal is rare and hard to undo by hand."""
    args = args_of(context)
    if len(args) != 1:
        raise UsageError()
    svc = services(context)
    member_id = int_arg(args[0])
    member = await svc.db.run(member_store.removal_candidate, actor=caller.member, member_id=member_id)
    buttons = [[
        InlineKeyboardButton(svc.texts.plain("members.btn_remove", caller.lang),
                             callback_data=CallbackData("mem", "rm", (str(member_id),)).encode()),
        InlineKeyboardButton(svc.texts.plain("members.btn_keep", caller.lang),
                             callback_data=CallbackData("mem", "keep", (str(member_id),)).encode()),
    ]]
    await reply(update, svc.texts.t("members.remove_confirm", caller.lang, name=member.name, id=member_id),
                reply_markup=InlineKeyboardMarkup(buttons))


async def remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData) -> str:
    svc = services(context)
    query = update.callback_query
    if data.action == "keep":
        key, params = "members.remove_cancelled", {}
    else:
        member = await svc.db.run(member_store.remove, actor=caller.member, member_id=data.int_arg(),
                                  now=svc.clock.now())
        await set_member_menu(context.bot, svc, member)
        branch = await svc.db.run(member_store.get_branch, branch_id=member.branch_id)
        await send_to_member(context.bot, svc, member,
                             svc.texts.t("members.removed_notice", member.language, branch=branch.name))
        key, params = "members.removed", {"name": member.name}
    if query is not None and query.message is not None:
        await query.edit_message_text(svc.texts.t(key, caller.lang, **params), parse_mode="HTML")
    return svc.texts.plain(key, caller.lang, **params)


FEATURE = Feature(
    name="members",
    commands=(
        Command("members", Role.SECRETARY, list_members, "secretary"),
        Command("approve", Role.SECRETARY, approve, "secretary"),
        Command("reject", Role.SECRETARY, reject, "secretary"),
        Command("setrole", Role.SECRETARY, set_role, "secretary"),
        Command("standing", Role.SECRETARY, set_standing, "secretary"),
        Command("remove", Role.SECRETARY, remove, "secretary"),
    ),
    handlers=lambda: [CallbackQueryHandler(guarded_callback(Role.SECRETARY, remove_button), pattern=pattern("mem"))],
)
