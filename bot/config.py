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
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config_yaml import ConfigError, line_of, parse, read_text

__all__ = ["ConfigError", "Settings", "config_path", "config_warnings", "load_settings", "read_token"]

ENV_CONFIG = "ZHIBU_CONFIG"
ENV_TOKEN = "ZHIBU_TELEGRAM_TOKEN"
ENV_WEBHOOK_SECRET = "ZHIBU_WEBHOOK_SECRET"
ENV_DATA_DIR = "ZHIBU_DATA_DIR"
ENV_DATABASE_URL = "ZHIBU_DATABASE_URL"

MEETING_KINDS = ("党员大会", "支委会", "党小组会", "党课", "主题党日")
TOKEN_PATTERN = r"\d{3,15}:[A-Za-z0-9_-]{20,}"  # what BotFather hands out
_OFFSET_RE = re.compile(r"^(\d+)\s*([dhm])$")


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
        return _http_url(value)


class TelegramSettings(_Frozen):
    mode: Literal["polling", "webhook"] = "polling"
    token_file: Path | None = None
    base_url: str | None = None  # self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot
    base_file_url: str | None = None
    admin_chat_id: int | None = None  # errors are reported here
    startup_retries: int = Field(default=10, ge=0, le=100)  # tries more to reach the Bot API at start-up
    webhook: WebhookSettings = WebhookSettings()

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramSettings:
        if self.mode == "webhook" and not self.webhook.url:
            raise ValueError("telegram.webhook.url: webhook mode needs the public URL Telegram posts to")
        return self

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _http_url(value)


