"""Configuration: one YAML file, validated into frozen pydantic models; this module reads it.

Why this shape: a deployer edits ``config.example.yaml`` and gets told *which key* is wrong (with the
YAML line) instead of a traceback, and every default is embedded so ``zhibu chat`` runs with no file at
all.  The bot token is never read from the YAML: it comes from ``ZHIBU_TELEGRAM_TOKEN`` or a file named
by ``telegram.token_file`` and is held as a ``SecretStr`` so it cannot leak through ``repr`` or logs.

The models live in ``bot.config_sections`` (one per top-level key) and ``bot.config_settings`` (the
whole); this module loads them — file, environment overrides, token, warnings, errors that name the key
and line — and re-exports ``Settings`` and ``MeetingSettings`` so callers import from one place.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr, ValidationError

from bot.config_sections import DEMO_BRANCH, MeetingSettings
from bot.config_settings import Settings
from bot.config_yaml import ConfigError, line_of, parse, read_text

__all__ = ["ConfigError", "MeetingSettings", "Settings", "config_path", "config_warnings", "load_settings",
           "read_token"]

ENV_CONFIG = "ZHIBU_CONFIG"
ENV_TOKEN = "ZHIBU_TELEGRAM_TOKEN"
ENV_WEBHOOK_SECRET = "ZHIBU_WEBHOOK_SECRET"
ENV_DATA_DIR = "ZHIBU_DATA_DIR"
ENV_DATABASE_URL = "ZHIBU_DATABASE_URL"

TOKEN_PATTERN = r"\d{3,15}:[A-Za-z0-9_-]{20,}"  # what BotFather hands out


def read_token(settings: Settings) -> SecretStr | None:
    """The bot token from the environment or the configured file; never from the YAML itself."""
    value = os.environ.get(ENV_TOKEN, "").strip()
    if not value and settings.telegram.token_file is not None:
        try:
            value = settings.telegram.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            message = f"cannot read the token file: {exc.strerror}"
            raise ConfigError(message, key="telegram.token_file") from exc
    if not value:
        return None
    if not re.fullmatch(TOKEN_PATTERN, value):
        raise ConfigError("the token does not look like a Telegram bot token", key=ENV_TOKEN)
    return SecretStr(value)


def webhook_secret(settings: Settings) -> str | None:
    env = os.environ.get(ENV_WEBHOOK_SECRET)
    if env:
        return env
    secret = settings.telegram.webhook.secret_token
    return secret.get_secret_value() if secret else None


# --------------------------------------------------------------------------- loading


def config_path(cli_value: str | os.PathLike[str] | None) -> Path | None:
    """``--config`` wins over ``ZHIBU_CONFIG``; neither means embedded defaults."""
    raw = cli_value or os.environ.get(ENV_CONFIG)
    return Path(raw) if raw else None


def load_settings(path: Path | None) -> Settings:
    """Read and validate the YAML at ``path`` (or the embedded defaults when ``None``).

    ``ZHIBU_DATA_DIR`` and ``ZHIBU_DATABASE_URL`` override the file, as the example config promises: a
    container sets them once and any config mounted into it writes where the volume is."""
    root = None
    raw: dict[str, Any] = {}
    if path is not None:
        loaded, root = parse(read_text(path), str(path))
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError("the top level must be a mapping of keys", key=str(path))
        raw = loaded
    overridden = _apply_env(raw)
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        error = _explain(exc, root)
        env = overridden.get(error.key or "")
        if env is not None:  # the bad value came from the environment, not from the file's line
            raise ConfigError(error.detail, key=env) from None
        raise error from None


def _apply_env(raw: dict[str, Any]) -> dict[str, str]:
    """Put the environment's overrides into ``raw``; returns {config key: variable} for error messages."""
    overridden: dict[str, str] = {}
    data_dir = os.environ.get(ENV_DATA_DIR)
    if data_dir:
        raw["data_dir"] = data_dir
        overridden["data_dir"] = ENV_DATA_DIR
    url = os.environ.get(ENV_DATABASE_URL)
    if url:
        database = raw.get("database")
        raw["database"] = {**database, "url": url} if isinstance(database, dict) else {"url": url}
        overridden["database.url"] = ENV_DATABASE_URL
    return overridden


def require_real_branches(settings: Settings) -> None:
    """A live bot needs the deployer's own branches: the embedded demo branch (public invite code) is for
    ``zhibu chat`` only."""
    if "branches" not in settings.model_fields_set:
        raise ConfigError("no branches configured: copy config.example.yaml, describe your branch, and name the "
                          f"file with --config or {ENV_CONFIG}", key="branches")
    for index, branch in enumerate(settings.branches):
        if branch.invite_code == DEMO_BRANCH.invite_code:
            raise ConfigError(
                "the demo invite code is public; configure your branch (see config.example.yaml) and pick "
                "your own invite code", key=f"branches[{index}].invite_code")


def config_warnings(settings: Settings) -> list[str]:
    """What is valid but will surprise the deployer later, one line each."""
    warnings = list(settings._deprecations)
    for index, branch in enumerate(settings.branches):
        if not branch.secretaries:
            warnings.append(f"branches[{index}].secretaries: branch {branch.key} ({branch.name}) has no secretaries, "
                            "so nobody can approve its join requests; add the Telegram user ids of its secretaries")
    study = settings.study
    push, nudge = study.push_time, study.nudge_time
    if nudge.hour * 60 + nudge.minute < push.hour * 60 + push.minute + 60:  # review R3.12
        warnings.append(f"study.nudge_time ({nudge:%H:%M}) is less than an hour after study.push_time "
                        f"({push:%H:%M}): the quiz nudge waits until an hour after the push (none once quiet "
                        "hours begin)")
    return warnings


def _explain(exc: ValidationError, root: yaml.Node | None) -> ConfigError:
    error = exc.errors()[0]
    loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
    key = _dotted(loc)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown key (check its spelling against config.example.yaml)"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        inner = re.match(r"^([a-z_\[\]0-9.]+): (.*)$", message)
        if inner and inner.group(1).startswith(key):
            key, message = inner.group(1), inner.group(2)
            loc = _undotted(key)
    line = line_of(root, loc) if root is not None else None
    return ConfigError(message, key=key or "(top level)", line=line)


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _undotted(key: str) -> list[Any]:
    parts: list[Any] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts
