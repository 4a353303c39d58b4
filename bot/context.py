"""What every handler can reach: the services of one running bot, and who is speaking.

``Services`` is created once by ``build_application`` and stored in ``bot_data`` as a container of
collaborators (never as a database).  ``Caller`` is resolved per update, so a role change takes effect on
the very next message — from the store, or from :class:`CallerCache` when nothing the answer depends on
has been written since (``Database.generation``): a member tapping through a quiz costs no lookup.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect as orm_inspect
from sqlalchemy.orm import make_transient_to_detached
from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.texts import Catalog, Safe
from scheduler.clock import Clock
from scheduler.kinds import DeliveryKind
from scheduler.ratelimit import SendRateLimiter
from storage import members as member_store
from storage.db import Database
from storage.models import ROLE_RANK, Member, MemberStatus, Role
from storage.quiz_answer import QUESTION_TABLES, QuestionCache
from storage.scope import Scope

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.content_service import ContentService
    from bot.feature import PollAnswerHandler
    from bot.flood import FloodGuard
    from scheduler.tick import Producer

log = logging.getLogger(__name__)

SERVICES_KEY = "zhibu.services"
STRANGER_LANGUAGE_KEY = "zhibu.language"  # user_data: /lang chosen before the person has a row
# bot_data (never persisted): ids of people with no row who wrote to the bot in private; capped, as strangers
# come and go and only a recent one is likely to type in the group
WROTE_PRIVATELY_KEY = "zhibu.wrote_privately"
_WROTE_PRIVATELY_CAP = 10_000
CALLER_TABLES = ("member", "branch")  # what resolving a caller reads
_MEMBER_MAPPER = orm_inspect(Member)
_MEMBER_COLUMNS = tuple(attr.key for attr in _MEMBER_MAPPER.column_attrs)


def _detached_copy(member: Member) -> Member:
    """A detached ``Member`` with the same identity and values, built the way the ORM builds a row it reads:
    each update gets its own (a handler that changes or re-attaches it never touches the cached one)."""
    copy: Member = _MEMBER_MAPPER.class_manager.new_instance()
    loaded = member.__dict__
    copy.__dict__.update({key: loaded[key] for key in _MEMBER_COLUMNS if key in loaded})
    make_transient_to_detached(copy)
    return copy


class CallerCache:
    """Who-is-speaking lookups kept between updates, each tagged with the write generation of the tables it
    was read from (taken *before* the read).  An entry is used only while those tables are still at that
    generation, so any write this process makes to members or branches — a role, a status, a language, a
    removal, even one still in flight when the entry was read — sends the next update back to the store.
    ``max_age`` bounds what a write from another process (none today: the bot is the only writer of
    members) could leave stale."""

    def __init__(self, *, max_age: float = 60.0, max_size: int = 10_000) -> None:
        self.max_age = max_age
        self.max_size = max_size
        self._entries: dict[int, tuple[int, float, Member | None, Scope]] = {}
        self._lock = threading.Lock()

    def get(self, tg_user_id: int, generation: int) -> tuple[Member | None, Scope] | None:
        with self._lock:
            entry = self._entries.get(tg_user_id)
        if entry is None or entry[0] != generation or time.monotonic() - entry[1] > self.max_age:
            return None
        member = entry[2]
        return (_detached_copy(member) if member is not None else None), entry[3]

    def last_language(self, tg_user_id: int) -> str | None:
        """The language of whoever this user was when last looked up, however old or superseded the entry:
        enough to word an apology without asking a store that may be what broke (``None``: never seen, or
        a stranger)."""
        with self._lock:
            entry = self._entries.get(tg_user_id)
        return entry[2].language if entry is not None and entry[2] is not None else None

    def put(self, tg_user_id: int, generation: int, member: Member | None, scope: Scope) -> None:
        kept = _detached_copy(member) if member is not None else None
        with self._lock:
            if len(self._entries) >= self.max_size:
                self._entries.clear()
            self._entries[tg_user_id] = (generation, time.monotonic(), kept, scope)


@dataclass(frozen=True)
class Services:
    """Built completely by ``build_application`` and never changed afterwards: what features contribute
    (commands, producers, delivery kinds, poll-answer handlers) is collected here from the feature list."""

    settings: Settings
    db: Database
    clock: Clock
    texts: Catalog
    content: ContentService
    commands: Sequence[Command] = ()  # the command table, in /help order
    flood: FloodGuard | None = None
    limiter: SendRateLimiter = field(default_factory=SendRateLimiter)  # paces scheduled fan-outs
    producers: Sequence[Producer] = ()  # features' "what is due now" functions, in feature order
    kinds: Mapping[str, DeliveryKind] = field(default_factory=dict)  # delivery kind name -> renderer, policy
    poll_answers: Mapping[str, PollAnswerHandler] = field(default_factory=dict)  # PollMap.feature -> handler
    schedule_jobs: bool = True  # False offline: the driven clock fires ticks instead of wall time
    callers: CallerCache = field(default_factory=CallerCache)
    questions: QuestionCache = field(init=False)  # published questions as the quiz answer path reads them

    def __post_init__(self) -> None:
        # kept as long as the bank's ``question`` table is unchanged by this process (``Database.generation``)
        object.__setattr__(self, "questions", QuestionCache(partial(self.db.generation, *QUESTION_TABLES)))

    @property
    def admin_ids(self) -> frozenset[int]:
        return frozenset(admin.id for admin in self.settings.committee_admins)

    def admin_branch_keys(self, tg_user_id: int) -> tuple[str, ...]:
        """The branch keys the config lists for a committee admin (none: every branch)."""
        return next((a.branches for a in self.settings.committee_admins if a.id == tg_user_id), ())

    @property
    def secretary_ids(self) -> dict[str, list[int]]:
        """Configured secretaries' Telegram ids by branch key (promoted on their first ``/start``)."""
        return {spec.key: list(spec.secretaries) for spec in self.settings.branches}


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


