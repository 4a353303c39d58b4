"""What every handler can reach: the services of one running bot, and who is speaking.

``Services`` is created once by ``build_application`` and stored in ``bot_data`` as a container of
collaborators (never as a database).  ``Caller`` is resolved per update from the store, so a role change
takes effect on the very next message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.texts import Catalog, Safe
from scheduler.clock import Clock
from scheduler.ratelimit import SendRateLimiter
from storage import members as member_store
from storage.db import Database
from storage.models import Member, MemberStatus, Role

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.flood import FloodGuard
    from scheduler.kinds import DeliveryKind
    from scheduler.tick import Producer

SERVICES_KEY = "zhibu.services"


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    texts: Catalog
    commands: list[Command] = field(default_factory=list)  # the command table, in /help order
    flood: FloodGuard | None = None
    limiter: SendRateLimiter = field(default_factory=SendRateLimiter)  # paces scheduled fan-outs
    producers: list[Producer] = field(default_factory=list)  # features' "what is due now" functions
    kinds: dict[str, DeliveryKind] = field(default_factory=dict)  # features' delivery kinds, by name
    schedule_jobs: bool = True  # False offline: the driven clock fires ticks instead of wall time
    secretary_ids: dict[int, list[int]] = field(default_factory=dict)  # branch id -> configured tg ids
    branch_ids: dict[str, int] = field(default_factory=dict)  # branch key -> id, known after start-up
    admin_ids: frozenset[int] = frozenset()
    extras: dict[str, Any] = field(default_factory=dict)  # a feature's own collaborators (content service)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


@dataclass(frozen=True)
class Caller:
    user_id: int
    chat_id: int
    name: str
    member: Member | None
    lang: str

    @property
    def active(self) -> bool:
        return self.member is not None and self.member.status == MemberStatus.ACTIVE

    def at_least(self, role: Role) -> bool:
        return member_store.is_at_least(self.member, role)


async def load_caller(update: Update, svc: Services) -> Caller | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        return None
    member = await svc.db.run(member_store.find_member, tg_user_id=user.id)
    if member is not None and not member.reachable:  # they are writing to us, so they no longer block us
        await svc.db.run(member_store.mark_reachable, tg_user_id=user.id, now=svc.clock.now())
        member.reachable = True
    # a stranger is greeted in their Telegram app's language when zhibu speaks it, else the branch default
    preferred = member.language if member is not None else _telegram_language(user.language_code)
    lang = svc.texts.lang(preferred or svc.settings.language)
    return Caller(
        user_id=user.id,
        chat_id=chat.id if chat is not None else user.id,
        name=user.full_name,
        member=member,
        lang=lang,
    )


def _telegram_language(code: str | None) -> str | None:
    if not code:
        return None
    return code.split("-")[0].lower()


MESSAGE_LIMIT = 4096


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long text at line breaks so each part fits one Telegram message (HTML tags are per line here)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single monster line: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


async def reply(update: Update, text: Safe | str, **kwargs: Any) -> None:
    """Answer in the chat the update came from, as HTML; long texts go out in several messages and the
    keyboard, if any, rides on the last one."""
    message = update.effective_message
    if message is None:
        return
    parts = split_message(text)
    markup = kwargs.pop("reply_markup", None)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_html(part, disable_web_page_preview=True, reply_markup=markup if last else None,
                                 **kwargs)
