"""What ``zhibu chat`` adds to the terminal client: the real app, ticks on ``:clock``, demo secretaries.

The chat client (``bot/terminal.py``) knows nothing about zhibu's store; these hooks give it the real
``build_application``, run one scheduler tick whenever ``:clock`` moves time (so reminders and pushes
that fell due go out, exactly as the periodic job would send them), and let ``:as NAME secretary``
enrol a secretary of the first branch without editing a config file.  A branch whose config names no
group gets a simulated one for the session, so ``:group``, group notices and ``/groupquiz`` can be tried.

Each offline session keeps its own folder — the demo ``<data_dir>/chat``, a ``--config`` session
``<data_dir>/chat-<config name>-<hash of its path>`` — so ``--fresh`` in one never wipes another, and a
session never touches the branch's real database (``ZHIBU_DATABASE_URL`` is ignored; ``--db`` names
another store explicitly, and ``--fresh`` then wipes that one too).
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.app import build_application
from bot.config import Settings
from bot.context import SERVICES_KEY, Services
from bot.fakeapi.api import FakeBotApi
from bot.menus import set_member_menu
from bot.terminal import SIMULATED_GROUP_ID, GroupChat
from bot.ticker import tick
from scheduler.clock import Clock
from storage import members as member_store
from storage import registration as registration_store
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Member, Role
from storage.registration import NewUser

log = logging.getLogger(__name__)
DEMO_FOLDER = "chat"


def chat_settings(settings: Settings, db_url: str | None, config: Path | None) -> Settings:
    """The settings of an offline session: its own folder (database, uploads, downloads) under the data
    dir, its own database unless ``--db`` names one; the demo publishes verified questions at once."""
    folder = DEMO_FOLDER
    if config is not None:
        resolved = str(config.resolve())
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", config.stem).strip("-") or "config"
        folder = f"chat-{stem}-{hashlib.sha256(resolved.encode()).hexdigest()[:8]}"
    data_dir = settings.data_dir / folder
    url = db_url or f"sqlite:///{(data_dir / 'chat.sqlite3').as_posix()}"
    branches = tuple(branch if branch.group_chat_id is not None
                     else branch.model_copy(update={"group_chat_id": SIMULATED_GROUP_ID - index})
                     for index, branch in enumerate(settings.branches))
    update: dict[str, object] = {"data_dir": data_dir, "branches": branches,
                                 "database": settings.database.model_copy(update={"url": url})}
    if config is None:
        update["content"] = settings.content.model_copy(update={"auto_publish": True})
    return settings.model_copy(update=update)


def wipe(settings: Settings) -> None:
    """``--fresh``: forget the previous session — its folder and its database, wherever ``--db`` put it."""
    folder = settings.data_dir
    if folder.name == DEMO_FOLDER or folder.name.startswith(f"{DEMO_FOLDER}-"):
        shutil.rmtree(folder, ignore_errors=True)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
                Path(url.database + suffix).unlink(missing_ok=True)
        return
    db = Database(settings.database_url)
    try:  # zhibu's own tables only (and Alembic's), so the next start migrates from scratch
        ours = set(SQLModel.metadata.tables) | {"alembic_version"}
        found = MetaData()
        found.reflect(bind=db.engine, only=lambda name, _meta: name in ours)
        found.drop_all(bind=db.engine)
        log.info("wiped %d tables", len(found.tables))
    finally:
        db.dispose()


def start_time(text: str, tz: ZoneInfo) -> datetime:
    """``--at "2026-03-20 09:00"``: local time in the configured zone, as an aware datetime."""
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a local time like 2026-03-20 09:00")


def known_users(settings: Settings) -> list[tuple[int, str]]:
    """Members an earlier offline session left in its database, so the fake Telegram knows their chats."""
    db = Database(settings.database_url)
    try:
        upgrade(db)
        with db.session() as session:
            rows = session.exec(select(Member.tg_user_id, Member.name)).all()
        return sorted({(int(uid), name) for uid, name in rows})
    finally:
        db.dispose()


def chat_hooks(settings: Settings, clock: Clock) -> dict[str, Any]:
    built: list[Application] = []  # type: ignore[type-arg]
    api = FakeBotApi(clock=clock)
    for user_id, name in known_users(settings):
        api.add_user(user_id, name)

    def app_factory(*, request: BaseRequest, clock: Clock = clock) -> Application:  # type: ignore[type-arg]
        app = build_application(settings, request=request, clock=clock)
        built.append(app)
        return app

    def _services() -> tuple[Application, Services]:  # type: ignore[type-arg]
        app = built[-1]
        return app, app.bot_data[SERVICES_KEY]

    async def on_clock(_now: datetime) -> None:
        app, _ = _services()
        await tick(app)

    async def make_secretary(user_id: int, name: str) -> None:
        app, svc = _services()
        branch_id = (await svc.db.run(member_store.list_branches))[0].id
        assert branch_id is not None
        member = await svc.db.run(registration_store.enroll, branch_id=branch_id,
                                  user=NewUser(tg_user_id=user_id, name=name, chat_id=user_id,
                                               language=svc.settings.language),
                                  role=Role.SECRETARY, now=svc.clock.now())
        await set_member_menu(app.bot, svc, member)

    async def is_secretary(user_id: int) -> bool:
        _, svc = _services()
        member = await svc.db.run(member_store.find_member, tg_user_id=user_id)
        # the tag says secretary, so a committee admin (more than a secretary, granted by the config) has none
        return member is not None and member_store.is_at_least(member, Role.SECRETARY) and member.role == Role.SECRETARY

    first = settings.branches[0]
    chat_id = first.group_chat_id if first.group_chat_id is not None else SIMULATED_GROUP_ID
    group = GroupChat(chat_id, first.name, simulated=chat_id == SIMULATED_GROUP_ID)
    return {"app_factory": app_factory, "on_clock": on_clock, "make_secretary": make_secretary,
            "is_secretary": is_secretary, "api": api,
            "group": group}
