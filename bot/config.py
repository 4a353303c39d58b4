"""Configuration: one YAML file, validated into frozen pydantic models.

Why this shape: a deployer edits ``config.example.yaml`` and gets told *which key* is wrong (with the
YAML line) instead of a traceback, and every default is embedded so ``zhibu chat`` runs with no file at
all.  The bot token is never read from the YAML: it comes from ``ZHIBU_TELEGRAM_TOKEN`` or a file named
by ``telegram.token_file`` and is held as a ``SecretStr`` so it cannot leak through ``repr`` or logs.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

ENV_CONFIG = "ZHIBU_CONFIG"
ENV_TOKEN = "ZHIBU_TELEGRAM_TOKEN"
ENV_WEBHOOK_SECRET = "ZHIBU_WEBHOOK_SECRET"
ENV_DATA_DIR = "ZHIBU_DATA_DIR"
ENV_DATABASE_URL = "ZHIBU_DATABASE_URL"

MEETING_KINDS = ("党员大会", "支委会", "党小组会", "党课", "主题党日")
TOKEN_PATTERN = r"\d{3,15}:[A-Za-z0-9_-]{20,}"  # what BotFather hands out
_OFFSET_RE = re.compile(r"^(\d+)\s*([dhm])$")


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the YAML."""

    def __init__(self, message: str, *, key: str | None = None, line: int | None = None) -> None:
        self.key = key
        self.line = line
        where = ""
        if key:
            where = f"{key}"
            if line:
                where += f" (line {line})"
            where += ": "
        super().__init__(f"{where}{message}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WebhookSettings(_Frozen):
    listen: str = "0.0.0.0"  # a webhook must be reachable beyond loopback
    port: int = Field(default=8443, ge=1, le=65535)
    url: str | None = None  # public HTTPS URL Telegram posts to
    path: str = "telegram"
    secret_token: SecretStr | None = None  # or ZHIBU_WEBHOOK_SECRET

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("Telegram delivers webhooks only to https:// URLs")
        return value


class TelegramSettings(_Frozen):
    mode: Literal["polling", "webhook"] = "polling"
    token_file: Path | None = None
    base_url: str | None = None  # self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot
    base_file_url: str | None = None
    admin_chat_id: int | None = None  # errors are reported here
    webhook: WebhookSettings = WebhookSettings()

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramSettings:
        if self.mode == "webhook" and not self.webhook.url:
            raise ValueError("telegram.webhook.url: webhook mode needs the public URL Telegram posts to")
        return self

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value


class DatabaseSettings(_Frozen):
    url: str | None = None  # default: sqlite file under data_dir
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite:", "postgresql:", "postgresql+", "postgres:")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        if value is not None and value.startswith("postgres://"):
            return "postgresql://" + value.removeprefix("postgres://")
        return value


class ContentSettings(_Frozen):
    materials_dir: Path | None = None  # default: the materials shipped with zhibu
    curated_file: Path | None = None  # default: the questions.yaml shipped with zhibu
    auto_publish: bool = False  # publish verified questions without a secretary's review
    questions_per_day: int = Field(default=3, ge=1, le=20)


class ScheduleSettings(_Frozen):
    daily_push: tuple[time, ...] = (time(8, 0),)  # local times the study snippet is pushed
    reminder_offsets: tuple[str, ...] = ("1d", "2h")  # before a meeting starts
    tick_seconds: int = Field(default=20, ge=5, le=300)
    inactivity_months: int = Field(default=3, ge=1, le=6)

    @field_validator("daily_push", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        items = value if isinstance(value, list | tuple) else [value]
        out = []
        for item in items:
            if isinstance(item, int):  # YAML 1.1 reads 08:00 as sexagesimal 480
                item = f"{item // 60:02d}:{item % 60:02d}"
            out.append(item)
        return tuple(out)

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _OFFSET_RE.match(item.strip()):
                raise ValueError(f"{item!r} is not an offset like 1d, 2h or 30m")
        return value

    def offsets(self) -> list[timedelta]:
        units = {"d": "days", "h": "hours", "m": "minutes"}
        result = []
        for item in self.reminder_offsets:
            match = _OFFSET_RE.match(item.strip())
            assert match is not None  # validated above
            result.append(timedelta(**{units[match.group(2)]: int(match.group(1))}))
        return sorted(result, reverse=True)


def _clock_time(value: Any) -> Any:
    """YAML 1.1 reads an unquoted 08:00 as the sexagesimal integer 480; read it back as a time of day."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


class StudySettings(_Frozen):
    """Members' daily study and quizzes (issue 8); every time is local, in ``timezone``."""

    push_time: time = time(8, 0)  # the daily snippet, unless a member chose another time with /settime
    quiz_size: int = Field(default=5, ge=1, le=20)  # questions in one /quiz session
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)  # an untouched session ends after this long
    quiet_start: time = time(22, 0)  # no quiz nudge from here ...
    quiet_end: time = time(7, 0)  # ... until here (may wrap past midnight)
    nudge_time: time = time(20, 0)  # the daily quiz nudge to members who answered nothing that day

    @field_validator("push_time", "quiet_start", "quiet_end", "nudge_time", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        return _clock_time(value)


class FloodSettings(_Frozen):
    messages: int = Field(default=8, ge=1)  # at most this many updates from one user ...
    per_seconds: float = Field(default=10.0, gt=0)  # ... within this window


class MeetingSettings(_Frozen):
    branch: str
    kind: Literal["党员大会", "支委会", "党小组会", "党课", "主题党日"]
    topic: str = Field(min_length=1)
    starts_at: datetime  # local time in the configured timezone
    duration_minutes: int = Field(default=90, ge=5, le=24 * 60)
    place: str = Field(min_length=1)
    host: str | None = None
    recorder: str | None = None
    materials: tuple[str, ...] = ()
    key: str | None = None  # stable id; default derived from branch, kind and date


class BranchSettings(_Frozen):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,31}$")
    name: str = Field(min_length=1)
    group_chat_id: int | None = None
    secretaries: tuple[int, ...] = ()  # Telegram user ids
    invite_code: str = Field(pattern=r"^[A-Za-z0-9_-]{4,64}$")


DEMO_BRANCH = BranchSettings(key="demo", name="示例党支部", invite_code="demo2026")


class Settings(_Frozen):
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    data_dir: Path = Path("data")
    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    committee_admins: tuple[int, ...] = ()  # Telegram user ids that see every branch
    branches: tuple[BranchSettings, ...] = Field(default_factory=lambda: (DEMO_BRANCH,))
    meetings: tuple[MeetingSettings, ...] = ()
    content: ContentSettings = ContentSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    flood: FloodSettings = FloodSettings()
    study: StudySettings = StudySettings()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if not self.branches:
            raise ValueError("branches: configure at least one branch")
        keys = [b.key for b in self.branches]
        if len(set(keys)) != len(keys):
            raise ValueError("branches: two branches share a key")
        codes = [b.invite_code for b in self.branches]
        if len(set(codes)) != len(codes):
            raise ValueError("branches: two branches share an invite_code")
        for i, meeting in enumerate(self.meetings):
            if meeting.branch not in keys:
                raise ValueError(f"meetings[{i}].branch: no branch with key {meeting.branch!r}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_url(self) -> str:
        url = os.environ.get(ENV_DATABASE_URL) or self.database.url
        if url:
            return url
        return f"sqlite:///{(self.data_dir / 'zhibu.sqlite3').as_posix()}"

    def meeting_start_utc(self, meeting: MeetingSettings) -> datetime:
        start = meeting.starts_at
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        return start.astimezone(ZoneInfo("UTC"))

    def meeting_key(self, meeting: MeetingSettings) -> str:
        return meeting.key or f"{meeting.branch}-{meeting.starts_at:%Y%m%d%H%M}"



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
    """Read and validate the YAML at ``path`` (or the embedded defaults when ``None``)."""
    data_dir_env = os.environ.get(ENV_DATA_DIR)
    if path is None:
        raw: dict[str, Any] = {}
        root = None
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path} does not exist") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"config file {path} is not UTF-8 text (byte {exc.start})") from exc
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(f"not valid YAML: {problem}", key=str(path), line=line) from exc
        duplicate = _duplicate_key(root)
        if duplicate is not None:
            key, line = duplicate
            raise ConfigError("this key is given twice; keep one", key=key, line=line)
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError("the top level must be a mapping of keys", key=str(path))
        raw = loaded
    if data_dir_env and "data_dir" not in raw:
        raw["data_dir"] = data_dir_env
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, root) from None


def _duplicate_key(node: yaml.Node | None, prefix: str = "") -> tuple[str, int] | None:
    """YAML quietly keeps the last of two equal keys; a config that says a thing twice is a mistake."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            if key_node.value in seen:
                return key, key_node.start_mark.line + 1
            seen.add(key_node.value)
            found = _duplicate_key(value_node, key)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = _duplicate_key(item, f"{prefix}[{index}]")
            if found:
                return found
    return None


def require_real_branches(settings: Settings) -> None:
    """The embedded demo branch (public invite code) is for ``zhibu chat`` only, never for a live bot."""
    for index, branch in enumerate(settings.branches):
        if branch.invite_code == DEMO_BRANCH.invite_code:
            raise ConfigError(
                "the demo invite code is public; configure your branch (see config.example.yaml) and pick "
                "your own invite code", key=f"branches[{index}].invite_code")


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
    line = _line_of(root, loc) if root is not None else None
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


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """Walk the composed YAML tree along ``loc`` and return the deepest line found (1-based)."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


