"""The feature contract: everything one feature brings to the bot, as one typed, frozen value.

A feature is a module under ``bot/`` (usually ``bot/handlers/<name>.py``) that exports ``FEATURE``::

    FEATURE = Feature(
        name="quiz",
        commands=(Command("quiz", Role.MEMBER, start_quiz, "study"), ...),
        handlers=lambda: [CallbackQueryHandler(...)],           # built per application, in this order
        conversations=lambda: [ConversationHandler(...)],       # see a user's text before the features
        producers=lambda svc: [partial(due_pushes, settings=svc.settings)],   # the tick asks "what is due?"
        deliveries=lambda svc: [DeliveryKind("study", render=..., policy=KindPolicy(resend_uncertain=True))],
        poll_answers={"quiz": on_poll_answer},                  # PollMap.feature → handler
        deep_links={"q_": open_quiz_link},                      # /start q_… → handler (see below)
        on_startup=prepare,                                     # once, in post_init, before updates flow
    )

``deep_links`` route ``/start <payload>``: a payload that starts with a registered prefix (lower-case
letters and an underscore: ``ci_``, ``q_``) goes to that feature's handler with the rest of the payload,
never to the invite-code path; ``bot.handlers.registration`` owns the router and the invite fallback.

``bot.app.build_application`` registers an explicit, ordered tuple of these values; nothing registers
itself at import.  Fields that need the running bot's collaborators (settings, store, catalog) are
functions of :class:`~bot.context.Services`, called once at build time, so a feature never reaches for
globals and tests can build as many applications as they like.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import PollAnswer, Update
from telegram.ext import Application, BaseHandler, ContextTypes

from scheduler.kinds import DeliveryKind
from scheduler.tick import Producer

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.context import Caller, Services
    from storage.models import PollMap

AnyHandler = BaseHandler[Any, Any, Any]
HandlerFactory = Callable[[], Sequence[AnyHandler]]
StartupStep = Callable[[Application[Any, Any, Any, Any, Any, Any], "Services"], Awaitable[None]]
# an answer to a poll this feature sent: the caller who answered, the PollMap row, the chosen option ids
PollAnswerHandler = Callable[
    [ContextTypes.DEFAULT_TYPE, "Caller", "PollMap", PollAnswer], Awaitable[None]
]

# ``/start <prefix><rest>``: the caller, and the payload after the prefix (at most 64 characters in all)
DeepLinkHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, "Caller", str], Awaitable[None]]
DEEP_LINK_PREFIX = re.compile(r"^[a-z]{1,8}_$")
FEATURES_KEY = "zhibu.features"  # bot_data: the registered features, in order


def _none() -> Sequence[AnyHandler]:
    return ()


def _no_producers(_svc: Services) -> Sequence[Producer]:
    return ()


def _no_deliveries(_svc: Services) -> Sequence[DeliveryKind]:
    return ()


@dataclass(frozen=True)
class Feature:
    """One feature's contribution; every field but ``name`` is optional."""

    name: str
    commands: tuple[Command, ...] = ()
    handlers: HandlerFactory = _none  # group 0, after every feature's commands, in this order
    conversations: HandlerFactory = _none  # group -10: a user's text reaches them first
    producers: Callable[[Services], Sequence[Producer]] = _no_producers
    deliveries: Callable[[Services], Sequence[DeliveryKind]] = _no_deliveries
    poll_answers: Mapping[str, PollAnswerHandler] = field(default_factory=dict)
    deep_links: Mapping[str, DeepLinkHandler] = field(default_factory=dict)  # /start payload prefix → handler
    on_startup: StartupStep | None = None


def deep_link_table(features: Sequence[Feature]) -> dict[str, DeepLinkHandler]:
    """Every feature's deep-link prefixes in one table; a malformed prefix or one claimed twice is a bug."""
    table: dict[str, DeepLinkHandler] = {}
    for feature in features:
        for prefix, handler in feature.deep_links.items():
            if not DEEP_LINK_PREFIX.match(prefix):
                raise RuntimeError(f"deep-link prefix {prefix!r} of {feature.name} is not lower-case letters + '_'")
            if prefix in table:
                raise RuntimeError(f"deep-link prefix {prefix!r} is declared twice ({feature.name})")
            table[prefix] = handler
    return table
