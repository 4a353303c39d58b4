"""``zhibu chat`` exactly as the README shows it: a script piped into the real command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests import factories

SCRIPT = """/start demo2026
/help
/members
:as 王五
/start
:as 李书记 secretary
/members
:press 1
:as 王五
/help
:clock +1d
:bogus
:quit
"""


def _chat(tmp_path: Path, script: str, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if k not in {"ZHIBU_CONFIG", "ZHIBU_DATABASE_URL"}}
    env.update({"ZHIBU_DATA_DIR": str(tmp_path / "data"), **extra})
    return subprocess.run([sys.executable, "-m", "bot", "chat", *args], input=script, capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)


def test_scripted_chat_registers_approves_and_refuses(tmp_path: Path) -> None:
    done = _chat(tmp_path, SCRIPT, "--fresh")
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in out + done.stderr
    assert "→ 张三: 欢迎您，张三！您已加入示例党支部" in out
    assert "/lang" in out and "仅供支部书记使用" in out  # /help for a member, then /members refused
    assert "→ 王五: 您加入示例党支部的申请已记录" in out  # no secretary in the chat yet: one message (T20)
    assert "[1] ✅ 王五·正式  [2] ✅ 王五·预备" in out  # the roster doubles as the approval queue (standing chosen)
    assert "→ 王五: 您加入示例党支部的申请已获批准" in out
    assert "⏰ 现在是" in out and "未知命令 :bogus" in out
    assert (tmp_path / "data" / "chat" / "chat.sqlite3").exists()


def test_chat_resumes_its_database(tmp_path: Path) -> None:
    _chat(tmp_path, "/start demo2026\n:quit\n", "--fresh")
    again = _chat(tmp_path, "/start\n:quit\n")
    assert "您已经是示例党支部的成员" in again.stdout


def test_demo_and_config_sessions_keep_separate_databases(tmp_path: Path) -> None:
    config = factories.write_config(tmp_path, factories.config_dict(tmp_path))
    _chat(tmp_path, "/start demo2026\n:quit\n", "--fresh")
    joined = _chat(tmp_path, f"/start {factories.INVITE}\n:quit\n", "--config", str(config), "--fresh")
    assert "您已加入直属城市发展研究中心党支部" in joined.stdout
    demo = _chat(tmp_path, "/start\n:quit\n")  # the config session's --fresh did not wipe the demo
    assert "您已经是示例党支部的成员" in demo.stdout
    again = _chat(tmp_path, "/start\n:quit\n", "--config", str(config))
    assert "您已经是直属城市发展研究中心党支部的成员" in again.stdout
    folders = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert folders[0] == "chat" and re.fullmatch(r"chat-config-[0-9a-f]{8}", folders[1]), folders
    assert (tmp_path / "data" / folders[1] / "chat.sqlite3").exists()


def test_fresh_wipes_the_database_named_with_db(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    first = _chat(tmp_path, "/start demo2026\n:quit\n", "--db", url)
    assert "您已加入示例党支部" in first.stdout
    assert (tmp_path / "elsewhere.sqlite3").exists()
    fresh = _chat(tmp_path, "/start\n:quit\n", "--db", url, "--fresh")
    assert "您加入示例党支部的申请已记录" in fresh.stdout  # a stranger again: that database was wiped


def test_chat_ignores_the_deployment_database(tmp_path: Path) -> None:
    """``zhibu chat --fresh`` on a server with ZHIBU_DATABASE_URL set must not use (or wipe) that store."""
    live = tmp_path / "live.sqlite3"
    done = _chat(tmp_path, "/start demo2026\n:quit\n", "--fresh",
                 env={"ZHIBU_DATABASE_URL": f"sqlite:///{live}"})
    assert "您已加入示例党支部" in done.stdout and not live.exists()


def test_at_starts_the_clock_at_a_local_time_and_help_names_the_real_path(tmp_path: Path) -> None:
    done = _chat(tmp_path, ":clock\n:quit\n", "--at", "2026-03-20 09:00")
    assert "⏰ 现在是 2026-03-20 09:00 (Asia/Shanghai)" in done.stdout
    bad = _chat(tmp_path, ":quit\n", "--at", "next tuesday")
    assert bad.returncode == 2 and "--at: 'next tuesday' is not a local time like 2026-03-20 09:00" in bad.stderr
    helped = subprocess.run([sys.executable, "-m", "bot", "chat", "--help"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60, env={**os.environ, "COLUMNS": "300"})
    assert "<data_dir>/chat/chat.sqlite3" in helped.stdout


def test_version(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60)
    assert done.returncode == 0 and re.fullmatch(r"zhibu \d+\.\d+\.\d+\S*\n", done.stdout)


def test_wipe_empties_the_database_a_session_names(tmp_path: Path, db_url: str) -> None:
    """``--fresh --db URL`` on SQLite and on PostgreSQL: zhibu's tables go, the next start migrates afresh."""
    from sqlalchemy import inspect

    from bot.chat_hooks import chat_settings, wipe
    from storage.db import Database
    from storage.migrate import upgrade

    settings = chat_settings(factories.settings(tmp_path), db_url, None)
    db = Database(db_url)
    upgrade(db)
    assert "member" in inspect(db.engine).get_table_names()
    db.dispose()
    wipe(settings)
    db = Database(db_url)
    try:
        assert inspect(db.engine).get_table_names() == []
    finally:
        db.dispose()
