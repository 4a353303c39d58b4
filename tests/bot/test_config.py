"""Configuration: the example loads, defaults are embedded, and every mistake names its key and line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings, read_token
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_holds_the_materials_meeting() -> None:
    settings = load_settings(ROOT / "config.example.yaml")
    meeting = settings.meetings[0]
    assert meeting.kind == "党员大会" and meeting.place == "国科路2号楼三楼会议室" and meeting.host == "王明洲"
    assert meeting.topic == "树立和践行正确政绩观学习教育动员部署会" and len(meeting.materials) == 3
    assert settings.meeting_start_utc(meeting) == datetime(2026, 3, 25, 6, 30, tzinfo=UTC)
    assert settings.schedule.daily_push == (time(8, 0),)
    assert settings.schedule.offsets() == [timedelta(days=3), timedelta(days=1), timedelta(hours=2)]


def test_embedded_defaults_need_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZHIBU_DATA_DIR", raising=False)
    monkeypatch.delenv("ZHIBU_DATABASE_URL", raising=False)
    settings = load_settings(None)
    assert settings.timezone == "Asia/Shanghai" and settings.language == "zh"
    assert settings.database_url == "sqlite:///data/zhibu.sqlite3"
    assert len(settings.branches) == 1


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("timezone: Mars/Olympus\n", "timezone", 1),
        ("language: fr\n", "language", 1),
        ("data_dir: d\ntelegram:\n  mode: carrier-pigeon\n", "telegram.mode", 3),
        ("telegram:\n  tokn_file: x\n", "telegram.tokn_file", 2),
        ("branches:\n  - key: ab\n    name: 甲\n    invite_code: x\n", "branches[0].invite_code", 4),
        ("schedule:\n  reminder_offsets: [1d, soon]\n", "schedule.reminder_offsets", 2),
        ("database:\n  url: mysql://x\n", "database.url", 2),
        ("telegram:\n  mode: webhook\n  webhook:\n    url: http://plain.example\n", "telegram.webhook.url", 4),
        ("telegram:\n  mode: webhook\n", "telegram.webhook.url", 1),
        ("meetings:\n  - branch: nowhere\n    kind: 党员大会\n    topic: t\n    starts_at: 2026-03-25 14:30\n"
         "    place: p\n", "meetings[0].branch", 2),
    ],
)
def test_bad_values_name_the_key_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    path = factories.write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.key == key
    assert info.value.line == line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"timezone: UTC\ntimezone: Asia/Shanghai\n", "timezone (line 2): this key is given twice"),
        (b"branches: []\n", "branches (line 1): configure at least one branch"),
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        (b"", "branches[0].invite_code: the demo invite code is public"),
    ],
)
def test_config_check_refuses_what_would_surprise_later(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "bot", "config", "check", "--config", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr


def test_broken_yaml_gives_the_line(tmp_path: Path) -> None:
    path = factories.write_config(tmp_path, "telegram:\n  mode: polling\n bad indent: [\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.line == 3


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = factories.settings(tmp_path)
    with pytest.raises(ValueError):
        settings.language = "en"  # type: ignore[misc]


def test_token_comes_from_env_or_file_and_never_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456789:AAH" + "x" * 32
    monkeypatch.delenv("ZHIBU_TELEGRAM_TOKEN", raising=False)
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    settings = Settings.model_validate({"telegram": {"token_file": str(token_file)}})
    secret = read_token(settings)
    assert secret is not None and secret.get_secret_value() == token
    assert token not in repr(secret) and token not in repr(settings)
    monkeypatch.setenv("ZHIBU_TELEGRAM_TOKEN", "not-a-token")
    with pytest.raises(ConfigError):
        read_token(settings)


def test_cli_exits_2_without_traceback(tmp_path: Path) -> None:
    path = factories.write_config(tmp_path, "telegram:\n  mode: polling\nlanguage: klingon\n")
    env = {**os.environ, "ZHIBU_CONFIG": str(path)}
    done = subprocess.run([sys.executable, "-m", "bot", "config", "check"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "language (line 3)" in done.stderr
    assert "Traceback" not in done.stderr
