"""The config file's sections, one frozen model each: what a deployer may write under each top-level key.

Why frozen and ``extra="forbid"``: a misspelt key is an error that names it, never a setting silently
ignored, and nothing in the running bot can change a setting behind the file's back.  The cross-section
checks (a meeting's branch exists, invite codes differ) live on ``Settings`` in ``bot.config_settings``.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from scheduler.reminders import MAKEUP_LOOKBACK

_OFFSET_RE = re.compile(r"^(\d+)\s*([dhm])$")


class FrozenConfig(BaseModel):
    """The base of every config model: immutable once loaded, and an unknown key is an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class WebhookSettings(FrozenConfig):
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


class TelegramSettings(FrozenConfig):
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


class DatabaseSettings(FrozenConfig):
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


class ContentSettings(FrozenConfig):
    materials_dir: Path | None = None  # default: the materials shipped with zhibu
    curated_file: Path | None = None  # default: the questions.yaml shipped with zhibu
    auto_publish: bool = False  # publish verified questions without a secretary's review
    questions_per_day: int = Field(default=3, ge=1, le=20)
    # a secretary's weighting of materials (file names or a piece of the title): core ones count as the
    # branch's own deployment, background ones as commentary; a secretary can also mark an upload in chat
    core: tuple[str, ...] = ()
    background: tuple[str, ...] = ()


class ScheduleSettings(FrozenConfig):
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


def clock_time(value: Any) -> Any:
    """YAML 1.1 reads an unquoted 08:00 as the sexagesimal integer 480; read it back as a time of day."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


class StudySettings(FrozenConfig):
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
        return clock_time(value)


class StatsSettings(FrozenConfig):
    digest: bool = True  # a weekly digest of the branch's figures to its secretaries
    digest_weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday, in the configured timezone
    digest_time: time = time(9, 0)

    @field_validator("digest_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return clock_time(value)


class DeliverySettings(FrozenConfig):
    # Telegram allows about 30 messages a second in bulk; zhibu keeps its scheduled sends (reminders, the
    # daily push) under this ceiling as Telegram sees them, leaving room for replies to members
    max_per_second: float = Field(default=25.0, gt=0, le=30)


class FloodSettings(FrozenConfig):
    messages: int = Field(default=8, ge=1)  # at most this many updates from one user ...
    per_seconds: float = Field(default=10.0, gt=0)  # ... within this window
    # button presses have their own budget in the same window (default: four times ``messages``)
    buttons: int | None = Field(default=None, ge=1)


class MeetingSettings(FrozenConfig):
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


class MeetingOptions(FrozenConfig):
    """How meetings run for every branch: check-in window and code, group notices."""

    checkin_before_minutes: int = Field(default=30, ge=0, le=24 * 60)  # check-in opens this long before the start
    checkin_after_minutes: int = Field(default=30, ge=0, le=24 * 60)  # ... and closes this long after it
    code_seconds: int = Field(default=60, ge=15, le=3600)  # the check-in code rotates this often
    notify_group: bool = True  # one notice to the branch group (when group_chat_id is set)
    # 补学 is still assigned by a tick this long after a meeting ended (the bot down over a holiday: trial T17)
    makeup_days: int = Field(default=MAKEUP_LOOKBACK.days, ge=1, le=365)  # the producer's own default


class BranchSettings(FrozenConfig):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,31}$")
    name: str = Field(min_length=1)
    group_chat_id: int | None = None
    secretaries: tuple[int, ...] = ()  # Telegram user ids
    invite_code: str = Field(pattern=r"^[A-Za-z0-9_-]{4,64}$")
    # the branch's parent organisation as its materials name it (e.g. 学校党委): its documents count as its own
    parent_bodies: tuple[str, ...] = ()


class AdminSettings(FrozenConfig):
    """A committee admin: a Telegram user id, and the branch keys they oversee (none listed: every branch)."""

    id: int
    branches: tuple[str, ...] = ()


# the shipped materials are a 学校's branch's: the demo studies its 学校's deployment as its own
DEMO_BRANCH = BranchSettings(key="demo", name="示例党支部", invite_code="demo2026", parent_bodies=("学校",))
