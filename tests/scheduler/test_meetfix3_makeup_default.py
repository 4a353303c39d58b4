"""The 补学 lookback's default was stated twice — ``MAKEUP_LOOKBACK`` in the producer and ``makeup_days`` in
the config — and could drift apart.  The config now takes it from the producer; the scheduler still imports
nothing from ``bot`` (the layering: bot reads scheduler, never the reverse)."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from bot.config_sections import MeetingOptions
from scheduler import reminders

ROOT = Path(__file__).resolve().parents[2]


def test_the_config_default_is_the_producers() -> None:
    assert timedelta(days=MeetingOptions().makeup_days) == reminders.MAKEUP_LOOKBACK
    source = (ROOT / "bot" / "config_sections.py").read_text(encoding="utf-8")
    field = next(line for line in source.splitlines() if line.strip().startswith("makeup_days:"))
    assert "MAKEUP_LOOKBACK" in field and "default=30" not in field  # one statement of the figure, not two


def test_the_scheduler_imports_nothing_from_bot() -> None:
    for path in (ROOT / "scheduler").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "bot" or n.startswith("bot.") for n in names), (path.name, names)
