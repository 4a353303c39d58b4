"""``Settings``, the whole config: its sections, the checks that span them, and older keys read anew.

Why apart from the sections: this is the one model callers hold, and what it adds — the consistency
checks across branches, admins and meetings, the derived values (``tz``, ``database_url``, a meeting's
UTC start and key) and the reading of renamed keys — is about the config as a whole, not one section.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config_sections import (
    DEMO_BRANCH,
    AdminSettings,
    BranchSettings,
    ContentSettings,
    DatabaseSettings,
    DeliverySettings,
    FloodSettings,
    FrozenConfig,
    MeetingOptions,
    MeetingSettings,
    ScheduleSettings,
    StatsSettings,
    StudySettings,
    TelegramSettings,
    clock_time,
)


class Settings(FrozenConfig):
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
        TypeAdapter(time).validate_python(clock_time(times[0]))
    except ValidationError:
        raise ValueError(f"schedule.daily_push: {times[0]!r} is not a time like 08:00") from None
    data["study"] = {**study, "push_time": times[0]}
    extra = f"; one snippet a day, so the other time(s) {times[1:]} are ignored" if len(times) > 1 else ""
    return data, (f"schedule.daily_push: renamed, read as study.push_time ({clock_time(times[0])}){extra}; "
                  "rename it in the config",)
