"""The one wiring place: ``build_application(settings)`` returns a ready PTB ``Application``.

Handler groups (lower runs first; one handler per group handles an update):

* ``-100`` flood guard — drops floods before any work is done;
* ``-10`` conversations (a secretary editing a question) — they see a user's text first, stop it from
  going further when they consume it, and step aside for commands;
* ``0`` every feature's commands (role-checked by ``bot.commands.guarded``) and buttons, then — last in
  the same group, so they only see what no feature matched — the fallbacks for unknown commands and
  free text.

Start-up (``post_init``) migrates and syncs the store with the config, sets the command menus, and
starts the scheduler tick.  ``request`` lets tests and ``zhibu chat`` put the offline Bot API under the
real application; ``clock`` lets them drive time.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, TypeHandler
from telegram.request import BaseRequest

from bot import bootstrap as boot
from bot.commands import Command, guarded
from bot.config import ConfigError, Settings, read_token
from bot.context import SERVICES_KEY, Services
from bot.errors import on_error
from bot.flood import FloodGuard, flood_check
from bot.handlers import FEATURES
from bot.handlers import help as help_feature
from bot.menus import set_default_menus, set_member_menu
from bot.texts import Catalog
from bot.ticker import tick_job
from scheduler.clock import Clock, SystemClock
from scheduler.jobs import schedule_tick
from storage import members as member_store
from storage.db import Database

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456789:OFFLINE-zhibu-test-token"  # only ever sent to the in-process fake API
GROUP_FLOOD = -100
GROUP_CONVERSATIONS = -10
GROUP_FEATURES = 0


def command_table() -> list[Command]:
    return [command for feature in FEATURES for command in feature.COMMANDS]


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    database: Database | None = None,
    schedule_jobs: bool | None = None,
) -> Application:  # type: ignore[type-arg]
    token = read_token(settings)
    if token is None and request is None:
        raise ConfigError("no bot token: set ZHIBU_TELEGRAM_TOKEN or telegram.token_file", key="telegram.token_file")
    builder = ApplicationBuilder().token(token.get_secret_value() if token else OFFLINE_TOKEN)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.telegram.base_url:
        builder = builder.base_url(settings.telegram.base_url)
    if settings.telegram.base_file_url:
        builder = builder.base_file_url(settings.telegram.base_file_url)
    builder = builder.post_init(_post_init).post_shutdown(_post_shutdown)
    app = builder.build()

    commands = command_table()
    texts = Catalog.load(default=settings.language)
    for command in commands:  # a command without texts fails here, at start-up
        texts.t(command.description_key)
        texts.t(command.usage_key)
    svc = Services(
        settings=settings,
        db=database or Database(settings.database_url, echo=settings.database.echo),
        clock=clock or SystemClock(),
        texts=texts,
        commands=commands,
        flood=FloodGuard(settings.flood.messages, settings.flood.per_seconds),
        # offline (tests, zhibu chat) the driven clock fires ticks; only a real bot ticks on wall time
        schedule_jobs=request is None if schedule_jobs is None else schedule_jobs,
        admin_ids=frozenset(settings.committee_admins),
    )
    app.bot_data[SERVICES_KEY] = svc

    app.add_handler(TypeHandler(Update, flood_check), group=GROUP_FLOOD)
    for command in commands:
        app.add_handler(CommandHandler(command.name, guarded(command)), group=GROUP_FEATURES)
    for feature in FEATURES:
        for handler in getattr(feature, "conversations", list)():
            app.add_handler(handler, group=GROUP_CONVERSATIONS)
        for handler in feature.handlers():
            app.add_handler(handler, group=GROUP_FEATURES)
    for handler in help_feature.fallback_handlers():
        app.add_handler(handler, group=GROUP_FEATURES)
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    svc: Services = app.bot_data[SERVICES_KEY]
    result = await asyncio.to_thread(boot.bootstrap, svc.settings, svc.db, svc.clock.now())
    svc.secretary_ids = result.secretary_ids
    svc.branch_ids = result.branch_ids
    for feature in FEATURES:  # features that prepare data (e.g. the question bank) before updates flow
        startup = getattr(feature, "on_startup", None)
        if startup is not None:
            await startup(app, svc)
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
