"""``zhibu chat``: the ``[secretary]`` tag follows the stored role across a restart (corefix3, item 5).

A secretary granted with ``:as NAME secretary`` in one run is still a secretary in the database the next
run resumes; the client used to keep the tag only in its memory, so the second run showed them untagged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _chat(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"ZHIBU_CONFIG", "ZHIBU_DATABASE_URL"}}
    env["ZHIBU_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run([sys.executable, "-m", "bot", "chat", *args], input=script, capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)


def test_secretary_tag_survives_a_restart(tmp_path: Path) -> None:
    first = _chat(tmp_path, "/start demo2026\n:as 李书记 secretary\n:who\n:quit\n", "--fresh")
    assert first.returncode == 0, first.stderr
    assert "现在你是 李书记 [secretary]" in first.stdout
    again = _chat(tmp_path, ":as 李书记\n:who\n:as 王五\n:who\n:quit\n")
    assert again.returncode == 0, again.stderr
    assert "现在你是 李书记 [secretary]" in again.stdout
    assert "当前用户：李书记 [secretary]" in again.stdout
    assert "现在你是 王五 (id" in again.stdout  # an ordinary member is never tagged
