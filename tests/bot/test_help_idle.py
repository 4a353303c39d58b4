"""/help tells how long a quiz can be resumed: the configured study.idle_minutes, not "any time" (V22)."""

from __future__ import annotations

from pathlib import Path

from scheduler.clock import FakeClock
from tests import factories
from tests.bot.conftest import QUIET_STUDY
from tests.bot.test_meetings import ZHANG, join


async def test_help_names_the_configured_quiz_idle_time(tmp_path: Path, clock: FakeClock, sqlite_url: str) -> None:
    settings = factories.settings(tmp_path, database={"url": sqlite_url}, study={**QUIET_STUDY, "idle_minutes": 45})
    async with factories.offline_bot(settings, clock) as session:
        await join(session)
        zh = (await session.send(ZHANG, "/help"))[0].plain
        assert "/quiz — 答题自测（45 分钟内可接着答）" in zh and "随时" not in zh
        menu = {c["command"]: c["description"] for c in session.api.visible_commands(ZHANG)}
        assert "45 分钟" in menu["quiz"]
        await session.send(ZHANG, "/lang en")
        assert "resumes within 45 minutes" in (await session.send(ZHANG, "/help"))[0].plain
