"""What ``zhibu chat`` adds to the terminal client: the real app, ticks on ``:clock``, demo secretaries.

The chat client (``bot/chat.py``) knows nothing about zhibu's store; these hooks give it the real
``build_application``, run one scheduler tick whenever ``:clock`` moves time (so reminders and pushes
that fell due go out, exactly as the periodic job would send them), and let ``:as NAME secretary``
enrol a secretary of the first branch without editing a config file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.app import build_application
from bot.config import Settings
from bot.context import SERVICES_KEY, Services
from bot.menus import set_member_menu
from bot.offline.api import FakeBotApi
from bot.ticker import tick
from scheduler.clock import Clock
from storage import members as member_store
from storage.db import Database
from storage.members import NewUser
from storage.migrate import upgrade
from storage.models import Member, Role


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
        member = await svc.db.run(member_store.enroll, branch_id=branch_id,
                                  user=NewUser(tg_user_id=user_id, name=name, chat_id=user_id,
                                               language=svc.settings.language),
                                  role=Role.SECRETARY, now=svc.clock.now())
        await set_member_menu(app.bot, svc, member)

    return {"app_factory": app_factory, "on_clock": on_clock, "make_secretary": make_secretary, "api": api}
