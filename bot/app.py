"""The one wiring place: ``build_application(settings)`` returns a ready PTB ``Application``.

Handler groups (lower runs first; one handler per group handles an update):

* ``-100`` flood guard — drops floods before any work is done;
* ``-20`` leaving a flow — a command typed while a conversation waits for text: the user is told the flow
  was left (``bot.flows``), and the command goes on to be handled;
* ``-10`` conversations (a secretary editing a question) — they see a user's text first, stop it from
  going further when they consume it, and step aside for commands;
* ``0`` every feature's commands (role-checked by ``bot.commands.guarded``), then each feature's
  handlers in ``FEATURES`` order — the fallback feature last, so it only sees what no feature matched.

A feature is one ``Feature`` value (``bot/feature.py``); adding one = writing its module and adding it
to ``FEATURES`` below.  What features hand the scheduler (producers, delivery kinds) and the poll router
is collected into ``Services`` here, once, before the application runs.

Start-up (``post_init``) migrates and syncs the store with the config, sets the command menus, and
starts the scheduler tick.  ``request`` lets tests and ``zhibu chat`` put the offline Bot API under the
real application; ``clock`` lets them drive time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, Defaults, TypeHandler
from telegram.request import BaseRequest

from bot import bootstrap as boot
from bot import fullwidth
from bot.commands import Command, description_params, guarded
from bot.config import ConfigError, Settings, read_token
from bot.content_service import ContentService
from bot.context import SERVICES_KEY, Services
from bot.errors import on_error
from bot.feature import FEATURES_KEY, Feature, PollAnswerHandler, deep_link_table
from bot.flood import FloodGuard, flood_check
from bot.flow_store import FlowApplication, FlowStore
from bot.flows import leave_notice
from bot.handlers import (
    bank,
    fallback,
    group_quiz,
    materials,
    meetings,
    members,
    presence,
    quiz,
    registration,
    review,
    stats,
    study,
)
from bot.handlers import help as help_feature
from bot.handlers.meeting_create import DRAFT_KEY
from bot.handlers.rsvp import LEAVE_KEY
from bot.menus import set_default_menus, set_member_menu
from bot.polls import poll_handlers
from bot.review_card import EDIT_KEY
from bot.texts import Catalog
from bot.ticker import tick_job
from scheduler.clock import Clock, SystemClock
from scheduler.jobs import schedule_tick
from scheduler.kinds import DeliveryKind
from scheduler.ratelimit import SendRateLimiter
from scheduler.tick import Producer
from storage import members as member_store
from storage.db import Database

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456789:OFFLINE-zhibu-test-token"  # only ever sent to the in-process fake API
GROUP_ENTRY = -200
GROUP_FLOOD = -100
GROUP_FLOWS = -20
GROUP_CONVERSATIONS = -10
GROUP_FEATURES = 0

# The features, in the order /help lists their commands and the wiring registers their handlers.
FEATURES: tuple[Feature, ...] = (
    registration.FEATURE,
    help_feature.FEATURE,
    members.FEATURE,
    review.FEATURE,
    bank.FEATURE,  # before materials: an .xlsx sent back is a bank sheet, not a study material
    materials.FEATURE,  # its document handler is a catch-all for any other file a secretary sends
    meetings.FEATURE,
    stats.FEATURE,
    presence.FEATURE,
    study.FEATURE,
    quiz.FEATURE,  # after review: a secretary editing a stem types it, a member's typed 填空 answer comes next
    group_quiz.FEATURE,
    fallback.FEATURE,  # last: unknown commands, free text and stale buttons nobody else claimed
)


def command_table(features: Sequence[Feature] = FEATURES) -> list[Command]:
    return [command for feature in features for command in feature.commands]


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    database: Database | None = None,
    schedule_jobs: bool | None = None,
    features: Sequence[Feature] = FEATURES,
) -> Application:  # type: ignore[type-arg]
    token = read_token(settings)
    if token is None and request is None:
        raise ConfigError("no bot token: set ZHIBU_TELEGRAM_TOKEN or telegram.token_file", key="telegram.token_file")
    defaults = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
    builder = ApplicationBuilder().token(token.get_secret_value() if token else OFFLINE_TOKEN).defaults(defaults)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.telegram.base_url:
        builder = builder.base_url(settings.telegram.base_url)
    if settings.telegram.base_file_url:
        builder = builder.base_file_url(settings.telegram.base_file_url)
    builder = builder.post_init(_post_init).post_shutdown(_post_shutdown)
    db = database or Database(settings.database_url, echo=settings.database.echo)
    clock = clock or SystemClock()
    # a half-finished conversation survives a restart (T3), and times out on the bot's clock (R2.1)
    store = FlowStore(db, now=clock.now, flow_keys={"rsvp_leave": LEAVE_KEY, "newmeeting_wizard": DRAFT_KEY,
                                                    "review_edit": EDIT_KEY})
    builder = builder.persistence(store).application_class(FlowApplication)
    app = builder.build()

    commands = command_table(features)
    texts = Catalog.load(default=settings.language)
    for command in commands:  # a command without texts fails here, at start-up
        texts.t(command.description_key, **description_params(settings))
        texts.t(command.usage_key)
    base = Services(
        settings=settings,
        db=db,
        clock=clock,
        texts=texts,
        content=ContentService(settings, db),
        commands=tuple(commands),
        flood=FloodGuard(settings.flood.messages, settings.flood.per_seconds, buttons=settings.flood.buttons),
        limiter=SendRateLimiter.under_ceiling(settings.delivery.max_per_second),
        # offline (tests, zhibu chat) the driven clock fires ticks; only a real bot ticks on wall time
        schedule_jobs=request is None if schedule_jobs is None else schedule_jobs,
    )
    svc = _with_contributions(base, features)
    deep_link_table(features)  # a prefix claimed twice fails here, at build time
    app.bot_data[SERVICES_KEY] = svc
    app.bot_data[FEATURES_KEY] = tuple(features)

    app.add_handler(fullwidth.handler(), group=GROUP_ENTRY)  # ／ｑｕｉｚ from a Chinese keyboard is /quiz
    app.add_handler(TypeHandler(Update, flood_check), group=GROUP_FLOOD)
    # buttons first: PTB tries a group's handlers in order, and a tap (a quiz answer is one or more) matches
    # no command — checking it against every command first cost each tap the whole command list.  Only
    # callback queries reach a CallbackQueryHandler and none reaches a CommandHandler, so the order
    # between the two kinds decides nothing; each kind keeps its own order.
    feature_handlers = [handler for feature in features for handler in feature.handlers()]
    for handler in feature_handlers:
        if isinstance(handler, CallbackQueryHandler):
            app.add_handler(handler, group=GROUP_FEATURES)
    for command in commands:
        app.add_handler(CommandHandler(command.name, guarded(command)), group=GROUP_FEATURES)
    conversations = [handler for feature in features for handler in feature.conversations()]
    app.add_handler(leave_notice(conversations), group=GROUP_FLOWS)
    for handler in conversations:
        app.add_handler(handler, group=GROUP_CONVERSATIONS)
    for handler in feature_handlers:
        if not isinstance(handler, CallbackQueryHandler):
            app.add_handler(handler, group=GROUP_FEATURES)
    # a poll answer carries only the poll id: one router finds the owning feature through PollMap
    for handler in poll_handlers():
        app.add_handler(handler, group=GROUP_FEATURES)
    app.add_error_handler(on_error)
    return app


def _with_contributions(base: Services, features: Sequence[Feature]) -> Services:
    """Collect what the features hand the scheduler and the poll router; a name claimed twice is a bug."""
    producers: list[Producer] = []
    kinds: dict[str, DeliveryKind] = {}
    polls: dict[str, PollAnswerHandler] = {}
    for feature in features:
        producers.extend(feature.producers(base))
        for kind in feature.deliveries(base):
            if kind.name in kinds:
                raise RuntimeError(f"delivery kind {kind.name!r} is declared twice ({feature.name})")
            kinds[kind.name] = kind
        for name, handler in feature.poll_answers.items():
            if name in polls:
                raise RuntimeError(f"poll owner {name!r} is declared twice ({feature.name})")
            polls[name] = handler
    return replace(base, producers=tuple(producers), kinds=kinds, poll_answers=polls)


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    svc: Services = app.bot_data[SERVICES_KEY]
    features: tuple[Feature, ...] = app.bot_data[FEATURES_KEY]
    result = await asyncio.to_thread(boot.bootstrap, svc.settings, svc.db, svc.clock.now())
    for feature in features:  # features that prepare data (e.g. the question bank) before updates flow
        if feature.on_startup is not None:
            await feature.on_startup(app, svc)
    await set_default_menus(app.bot, svc)
    for branch_id in result.branch_ids.values():
        for secretary in await svc.db.run(member_store.secretaries_of, branch_id=branch_id):
            await set_member_menu(app.bot, svc, secretary)
    if app.job_queue is not None and svc.schedule_jobs:
        schedule_tick(app.job_queue, tick_job, svc.settings.schedule.tick_seconds)
    log.info("zhibu ready: %d branch(es), database %s", len(result.branch_ids), svc.db.dialect)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    svc: Services = app.bot_data[SERVICES_KEY]
    svc.db.dispose()
