"""The example branch studies its 学校's deployment as its own — in the config, the demo, and the CLI.

The agenda in 000 lists the 学校's report as one of the branch's study materials, so config.example.yaml
names 学校 in the branch's ``parent_bodies``, the embedded demo (``zhibu chat`` without ``--config``) does the
same, and ``zhibu --config FILE content check|build`` build that branch's corpus and say whose it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main as zhibu
from bot.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"


def test_the_example_branch_and_the_demo_name_their_school() -> None:
    assert "学校" in load_settings(EXAMPLE).branches[0].parent_bodies
    assert Settings().branches[0].parent_bodies == ("学校",)


def test_content_check_with_a_config_uses_the_branchs_own_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZHIBU_DATA_DIR", str(tmp_path))  # the branch's chat marks live under the data dir
    monkeypatch.delenv("ZHIBU_CONFIG", raising=False)
    assert zhibu(["--config", str(EXAMPLE), "content", "check"]) == 0
    out = capsys.readouterr().out
    assert "branch: csfz 直属城市发展研究中心党支部" in out and "own bodies: 学校" in out and "marks: none" in out
    own = next(line for line in out.splitlines() if "own (" in line)
    assert int(own.split()[0]) >= 1, own  # the 学校's 要点 are asked as the branch's own
    # a secretary's mark made in chat (by document) is used and said
    marks = tmp_path / "materials" / "csfz" / ".marks.json"
    marks.parent.mkdir(parents=True)
    marks.write_text('{"000_b0124860aecd14b5#0": "core"}', encoding="utf-8")
    assert zhibu(["content", "build", "--config", str(EXAMPLE)]) == 0
    assert "marks: 000_b0124860aecd14b5#0 core" in capsys.readouterr().out
    assert zhibu(["--config", str(EXAMPLE), "content", "check", "--branch", "nosuch"]) == 2


def test_content_check_without_a_config_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ZHIBU_CONFIG", raising=False)
    assert zhibu(["content", "check"]) == 0
    assert "branch: none (no config): no own bodies, no marks" in capsys.readouterr().out
