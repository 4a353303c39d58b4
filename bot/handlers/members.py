"""Secretaries manage the roster: list, approve / reject, change role or standing, remove, transfer;
committee admins choose the branch they act on.

Who the caller may see is their ``Caller.scope`` (resolved once by the guard): a secretary their branch,
a committee admin the branches they oversee — ``/members`` lists all of those at once, or one named by
key.  Everything here answers only in private chat (the guard points a group to it).
"""

from __future__ import annotations

from itertools import groupby

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.callbacks import CallbackData, pack, pattern
from bot.commands import (
    Command,
    UsageError,
    args_of,
    edit_own_message,
    guarded_callback,
    member_arg,
    member_id_arg,
)
from bot.confirm import Outcome, confirm_keyboard, run_confirmed
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.joining import decide, decision_keyboard, remember_card, standing_question
from bot.menus import set_member_menu
from bot.notify import send_to_member
from bot.texts import Catalog
from bot.words import join_names
from storage import members as member_store
from storage import roster
from storage.models import Branch, Member, MemberStatus, Role, Standing

ROLE_WORDS = {
    "member": Role.MEMBER, "党员": Role.MEMBER,
    "secretary": Role.SECRETARY, "书记": Role.SECRETARY, "支部书记": Role.SECRETARY,
    # a 支委 sits on the committee (addressed by 支委会) without a secretary's powers
    "committee": Role.COMMITTEE, "委员": Role.COMMITTEE, "支委": Role.COMMITTEE, "支部委员": Role.COMMITTEE,
    # the seats a branch committee names (trial2 U13): each is a 委员 here, the bot keeps no portfolio
    "组织委员": Role.COMMITTEE, "宣传委员": Role.COMMITTEE, "纪检委员": Role.COMMITTEE, "青年委员": Role.COMMITTEE,
    "统战委员": Role.COMMITTEE,
}
STANDING_WORDS = {
    "full": Standing.FULL, "正式": Standing.FULL, "正式党员": Standing.FULL,
    "probationary": Standing.PROBATIONARY, "预备": Standing.PROBATIONARY, "预备党员": Standing.PROBATIONARY,
}
CB = "mem"  # callback prefix: rm / tr / sp confirmations, and the shared cancel
CB_ADMIN = "adm"  # a committee admin's branch choice


async def _member(svc: Services, caller: Caller, value: str, prefer: MemberStatus = MemberStatus.ACTIVE) -> int:
    """A member typed by number or, as /stats takes them, by name in the branch the caller acts on."""
    branch_id = caller.scope.acting_branch_id
    digits = value.lstrip("#")
    if branch_id is None or (digits.isascii() and digits.isdigit()):  # an admin with no branch chosen: numbers
        return member_id_arg(value)
    return await member_arg(svc, branch_id, value, prefer)


