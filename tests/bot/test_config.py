"""Configuration: the example loads, defaults are embedded, and every mistake names its key and line."""

from __future__ import annotations

import os
import subprocess
import sys
import time as time_module
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, config_warnings, load_settings, read_token
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_holds_the_materials_meeting() -> None:
    settings = load_settings(ROOT / "config.example.yaml")
    meeting = settings.meetings[0]
    assert meeting.kind == "党员大会" and meeting.place == "国科路2号楼三楼会议室" and meeting.host == "王明洲"
    assert meeting.topic == "树立和践行正确政绩观学习教育动员部署会" and len(meeting.materials) == 3
    assert settings.meeting_start_utc(meeting) == datetime(2026, 3, 25, 6, 30, tzinfo=UTC)
    assert settings.study.push_time == time(8, 0)
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
        ("timezone: Asia/Shanghai\nschedule:\n  daily_push: [\"25:00\"]\n", "schedule.daily_push", 3),
        ("database:\n  url: mysql://x\n", "database.url", 2),
        # a YAML 1.1 boolean is no time of day: refused like study's times, not read as 00:01
        ("stats:\n  digest_time: yes\n", "stats.digest_time", 2),
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
        (b"", "branches: no branches configured"),  # issue 6: not the demo branch's invite code
        (b"branches:\n  - {key: ab, name: \xe7\x94\xb2, invite_code: demo2026}\n",
         "branches[0].invite_code: the demo invite code is public"),
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


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def _hostile(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "config.yaml"
    if kind == "laughs":
        path.write_text(BILLION_LAUGHS)
    elif kind == "deep":
        path.write_text("x: " + "[" * 10_000 + "]" * 10_000 + "\n")
    elif kind == "deep-mapping":
        path.write_text("".join(f"{'  ' * i}k{i}:\n" for i in range(200)))
    elif kind == "recursive":
        path.write_text("a: &a [*a]\n")
    else:  # 50 MB: sparse, so the test writes nothing to disk
        with path.open("wb") as stream:
            stream.truncate(50_000_000)
    return path


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("laughs", "yaml (line 5): the file expands to more than 20000 values (aliases repeating aliases?)"),
        ("deep", "yaml (line 1): nested more than 24 levels deep"),
        ("deep-mapping", "yaml (line 24): nested more than 24 levels deep"),
        ("recursive", "yaml (line 1): an alias refers to a value that contains it"),
        ("big", "is larger than 1 MB; a config is a few KB"),
    ],
)
def test_hostile_configs_are_refused_quickly_in_one_line(tmp_path: Path, kind: str, expected: str) -> None:
    path = _hostile(tmp_path, kind)
    started = time_module.monotonic()
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert time_module.monotonic() - started < 2.0
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_hostile_config_ends_the_command_in_one_line(tmp_path: Path) -> None:
    """Every ``zhibu`` command reads the config: a billion laughs once hung them all."""
    path = _hostile(tmp_path, "laughs")
    done = subprocess.run([sys.executable, "-m", "bot", "db", "current", "--config", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "zhibu: config error: yaml (line 5): the file expands to more than 20000 values (aliases repeating aliases?)"]


def test_aliases_a_real_config_uses_still_work(tmp_path: Path) -> None:
    text = ("branches:\n"
        "  - &branch {key: ab, name: 甲, invite_code: abcd1234, secretaries: &ids [90001, 90002]}\n"
        "  - {key: cd, name: 乙, invite_code: cdef5678, secretaries: *ids}\n")
    settings = load_settings(factories.write_config(tmp_path, text))
    assert [b.secretaries for b in settings.branches] == [(90001, 90002), (90001, 90002)]


@pytest.mark.parametrize("url", ["http://", "https://", "http:///bot", "ftp://example.org/bot", "http://host:port/bot"])
def test_a_base_url_needs_a_scheme_and_a_host(tmp_path: Path, url: str) -> None:
    path = factories.write_config(tmp_path, f"telegram:\n  base_url: '{url}'\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.key == "telegram.base_url" and info.value.line == 2
    good = factories.write_config(tmp_path, "telegram:\n  base_url: http://127.0.0.1:8081/bot\n")
    assert load_settings(good).telegram.base_url == "http://127.0.0.1:8081/bot"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As config.example.yaml says: a container's ZHIBU_DATA_DIR=/data wins over the example's data_dir."""
    path = factories.write_config(tmp_path, "data_dir: data\ndatabase:\n  url: sqlite:///file.sqlite3\n")
    monkeypatch.setenv("ZHIBU_DATA_DIR", str(tmp_path / "volume"))
    monkeypatch.delenv("ZHIBU_DATABASE_URL", raising=False)
    assert load_settings(path).data_dir == tmp_path / "volume"
    assert load_settings(path).database_url == "sqlite:///file.sqlite3"
    monkeypatch.setenv("ZHIBU_DATABASE_URL", "postgresql://u:p@db/zhibu")
    assert load_settings(path).database_url == "postgresql://u:p@db/zhibu"
    monkeypatch.setenv("ZHIBU_DATABASE_URL", "mysql://nope")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.key == "ZHIBU_DATABASE_URL" and info.value.line is None


def test_example_config_under_docker_env_writes_to_the_volume(tmp_path: Path) -> None:
    env = {**os.environ, "ZHIBU_DATA_DIR": str(tmp_path / "volume"), "ZHIBU_TELEGRAM_TOKEN": ""}
    env.pop("ZHIBU_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "bot", "--config", str(ROOT / "config.example.yaml"), "config",
                           "check"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"database sqlite:///{tmp_path}/volume/zhibu.sqlite3" in done.stdout


def test_a_branch_without_secretaries_is_warned_about(tmp_path: Path) -> None:
    path = factories.write_config(tmp_path, factories.config_dict(tmp_path, branches=[
        {"key": "csfz", "name": "甲支部", "invite_code": "abcd1234", "secretaries": []},
        {"key": "other", "name": "乙支部", "invite_code": "efgh5678", "secretaries": [1]}]))
    env = {**os.environ, "ZHIBU_TELEGRAM_TOKEN": ""}
    done = subprocess.run([sys.executable, "-m", "bot", "config", "check", "--config", str(path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("config ok: 2 branch(es)")
    assert done.stderr.splitlines() == [
        "warning: branches[0].secretaries: branch csfz (甲支部) has no secretaries, so nobody can approve its join "
        "requests; add the Telegram user ids of its secretaries"]


def test_no_config_at_all_says_no_branches_configured(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ZHIBU_CONFIG"}
    done = subprocess.run([sys.executable, "-m", "bot", "config", "check"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("zhibu: config error: branches: no branches configured")


def test_an_old_config_with_daily_push_still_starts_and_is_told_to_rename_it(tmp_path: Path) -> None:
    """``schedule.daily_push`` became ``study.push_time``: an old config is read under the new name, and
    ``config check`` (like the log at start) says so in one line."""
    old = ("branches:\n  - key: csfz\n    name: 甲支部\n    invite_code: abcd1234\n    secretaries: [1]\n"
           "schedule:\n  daily_push: [07:30]\n  tick_seconds: 30\n")  # unquoted: YAML reads 07:30 as 450
    path = factories.write_config(tmp_path, old)
    settings = load_settings(path)
    assert settings.study.push_time == time(7, 30) and settings.schedule.tick_seconds == 30
    env = {**os.environ, "ZHIBU_TELEGRAM_TOKEN": ""}
    done = subprocess.run([sys.executable, "-m", "bot", "config", "check", "--config", str(path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("config ok: 1 branch(es)")
    assert done.stderr.splitlines() == [
        "warning: schedule.daily_push: renamed, read as study.push_time (07:30); rename it in the config"]


def test_daily_push_next_to_the_new_push_time_is_ignored() -> None:
    settings = Settings.model_validate({"schedule": {"daily_push": ["07:30"]}, "study": {"push_time": "06:00"}})
    assert settings.study.push_time == time(6, 0)
    assert config_warnings(settings)[0].startswith("schedule.daily_push: no longer used and ignored")
    both = Settings.model_validate({"schedule": {"daily_push": ["07:30", "19:00"]}})
    assert both.study.push_time == time(7, 30) and "['19:00'] are ignored" in config_warnings(both)[0]
