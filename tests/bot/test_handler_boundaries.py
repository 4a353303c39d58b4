"""Handler modules do not lend each other helpers (review R8): recording a card with buttons is shared by the
meeting handlers, so it lives in ``bot.meeting_notices`` beside what edits those cards; the check-in screen's
SQL lives in ``storage.screens``; and no module reaches into a handler module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.handlers as handlers
from bot import code_screen, meeting_notices
from bot.handlers import meeting_create

ROOT = Path(__file__).resolve().parents[2]


def test_shared_helpers_live_outside_the_handler_modules() -> None:
    assert callable(meeting_notices.remember_card)
    assert not hasattr(meeting_create, "remember_card")
    source = Path(code_screen.__file__).read_text("utf-8")
    assert "select(" not in source and "session.exec" not in source  # no SQL in the bot module


def test_nothing_imports_a_handler_modules_private_names() -> None:
    handler_modules = {p.stem for p in Path(handlers.__file__).parent.glob("*.py")}
    found = []
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.handlers."):
                found += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in handler_modules and node.attr.startswith("_")
                    and path.parent.name == "handlers" and path.stem != node.value.id):
                found.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert found == []