@dataclass(frozen=True)
class Caller:
    """Who is speaking, resolved once per update: their membership, what they may see (``scope``, the
    one rule of ``storage.scope``), the chat they wrote in and the language to answer in."""

    user_id: int
    chat_id: int
    name: str
    member: Member | None
    lang: str
    scope: Scope = field(default_factory=Scope.nobody)
    private: bool = True  # the update came from the private chat with the bot

    @property
    def active(self) -> bool:
        return self.member is not None and self.member.status == MemberStatus.ACTIVE

    def at_least(self, role: Role) -> bool:
        return self.scope.role is not None and ROLE_RANK[self.scope.role] >= ROLE_RANK[role]


async def load_caller(update: Update, svc: Services, context: ContextTypes.DEFAULT_TYPE | None = None) -> Caller | None:
    """Resolve the caller once per update; ``context`` lets a stranger's ``/lang`` choice apply."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        return None
    member, scope = await _resolve(svc, user.id)
    if member is not None and not member.reachable:  # they are writing to us, so they no longer block us
        await svc.db.run(member_store.mark_reachable, tg_user_id=user.id, now=svc.clock.now())
        member.reachable = True
    # a stranger is greeted in their Telegram app's language when zhibu speaks it, else the branch default
    chosen = context.user_data.get(STRANGER_LANGUAGE_KEY) if context is not None and context.user_data else None
    if member is not None and chosen is not None and context is not None and context.user_data is not None:
        context.user_data.pop(STRANGER_LANGUAGE_KEY, None)  # their row holds the language now (review R2.3)
    if member is None and chat is not None and chat.type == "private" and context is not None:
        _note_wrote_privately(context, user.id)  # the bot may answer them there from the group (T25)
    preferred = member.language if member is not None else chosen or _telegram_language(user.language_code)
    lang = svc.texts.lang(preferred or svc.settings.language)
    return Caller(
        user_id=user.id,
        chat_id=chat.id if chat is not None else user.id,
        name=user.full_name,
        member=member,
        lang=lang,
        scope=scope,
        private=chat is None or chat.type == "private",
    )


def _note_wrote_privately(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    seen: set[int] = context.bot_data.setdefault(WROTE_PRIVATELY_KEY, set())
    if user_id not in seen and len(seen) >= _WROTE_PRIVATELY_CAP:
        seen.clear()
    seen.add(user_id)


def wrote_privately(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    """Whether someone with no row has written to the bot in private (so Telegram lets it answer there).

    Kept in memory, in ``bot_data``, not in ``user_data``: that is persisted for the guided flows, and a
    stranger's every private message would write a row that no flow needs.  After a restart they get the
    group's pointer once more, as before they wrote."""
    return user_id in context.bot_data.get(WROTE_PRIVATELY_KEY, ())