def member_line(texts: Catalog, lang: str, member: Member) -> str:
    unreachable = texts.plain("members.unreachable", lang) if not member.reachable else ""
    if member.status == MemberStatus.PENDING:  # an applicant has no standing in the branch yet
        username = f" @{member.username}" if member.username else ""
        return texts.t("members.pending_line", lang, id=member.id, name=member.name, username=username,
                       unreachable=unreachable)
    return texts.t(
        "members.line", lang, id=member.id, name=member.name,
        role=texts.plain(f"role.{member.role}", lang), standing=texts.plain(f"standing.{member.standing}", lang),
        status=texts.plain(f"status.{member.status}", lang), unreachable=unreachable,
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
        lines.append(texts.t("members.left_header", lang, names=join_names(texts, lang, (m.name for m in left))))
    return "\n".join(lines)


async def list_members(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/members`` — the branches in the caller's scope (a secretary: theirs); an admin may name one key."""
    svc = services(context)
    args = args_of(context)
    branches = await svc.db.run(member_store.branches_in, scope=caller.scope)
    if args:
        if not caller.scope.is_admin or len(args) != 1:
            raise UsageError()
        branches = [b for b in branches if b.key == args[0]]
        if not branches:
            raise UsageError()
    members = await svc.db.run(member_store.list_members, scope=caller.scope, include_left=True)
    by_branch = {key: list(rows) for key, rows in groupby(members, key=lambda m: m.branch_id)}
    parts = [render_roster(svc.texts, caller.lang, b, by_branch.get(b.id, [])) for b in branches]
    shown = {b.id for b in branches}
    pending = [m for m in members if m.status == MemberStatus.PENDING and m.branch_id in shown]
    await reply(update, "\n\n".join(parts), reply_markup=decision_keyboard(svc, caller.lang, pending, named=True))


async def approve(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/approve <编号|姓名> [正式|预备]`` — without a standing it asks with the two approve buttons: the
    bot never makes a newcomer 正式党员 (or 预备) by default."""
    args = args_of(context)
    if len(args) not in (1, 2) or (len(args) == 2 and args[1].lower() not in STANDING_WORDS):
        raise UsageError()
    svc = services(context)  # an applicant typed by number or, like /remove, by name (applicants first)
    member_id = await _member(svc, caller, args[0], MemberStatus.PENDING)
    if len(args) == 1:
        text, keyboard = await standing_question(context, caller, member_id)
        sent = await reply(update, text, reply_markup=keyboard)
        await remember_card(svc, member_id, caller.member.id if caller.member else None, sent)
        return
    key, params = await decide(context, caller, member_id, STANDING_WORDS[args[1].lower()])
    await reply(update, svc.texts.t(key, caller.lang, **params))


async def reject(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    args = args_of(context)
    if len(args) != 1:
        raise UsageError()
    svc = services(context)
    key, params = await decide(context, caller, await _member(svc, caller, args[0], MemberStatus.PENDING), None)
    await reply(update, svc.texts.t(key, caller.lang, **params))


async def set_role(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/setrole <id> <党员|书记>`` — the member is told only when their role actually changed."""
    args = args_of(context)
    if len(args) != 2 or args[1].lower() not in ROLE_WORDS:
        raise UsageError()
    svc = services(context)
    member_id = await _member(svc, caller, args[0])
    member, changed = await svc.db.run(roster.set_role, actor=caller.member, member_id=member_id,
                                       role=ROLE_WORDS[args[1].lower()], now=svc.clock.now(), scope=caller.scope)
    role = svc.texts.plain(f"role.{member.role}", caller.lang)
    if not changed:
        await reply(update, svc.texts.t("members.role_unchanged", caller.lang, name=member.name, role=role))
        return
    await set_member_menu(context.bot, svc, member)
    await send_to_member(context.bot, svc, member, svc.texts.t(
        "members.role_notice", member.language, role=svc.texts.plain(f"role.{member.role}", member.language)))
    await reply(update, svc.texts.t("members.role_set", caller.lang, name=member.name, role=role))


async def set_standing(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/standing <编号|姓名> <正式|预备>`` — 正式 → 预备 asks first (a typo there demotes a Party member);
    the member is told of any change."""
    args = args_of(context)
    if len(args) != 2 or args[1].lower() not in STANDING_WORDS:
        raise UsageError()
    svc = services(context)
    standing = STANDING_WORDS[args[1].lower()]
    member = await svc.db.run(roster.standing_candidate, actor=caller.member,
                              member_id=await _member(svc, caller, args[0]), standing=standing, scope=caller.scope)
    assert member.id is not None
    if standing == Standing.PROBATIONARY and member.standing == Standing.FULL:
        await reply(update, svc.texts.t("members.standing_confirm", caller.lang, name=member.name, id=member.id),
                    reply_markup=confirm_keyboard(svc, caller.lang, CB, "sp", (member.id,),
                                                  yes_key="members.btn_standing", no_key="members.btn_keep"))
        return
    key, params = await _apply_standing(context, svc, caller, member.id, standing)
    await reply(update, svc.texts.t(key, caller.lang, **params))


async def _apply_standing(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, member_id: int,
                          standing: Standing) -> Outcome:
    member, changed = await svc.db.run(roster.set_standing, actor=caller.member, member_id=member_id,
                                       standing=standing, now=svc.clock.now(), scope=caller.scope)
    if changed:
        branch = await svc.db.run(member_store.get_branch, branch_id=member.branch_id)
        await send_to_member(context.bot, svc, member, svc.texts.t(
            "members.standing_notice", member.language, branch=branch.name,
            standing=svc.texts.plain(f"standing.{member.standing}", member.language)))
    return ("members.standing_set" if changed else "members.standing_unchanged",
            {"name": member.name, "standing": svc.texts.plain(f"standing.{member.standing}", caller.lang)})


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/remove <id>`` asks for confirmation: removal is rare and hard to undo by hand."""
    args = args_of(context)
    if len(args) != 1:
        raise UsageError()
    svc = services(context)
    member = await svc.db.run(roster.removal_candidate, actor=caller.member,
                              member_id=await _member(svc, caller, args[0]), scope=caller.scope)
    assert member.id is not None
    await reply(update, svc.texts.t("members.remove_confirm", caller.lang, name=member.name, id=member.id),
                reply_markup=confirm_keyboard(svc, caller.lang, CB, "rm", (member.id,),
                                              yes_key="members.btn_remove", no_key="members.btn_keep"))


async def transfer(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/transfer <id> <branch key>`` — move a member to another branch (asks first)."""
    args = args_of(context)
    if len(args) != 2:
        raise UsageError()
    svc = services(context)
    member, branch = await svc.db.run(roster.transfer_candidate, actor=caller.member,
                                      member_id=await _member(svc, caller, args[0]), branch_key=args[1][:32],
                                      scope=caller.scope)
    assert member.id is not None and branch.id is not None
    await reply(update, svc.texts.t("members.transfer_confirm", caller.lang, name=member.name, id=member.id,
                                    branch=branch.name),
                reply_markup=confirm_keyboard(svc, caller.lang, CB, "tr", (member.id, branch.id),
                                              yes_key="members.btn_transfer", no_key="members.btn_keep"))


async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData) -> str:
    """The answer to a /remove, /transfer or /standing … 预备 question."""
    svc = services(context)
    actions = {"rm": _apply_remove, "tr": _apply_transfer, "sp": _apply_probationary}
    if data.action not in actions and data.action != "no":
        raise ValueError(data.action)
    member_id = data.int_arg()

    async def apply() -> Outcome:
        return await actions[data.action](context, svc, caller, member_id, data)

    return await run_confirmed(update, svc, caller, data, apply, cancelled_key="members.remove_cancelled")


async def _apply_remove(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, member_id: int,
                        _data: CallbackData) -> Outcome:
    member = await svc.db.run(roster.remove, actor=caller.member, member_id=member_id, now=svc.clock.now(),
                              scope=caller.scope)
    await set_member_menu(context.bot, svc, member)
    branch = await svc.db.run(member_store.get_branch, branch_id=member.branch_id)
    await send_to_member(context.bot, svc, member,
                         svc.texts.t("members.removed_notice", member.language, branch=branch.name))
    return "members.removed", {"name": member.name}


async def _apply_probationary(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, member_id: int,
                              _data: CallbackData) -> Outcome:
    return await _apply_standing(context, svc, caller, member_id, Standing.PROBATIONARY)


async def _apply_transfer(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, member_id: int,
                          data: CallbackData) -> Outcome:
    branch = await svc.db.run(member_store.get_branch, branch_id=data.int_arg(1))
    _old, member = await svc.db.run(roster.transfer, actor=caller.member, member_id=member_id,
                                    branch_key=branch.key, now=svc.clock.now(), scope=caller.scope)
    await set_member_menu(context.bot, svc, member)
    await send_to_member(context.bot, svc, member,
                         svc.texts.t("members.transferred_notice", member.language, branch=branch.name))
    assert branch.id is not None
    for secretary in await svc.db.run(member_store.secretaries_of, branch_id=branch.id):
        await send_to_member(context.bot, svc, secretary, svc.texts.t(
            "members.transferred_in", secretary.language, name=member.name, id=member.id, branch=branch.name))
    return "members.transferred", {"name": member.name, "branch": branch.name}


async def choose_branch(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/branch`` — a committee admin picks the branch their one-branch commands act on."""
    svc = services(context)
    if args_of(context):
        raise UsageError()
    branches = await svc.db.run(member_store.branches_in, scope=caller.scope)
    acting = caller.scope.acting_branch_id
    rows = [[InlineKeyboardButton(("✅ " if b.id == acting else "") + b.name,
                                  callback_data=pack(CB_ADMIN, "b", b.id or 0))] for b in branches]
    current = next((b.name for b in branches if b.id == acting), "—")
    await reply(update, svc.texts.t("members.branch_choose", caller.lang, branch=current),
                reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def branch_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData) -> str:
    svc = services(context)
    branch = await svc.db.run(member_store.set_acting_branch, scope=caller.scope, branch_id=data.int_arg(),
                              now=svc.clock.now())
    await edit_own_message(update, svc.texts.t("members.branch_chosen", caller.lang, branch=branch.name))
    return svc.texts.plain("members.branch_chosen", caller.lang, branch=branch.name)


FEATURE = Feature(
    name="members",
    commands=(
        Command("members", Role.SECRETARY, list_members, "secretary"),
        Command("approve", Role.SECRETARY, approve, "secretary"),
        Command("reject", Role.SECRETARY, reject, "secretary"),
        Command("setrole", Role.SECRETARY, set_role, "secretary"),
        Command("standing", Role.SECRETARY, set_standing, "secretary"),
        Command("remove", Role.SECRETARY, remove, "secretary"),
        Command("transfer", Role.SECRETARY, transfer, "secretary"),
        Command("branch", Role.ADMIN, choose_branch, "secretary"),
    ),
    handlers=lambda: [
        CallbackQueryHandler(guarded_callback(Role.SECRETARY, confirmed), pattern=pattern(CB)),
        CallbackQueryHandler(guarded_callback(Role.ADMIN, branch_chosen), pattern=pattern(CB_ADMIN)),
    ],
)
