"""``zhibu content`` sub-commands through ``content.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from content.cli import main

pytestmark = pytest.mark.usefixtures("cli_builds")  # the shipped folder comes from the session's builds


def test_build_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "build"]) == 0
    out = capsys.readouterr().out
    assert "documents: 8" in out and "snippets:" in out and "单选题 single:" in out and "problems:" in out


def test_check_passes_on_the_packaged_materials(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "by document:" in out and out.strip().endswith("0 failures")


def test_check_fails_on_a_broken_curated_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    curated = tmp_path / "q.yaml"
    curated.write_text(
        "add:\n  - type: fill\n    document: 实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育\n"
        "    sentence: 为民造福，是最大的政绩。\n    stem: 为民造福，是（　）的政绩。\n    answer: [最小]\n",
        encoding="utf-8",
    )
    assert main(["content", "check", "--curated", str(curated)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_export_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # 9 since the 工作安排 多选 is refused for its two "…导" wrong options (examiner2, test_worth_causes_round7);
    # 8 since blanks on one item of an open or rhetorical series are refused (test_series_items)
    # 7 since content12: the curated "以谁为重点？" is withdrawn (a give-away by habit, test_content_causes12)
    assert len(data) >= 7 and {"id", "type", "stem", "options", "answer", "explanation", "source"} <= set(data[0])
    assert main(["content", "export", "--format", "md", "--output", str(tmp_path / "b.md")]) == 0
    assert (tmp_path / "b.md").read_text(encoding="utf-8").startswith("# 题库")
    assert main(["content", "export", "--format", "xlsx", "--output", str(tmp_path / "b.xlsx")]) == 0
    assert load_workbook(tmp_path / "b.xlsx").active.max_row == len(data) + 1


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "build", "--materials", str(tmp_path / "missing")]) == 2
    assert "materials folder not found" in capsys.readouterr().err
    assert main(["content", "export", "--format", "xlsx"]) == 2
    assert main(["content", "export", "--format", "pdf"]) == 2
    assert main(["content"]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("fix: 3\n", encoding="utf-8")
    assert main(["content", "check", "--curated", str(bad)]) == 2
    assert "malformed" in capsys.readouterr().err
