"""Repository-wide checks: lint clean, the Dockerfile lints, the shipped materials are untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MATERIALS = ROOT.parent / "shared" / "materials"


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed; it comes with the [test] extra")
    return found


def test_ruff_clean() -> None:
    done = subprocess.run([_tool("ruff"), "check", "--no-cache", str(ROOT)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_clean() -> None:
    done = subprocess.run([_tool("mypy"), "--no-incremental"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_lints() -> None:
    done = subprocess.run([_tool("hadolint"), "--no-color", str(ROOT / "Dockerfile")], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_as_non_root_with_volume_and_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.count("FROM ") >= 2, "multi-stage build"
    assert "\nUSER 10001" in text and 'VOLUME ["/data"]' in text and "HEALTHCHECK" in text
    assert 'CMD ["run"]' in text and "ZHIBU_CONFIG" in text


def test_materials_are_shipped_unchanged() -> None:
    if not SHARED_MATERIALS.is_dir():
        pytest.skip(f"{SHARED_MATERIALS} is not beside the repository")
    shipped = sorted(p.name for p in (ROOT / "content" / "materials").iterdir())
    original = sorted(p.name for p in SHARED_MATERIALS.iterdir())
    assert shipped == original
    for name in original:
        assert (ROOT / "content" / "materials" / name).read_bytes() == (SHARED_MATERIALS / name).read_bytes()
