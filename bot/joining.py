"""Deciding join requests, shared by the registration feature (the button under a request) and the
members feature (``/approve``, ``/reject`` and the roster's buttons): one keyboard, one use case.

An approval always names the newcomer's standing (正式党员 / 预备党员): it is a Party fact the secretary
knows and the bot cannot guess, so there is no plain "approve" — the approve buttons carry the standing,
and ``/approve`` without one asks with those buttons.

Every card with these buttons sent to one decider is recorded (``scheduler.join_cards``): a decision made
anywhere — a button, ``/approve``, ``/reject`` — edits the others through the outbox to say what was decided,
and a stale 批准 under a rejected request is refused, not taken as a readmission (trial T10).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.callbacks import pack
from bot.config import Settings
from bot.context import Caller, Services, services
from bot.menus import set_member_menu
from bot.notify import send_to_member
from bot.texts import Catalog
from scheduler import join_cards
from scheduler.kinds import DeliveryKind, Outgoing
from storage import members as member_store
from storage import roster
from storage.models import Delivery, Member, MemberStatus, Standing

FEATURE = "reg"  # callback prefix of the decision buttons
APPROVE, REJECT = "a", "r"
READMIT = "ra"  # the approve buttons of ``/approve`` for a rejected applicant: a change of mind, on purpose
MAX_ROWS = 20  # Telegram allows 100 buttons; a screenful is what a secretary reads
STANDING_CODES = {"f": Standing.FULL, "p": Standing.PROBATIONARY}  # the approve buttons' last argument
_CODE_OF = {standing: code for code, standing in STANDING_CODES.items()}


def decision_keyboard(
    svc: Services, lang: str, members: Sequence[Member], *, named: bool
) -> InlineKeyboardMarkup | None:
    """One approve / reject row per request; ``named`` puts the applicant's name on the buttons (a roster
    lists several), otherwise the message above already says whom they decide.  A rejected applicant's
    approve buttons (only ``/approve`` offers them) say so in their data: a request card's would be stale."""
    rows = []
    for member in list(members)[:MAX_ROWS]:
        assert member.id is not None
        approve, reject = ("members.btn_approve_named_", "members.btn_reject_named") if named else (
            "register.btn_approve_", "register.btn_reject")
        row = [InlineKeyboardButton(svc.texts.plain(f"{approve}{standing}", lang, name=member.name),
                                    callback_data=pack(FEATURE, READMIT if member.status == MemberStatus.REJECTED
                                                       else APPROVE, member.id, _CODE_OF[standing]))
               for standing in (Standing.FULL, Standing.PROBATIONARY)]
        row.append(InlineKeyboardButton(svc.texts.plain(reject, lang, name=member.name),
                                        callback_data=pack(FEATURE, REJECT, member.id)))
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


async def standing_question(context: ContextTypes.DEFAULT_TYPE, caller: Caller, member_id: int, *,
                            button: bool = False) -> tuple[str, InlineKeyboardMarkup | None]:
    """``/approve`` without a standing (or an approve button from before standings were asked): the
    question and its buttons, after checking the request can still be decided."""
    svc = services(context)
    assert caller.member is not None
    member: Member = await svc.db.run(roster.decision_candidate, actor=caller.member, member_id=member_id,
                                      approve=True, scope=caller.scope, pending_only=button)
    text = svc.texts.t("register.ask_standing", caller.lang, name=member.name, id=member.id)
    return text, decision_keyboard(svc, caller.lang, [member], named=False)


async def decide(context: ContextTypes.DEFAULT_TYPE, caller: Caller, member_id: int,
                 standing: Standing | None, *, button: bool = False,
                 pressed: tuple[int, int] | None = None) -> tuple[str, dict[str, object]]:
    """Record the decision (``standing`` ``None``: reject), tell the member — an approved one their
    standing too — and give them their menu; the secretary's confirmation (key, parameters) is returned.
    The request's other cards are edited through the outbox (``button``/``pressed``: see
    ``scheduler.join_cards.decide``)."""
    svc = services(context)
    assert caller.member is not None
    approve = standing is not None
    member: Member = await svc.db.run(join_cards.decide, actor=caller.member, member_id=member_id,
                                      approve=approve, now=svc.clock.now(), scope=caller.scope, standing=standing,
                                      button=button, pressed=pressed)
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


async def remember_card(svc: Services, applicant_id: int, decider_id: int | None, sent: Message | None,
                        request: bool = False) -> None:
    """Record a card with decision buttons the bot just sent, so a decision elsewhere edits it (``request``:
    a join request's own card — one decided meanwhile gets its edit at once, ``join_cards.record_card``)."""
    if sent is not None:
        await svc.db.run(join_cards.record_card, applicant_id=applicant_id, decider_id=decider_id,
                         chat_id=sent.chat_id, message_id=sent.message_id, now=svc.clock.now(), request=request)


def pressed_card(update: Update) -> tuple[int, int] | None:
    """The (chat, message) whose button was pressed: the handler edits that card itself."""
    query = update.callback_query
    message = query.message if query is not None else None
    return (message.chat.id, message.message_id) if message is not None else None


def decided_card(texts: Catalog, lang: str, *, name: str, member_id: object, approved: bool,
                 standing: str | None, by: str | None) -> str:
    """A request card once decided: whom it was about, what was decided (and by whom, when known)."""
    key = "register.card_approved" if approved else "register.card_rejected"
    as_standing = texts.t("register.card_standing", lang, standing=texts.plain(f"standing.{standing}", lang)) \
        if standing else ""
    return texts.t(key, lang, name=name, id=member_id, standing=as_standing,
                   by=texts.t("register.card_by", lang, by=by) if by else "")


def render_decided(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """The outbox edit of a request card decided elsewhere (``scheduler.join_cards``)."""
    posted = row.payload.get("message_id")
    applicant = session.get(Member, row.subject_id) if row.subject_id is not None else None
    if applicant is None or not isinstance(posted, int):
        return None
    reader = session.get(Member, row.member_id) if row.member_id is not None else None
    lang = texts.lang(reader.language if reader is not None else settings.language)
    text = decided_card(texts, lang, name=applicant.name, member_id=applicant.id,
                        approved=row.payload.get("decision") == "approved",
                        standing=str(row.payload.get("standing") or "") or None, by=str(row.payload.get("by") or ""))
    return Outgoing(edit=posted, text=text)


def delivery_kinds(texts: Catalog, settings: Settings) -> list[DeliveryKind]:
    return [DeliveryKind(join_cards.DECIDED, lambda session, row: render_decided(texts, settings, session, row))]
