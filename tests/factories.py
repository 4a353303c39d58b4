"""Test data in one place: branches, members and configs built the way the product builds them."""

from __future__ import annotations

import shutil
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from bot.app import build_application
from bot.config import Settings
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from bot.material_folders import SHIPPED_MATERIALS
from scheduler.clock import FakeClock
from storage import members as member_store
from storage import registration
from storage.db import Database
from storage.models import Branch, Member, Role
from storage.registration import NewUser

SECRETARY_ID = 90001
INVITE = "dangzhibu2026"


def branch(
    db: Database, now: datetime, key: str = "csfz", invite: str = INVITE, name: str = "城发中心党支部"
) -> Branch:
    with db.session() as session:
        return member_store.ensure_branch(session=session, key=key, name=name, invite_code=invite,
                                          group_chat_id=None, now=now)


def member(db: Database, branch_id: int, tg_user_id: int, name: str, now: datetime,
           role: Role = Role.MEMBER) -> Member:
    with db.session() as session:
        return registration.enroll(session=session, branch_id=branch_id,
                                   user=NewUser(tg_user_id=tg_user_id, name=name, chat_id=tg_user_id),
                                   role=role, now=now)


def config_dict(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "data_dir": str(tmp_path / "data"),
        "branches": [{"key": "csfz", "name": "直属城市发展研究中心党支部", "invite_code": INVITE,
                      "secretaries": [SECRETARY_ID]}],
    }
    data.update(overrides)
    return data


def write_config(tmp_path: Path, data: dict[str, Any] | str) -> Path:
    path = tmp_path / "config.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings.model_validate(config_dict(tmp_path, **overrides))


def offline_bot(settings: Settings, clock: FakeClock, api: FakeBotApi | None = None) -> OfflineSession:
    """The real application over the offline Bot API, driven by ``clock``; enter it with ``async with``.

    ``api`` is for a test that prepares the fake Telegram first (a group, a user who never started the bot).
    """
    return OfflineSession(partial(build_application, settings), api=api or FakeBotApi(clock=clock), clock=clock)


def shipped_materials(tmp_path: Path, *names: str) -> Path:
    """A materials folder holding only the named shipped files: quicker to build than all of them."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    for name in names:
        shutil.copy2(SHIPPED_MATERIALS / name, folder / name)
    return folder