async def _resolve(svc: Services, user_id: int) -> tuple[Member | None, Scope]:
    """Who ``user_id`` is and what they may see: from the cache while the member tables are unchanged, else
    from the store (the config's admin rule applied) — the one lookup :func:`load_caller` and
    :func:`caller_of` share."""
    generation = svc.db.generation(*CALLER_TABLES)
    cached = svc.callers.get(user_id, generation)
    if cached is not None:
        return cached
    is_admin = user_id in svc.admin_ids
    member, scope = await svc.db.run(member_store.resolve_caller, tg_user_id=user_id, is_admin=is_admin,
                                     admin_branch_keys=svc.admin_branch_keys(user_id) if is_admin else ())
    svc.callers.put(user_id, generation, member, scope)
    return member, scope


async def caller_of(svc: Services, user_id: int, chat_id: int) -> Caller:
    """The caller behind an action that outlived its update (a check-in screen resumed after a restart),
    resolved as :func:`load_caller` does: their membership, scope and language now."""
    member, scope = await _resolve(svc, user_id)
    return Caller(user_id=user_id, chat_id=chat_id, name=member.name if member is not None else "", member=member,
                  lang=svc.texts.lang(member.language if member is not None else svc.settings.language),
                  scope=scope, private=chat_id == user_id)


async def caller_lang(update: Update, svc: Services, context: ContextTypes.DEFAULT_TYPE | None = None) -> str:
    """The language to answer this update in when no handler resolved the caller (the flood guard, a stale
    button, the error apology): the caller's, as every handler's answer is — never simply the branch default,
    which once told an English-speaking member "操作太频繁了".  Should the lookup itself fail (the database is
    what broke), the default is still an answer."""
    try:
        caller = await load_caller(update, svc, context)
    except Exception:  # an apology must not fail for want of a language
        caller = None
    return caller.lang if caller is not None else svc.texts.lang(svc.settings.language)


def apology_lang(update: Update, svc: Services, context: ContextTypes.DEFAULT_TYPE | None = None) -> str:
    """The language of the error apology, found without the database (review R4): the error is often the
    database itself, and an apology that first waits for a pool or connection timeout comes late or not at
    all.  The caller's last looked-up language (``svc.callers``, however stale), else what a stranger would
    be greeted in (their /lang choice, their Telegram app's language), else — and on any error — the
    branch default."""
    try:
        user = update.effective_user
        if user is not None:
            known = svc.callers.last_language(user.id)
            chosen = context.user_data.get(STRANGER_LANGUAGE_KEY) if context is not None and context.user_data \
                else None
            preferred = known or chosen or _telegram_language(user.language_code)
            if preferred:
                return svc.texts.lang(preferred)
    except Exception:  # an apology must not fail for want of a language
        log.warning("no language for the apology to update %s", update.update_id, exc_info=True)
    return svc.texts.lang(svc.settings.language)


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


async def reply(update: Update, text: Safe | str, **kwargs: Any) -> Message | None:
    """Answer in the chat the update came from, as HTML; long texts go out in several messages and the
    keyboard, if any, rides on the last one — returned, so a caller can remember a card it may edit later."""
    message = update.effective_message
    if message is None:
        return None
    parts = split_message(text)
    markup = kwargs.pop("reply_markup", None)
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await message.reply_html(part, disable_web_page_preview=True, reply_markup=markup if last else None,
                                        **kwargs)
    return sent
