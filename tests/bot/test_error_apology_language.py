"""The error apology (review R4): in the caller's language, and found without the database — when the error
*is* the database, an apology that first asked it again would wait for its timeout (or never come)."""

from __future__ import annotations

from typing import Any

import pytest

import bot.handlers.study as study
from bot.fakeapi.session import OfflineSession
from tests.bot.test_meetings import ZHANG, join, svc_of


def _broken(*args: object, **kwargs: object) -> str:
    raise RuntimeError("a bug")


async def test_an_english_member_is_apologised_to_in_english(
        session: OfflineSession, monkeypatch: pytest.MonkeyPatch) -> None:
    await join(session)
    await session.send(ZHANG, "/lang en")
    monkeypatch.setattr(study, "progress_text", _broken)
    said = await session.send(ZHANG, "/me")
    texts = svc_of(session).texts
    assert [m.plain for m in said] == [texts.plain("error.sorry", "en")]


async def test_the_apology_does_not_ask_the_broken_database(
        session: OfflineSession, monkeypatch: pytest.MonkeyPatch) -> None:
    await join(session)
    await session.send(ZHANG, "/lang en")
    await session.send(ZHANG, "/help")  # looked up (and cached) in English
    svc = svc_of(session)
    asked: list[str] = []

    async def down(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        asked.append(getattr(fn, "__name__", str(fn)))
        raise ConnectionError("the database is down")

    monkeypatch.setattr(svc.db, "run", down)
    svc.db._bump({"member"})  # a write since: the handler's lookup goes back to the (broken) store
    said = await session.send(ZHANG, "/me")
    assert [m.plain for m in said] == [svc.texts.plain("error.sorry", "en")]
    assert asked == ["resolve_caller"]  # the handler's lookup only; the apology asked nothing