def _http_url(value: str | None) -> str | None:
    """An http(s) URL with a host: ``http://`` alone would only fail later, on the first request."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL with a host, e.g. http://127.0.0.1:8081/bot")
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
    # a secretary's weighting of materials (file names or a piece of the title): core ones count as the
    # branch's own deployment, background ones as commentary; a secretary can also mark an upload in chat
    core: tuple[str, ...] = ()
    background: tuple[str, ...] = ()


class ScheduleSettings(_Frozen):
    reminder_offsets: tuple[str, ...] = ("3d", "1d", "2h")  # before a meeting starts
    tick_seconds: int = Field(default=20, ge=5, le=300)
    inactivity_months: int = Field(default=3, ge=1, le=6)

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


class StatsSettings(_Frozen):
    digest: bool = True  # a weekly digest of the branch's figures to its secretaries
    digest_weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday, in the configured timezone
    digest_time: time = time(9, 0)

    @field_validator("digest_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, int):  # YAML 1.1 reads 09:00 as sexagesimal 540
            return f"{value // 60:02d}:{value % 60:02d}"
        return value


class DeliverySettings(_Frozen):
    # Telegram allows about 30 messages a second in bulk; zhibu keeps its scheduled sends (reminders, the
    # daily push) under this ceiling as Telegram sees them, leaving room for replies to members
    max_per_second: float = Field(default=25.0, gt=0, le=30)


class FloodSettings(_Frozen):
    messages: int = Field(default=8, ge=1)  # at most this many updates from one user ...
    per_seconds: float = Field(default=10.0, gt=0)  # ... within this window
    # button presses have their own budget in the same window (default: four times ``messages``)
    buttons: int | None = Field(default=None, ge=1)


class MeetingSettings(_Frozen):
    """A meeting seed: inserted once by key, never overwritten after a secretary changed it in chat."""

    branch: str
    kind: Literal["党员大会", "支委会", "党小组会", "党课", "主题党日", "其他"]
    topic: str = Field(min_length=1)
    starts_at: datetime  # local time in the configured timezone
    duration_minutes: int = Field(default=90, ge=5, le=24 * 60)
    place: str = Field(min_length=1)
    host: str | None = None
    recorder: str | None = None
    agenda: str | None = None
    # who is expected: branch (everyone) | committee (书记 and 委员) | group:<党小组 name>
    attendees: str = Field(default="branch", pattern=r"^(branch|committee|group:.{1,32})$")
    materials: tuple[str, ...] = ()
    key: str | None = None  # stable id; default derived from branch, kind and date
    repeat: Literal["none", "monthly"] = "none"  # monthly: on the same day (1–28) and time every month

    @model_validator(mode="after")
    def _monthly_day(self) -> MeetingSettings:
        if self.repeat == "monthly" and self.starts_at.day > 28:
            raise ValueError("starts_at: a monthly meeting needs a day from 1 to 28")
        return self


class MeetingOptions(_Frozen):
    """How meetings run for every branch: check-in window and code, group notices."""

    checkin_before_minutes: int = Field(default=30, ge=0, le=24 * 60)  # check-in opens this long before the start
    checkin_after_minutes: int = Field(default=30, ge=0, le=24 * 60)  # ... and closes this long after it
    code_seconds: int = Field(default=60, ge=15, le=3600)  # the check-in code rotates this often
    notify_group: bool = True  # one notice to the branch group (when group_chat_id is set)


class BranchSettings(_Frozen):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,31}$")
    name: str = Field(min_length=1)
    group_chat_id: int | None = None
    secretaries: tuple[int, ...] = ()  # Telegram user ids
    invite_code: str = Field(pattern=r"^[A-Za-z0-9_-]{4,64}$")
    # the branch's parent organisation as its materials name it (e.g. 学校党委): its documents count as its own
    parent_bodies: tuple[str, ...] = ()


class AdminSettings(_Frozen):
    """A committee admin: a Telegram user id, and the branch keys they oversee (none listed: every branch)."""

    id: int
    branches: tuple[str, ...] = ()


# the shipped materials are a 学校's branch's: the demo studies its 学校's deployment as its own
DEMO_BRANCH = BranchSettings(key="demo", name="示例党支部", invite_code="demo2026", parent_bodies=("学校",))


class Settings(_Frozen):
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    data_dir: Path = Path("data")
    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    committee_admins: tuple[AdminSettings, ...] = ()  # a plain id sees every branch; {id, branches} those listed
    branches: tuple[BranchSettings, ...] = Field(default_factory=lambda: (DEMO_BRANCH,))
    meetings: tuple[MeetingSettings, ...] = ()
    meeting_options: MeetingOptions = MeetingOptions()
    content: ContentSettings = ContentSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    flood: FloodSettings = FloodSettings()
    study: StudySettings = StudySettings()
    stats: StatsSettings = StatsSettings()
    delivery: DeliverySettings = DeliverySettings()

    _deprecations: tuple[str, ...] = PrivateAttr(default=())  # keys of older configs, read under their new name

    @model_validator(mode="wrap")
    @classmethod
    def _renamed_keys(cls, data: Any, handler: ModelWrapValidatorHandler[Settings]) -> Settings:
        data, notes = _renamed(data)
        settings = handler(data)
        settings._deprecations = notes
        return settings

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("committee_admins", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> Any:
        items = value if isinstance(value, list | tuple) else [value]
        return [{"id": item} if isinstance(item, int) and not isinstance(item, bool) else item for item in items]

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
        for i, admin in enumerate(self.committee_admins):
            unknown = [key for key in admin.branches if key not in keys]
            if unknown:
                raise ValueError(f"committee_admins[{i}].branches: no branch with key {unknown[0]!r}")
        for i, meeting in enumerate(self.meetings):
            if meeting.branch not in keys:
                raise ValueError(f"meetings[{i}].branch: no branch with key {meeting.branch!r}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_url(self) -> str:
        """The configured URL (``ZHIBU_DATABASE_URL`` was folded in by :func:`load_settings`), else a
        SQLite file under ``data_dir``."""
        if self.database.url:
            return self.database.url
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


def _renamed(data: Any) -> tuple[Any, tuple[str, ...]]:
    """An older config still loads: ``schedule.daily_push`` (a list of times, of which only one was ever
    used) is read as ``study.push_time``, and the deployer is told to rename it."""
    schedule = data.get("schedule") if isinstance(data, dict) else None
    if not isinstance(schedule, dict) or "daily_push" not in schedule:
        return data, ()
    old = schedule["daily_push"]
    data = {**data, "schedule": {key: value for key, value in schedule.items() if key != "daily_push"}}
    times = list(old) if isinstance(old, list | tuple) else [old]
    study = data.get("study") if isinstance(data.get("study"), dict) else {}
    if "push_time" in study or not times:
        return data, ("schedule.daily_push: no longer used and ignored (study.push_time sets the daily snippet's "
                      "time); remove it",)
    try:
        TypeAdapter(time).validate_python(_clock_time(times[0]))
    except ValidationError:
        raise ValueError(f"schedule.daily_push: {times[0]!r} is not a time like 08:00") from None
    data["study"] = {**study, "push_time": times[0]}
    extra = f"; one snippet a day, so the other time(s) {times[1:]} are ignored" if len(times) > 1 else ""
    return data, (f"schedule.daily_push: renamed, read as study.push_time ({_clock_time(times[0])}){extra}; "
                  "rename it in the config",)


def config_warnings(settings: Settings) -> list[str]:
    """What is valid but will surprise the deployer later, one line each."""
    warnings = list(settings._deprecations)
    for index, branch in enumerate(settings.branches):
        if not branch.secretaries:
            warnings.append(f"branches[{index}].secretaries: branch {branch.key} ({branch.name}) has no secretaries, "
                            "so nobody can approve its join requests; add the Telegram user ids of its secretaries")
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
