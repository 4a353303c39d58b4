"""``zhibu chat`` exactly as the README shows it: a script piped into the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def _chat(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZHIBU_DATA_DIR": str(tmp_path / "data")}
    env.pop("ZHIBU_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "bot", "chat", *args], input=script, capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)


def test_scripted_chat_registers_approves_and_refuses(tmp_path: Path) -> None:
    done = _chat(tmp_path, SCRIPT, "--fresh")
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in out + done.stderr
    assert "→ 张三: 欢迎您，张三！您已加入示例党支部" in out
    assert "/lang" in out and "仅供支部书记使用" in out  # /help for a member, then /members refused
    assert "→ 王五: 已向示例党支部书记提交加入申请" in out
    assert "[1] ✅ 批准 王五" in out  # the secretary's roster doubles as the approval queue
    assert "→ 王五: 您加入示例党支部的申请已获批准" in out
    assert "⏰ 现在是" in out and "未知命令 :bogus" in out
    assert (tmp_path / "data" / "chat" / "chat.sqlite3").exists()


def test_chat_resumes_its_database(tmp_path: Path) -> None:
    _chat(tmp_path, "/start demo2026\n:quit\n", "--fresh")
    again = _chat(tmp_path, "/start\n:quit\n")
    assert "您已经是示例党支部的成员" in again.stdout
