"""Reading what a secretary types about a meeting: the one-line form, a start time, an edit.

The one-line form is ``kind | start | place | topic`` and optional parts in any order: ``每月`` / ``monthly``,
``90分钟`` / ``90m``, ``主持 王明洲``, ``记录 李四``, ``议程 …``, ``材料 <title>`` (once per study material),
``支委`` / ``committee``, ``小组 第一党小组``, ``人员 3,5,8`` (member ids).  ``|`` or ``｜`` separate the parts,
so places and topics may contain spaces.  Times are local (the branch timezone) and become aware UTC here.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.commands import UsageError
from bot.texts import Alternatives, Catalog, Safe
from bot.words import kind_word
from storage.meetings import MeetingSpec, clean_text
from storage.models import Audience, MeetingKind

KINDS: tuple[str, ...] = tuple(k.value for k in MeetingKind)
KIND_WORDS = {
    **{k: k for k in KINDS},
    "支部党员大会": MeetingKind.GENERAL.value, "general": MeetingKind.GENERAL.value,
    "支部委员会": MeetingKind.COMMITTEE.value, "committee": MeetingKind.COMMITTEE.value,
    "group": MeetingKind.GROUP.value, "lecture": MeetingKind.LECTURE.value, "themeday": MeetingKind.THEME_DAY.value,
    "other": MeetingKind.OTHER.value,
}
EDIT_WORDS = {
    "时间": "starts_at", "time": "starts_at", "地点": "place", "place": "place", "主题": "topic", "topic": "topic",
    "议程": "agenda", "agenda": "agenda", "主持": "host", "host": "host", "记录": "recorder", "recorder": "recorder",
    "时长": "duration", "duration": "duration", "材料": "materials", "material": "materials",
    "取消": "cancel", "cancel": "cancel", "跳过": "cancel", "skip": "cancel",
}
DEFAULT_MINUTES = {MeetingKind.COMMITTEE.value: 60, MeetingKind.GROUP.value: 60}
_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?\s*[ T]?\s*(\d{1,2})[:：点](\d{2})分?$")
MIN_MINUTES, MAX_MINUTES = 5, 24 * 60  # a meeting's duration, in minutes
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:分钟|min|m)$")


class FormError(Exception):
    """What was typed cannot be read; ``code`` names a catalog text ``mtg.form.<code>``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def clean(text: str) -> str:
    return clean_text(text) or ""


def _check_exists(text: str, year: int, month: int, day: int, hour: int, minute: int) -> None:
    """A well-formed date that names no real day (2026-02-30, 13月, 25:00) is told as such: "看不懂" sent
    the secretary looking for a typing mistake in the format when the day itself was wrong (trial T21)."""
    if not 1 <= month <= 12:
        raise FormError("no_month", text=text, month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise FormError("no_day", text=text, year=year, month=month, day=day, last=last)
    if hour > 23 or minute > 59:
        raise FormError("no_clock", text=text, clock=f"{hour}:{minute:02d}")


def parse_start(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """``2026-04-15 14:30`` (also ``4-15 14:30``, ``2026年4月15日 14:30``), local → UTC, in the future."""
    match = _DATE.match(text.strip())
    if match is None:
        raise FormError("bad_time", text=text)
    year_text, month, day, hour, minute = match.groups()
    local_now = now.astimezone(tz)
    year = int(year_text) if year_text else local_now.year
    _check_exists(text, year, int(month), int(day), int(hour), int(minute))
    try:
        local = datetime(year, int(month), int(day), int(hour), int(minute), tzinfo=tz)
        if not year_text and local < local_now:
            local = local.replace(year=year + 1)
    except ValueError:  # 2-29 without a year, rolled into a year that has none
        raise FormError("no_day", text=text, year=year + 1, month=int(month), day=int(day),
                        last=calendar.monthrange(year + 1, int(month))[1]) from None
    moment = local.astimezone(ZoneInfo("UTC"))
    if moment <= now:
        raise FormError("past", text=text)
    return moment


def example_start(now: datetime, tz: ZoneInfo) -> str:
    """A start time to show as an example: a week from today at 14:30 — one the form accepts as typed (a
    fixed 2026-04-15 was in the past for a branch starting in December, trial T5)."""
    return f"{(now.astimezone(tz) + timedelta(days=7)):%Y-%m-%d} 14:30"


def error_text(texts: Catalog, lang: str, exc: FormError, now: datetime, tz: ZoneInfo,
               meeting_id: int | None = None) -> Safe:
    """A form error as the reader sees it: with a dated example from today, and for a field typed without
    a value (``/meeting 2 地点``) that field's own example."""
    example = example_start(now, tz)
    if exc.code == "no_value":
        field = str(exc.params["field"])
        sample = example if field == "starts_at" else texts.plain(f"mtg.form.sample.{field}", lang)
        return texts.t("mtg.form.no_value", lang, word=exc.params["word"], id=meeting_id or "", sample=sample,
                       what=texts.plain(f"mtg.form.what.{field}", lang))
    return texts.t(f"mtg.form.{exc.code}", lang, example=example, **exc.params)


def kind_of(line: str) -> str | None:
    """The meeting kind when ``line`` is nothing but a kind word (``党课``, ``lecture``), else ``None``."""
    return KIND_WORDS.get(clean(line).lower()) if line.strip() else None


def spec_for(kind: str, topic: str, start: datetime, place: str, **extra: object) -> MeetingSpec:
    audience = Audience.COMMITTEE if kind == MeetingKind.COMMITTEE.value else Audience.BRANCH
    values: dict[str, object] = {"audience": audience, "duration_minutes": DEFAULT_MINUTES.get(kind, 90)}
    values.update(extra)
    return MeetingSpec(kind=kind, topic=topic, starts_at=start, place=place, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Parsed:
    spec: MeetingSpec
    monthly: bool


def parse_line(line: str, tz: ZoneInfo, now: datetime) -> Parsed:
    """The one-line form.  A kind or a time that cannot be read is named before any missing part (trial T5:
    ``主题党日 | 明天 | 三楼会议室`` was told only the general format, where the guided form says 看不懂「明天」)."""
    parts = [clean(p) for p in re.split(r"[|｜]", line)]
    kind = KIND_WORDS.get(parts[0].lower())
    if kind is None and parts[0]:
        raise FormError("bad_kind", kind=parts[0], kinds=Alternatives(KINDS))
    start = parse_start(parts[1], tz, now) if len(parts) > 1 and parts[1] else None
    if len(parts) < 4 or not all(parts[:4]) or kind is None or start is None:
        raise FormError("too_short")
    extra: dict[str, object] = {}
    materials: list[str] = []
    monthly = False
    for part in parts[4:]:
        word, _, rest = part.partition(" ")
        minutes = _MINUTES.match(part)
        if part in ("每月", "monthly"):
            monthly = True
        elif minutes:
            extra["duration_minutes"] = max(MIN_MINUTES, min(int(minutes.group(1)), MAX_MINUTES))
        elif part in ("支委", "committee"):
            extra["audience"] = Audience.COMMITTEE
        elif word in ("小组", "group") and rest.strip():
            extra["audience"], extra["audience_group"] = Audience.GROUP, rest.strip()[:32]
        elif word in ("材料", "material") and rest.strip():
            materials.append(rest.strip()[:500])
        elif word in ("人员", "members") and rest.strip():
            ids = re.findall(r"\d{1,9}", rest)
            if not ids:
                raise FormError("bad_part", part=part)
            extra["audience"], extra["audience_ids"] = Audience.LIST, tuple(int(i) for i in ids)
        elif word in ("主持", "host", "记录", "recorder", "议程", "agenda") and rest.strip():
            extra[EDIT_WORDS[word]] = rest.strip()[:4000 if word in ("议程", "agenda") else 64]
        elif part:
            raise FormError("bad_part", part=part)
    if materials:
        extra["materials"] = tuple(materials)
    return Parsed(spec_for(kind, parts[3][:500], start, parts[2][:255], **extra), monthly)


def parse_edit(args: list[str], tz: ZoneInfo, now: datetime) -> tuple[str, str | datetime | int]:
    """``时间 2026-03-26 15:00`` / ``地点 …`` / ``时长 60`` / ``取消`` → (field, value).

    A time or duration that reads but cannot be (past, unreadable, ``时长 0``) raises :class:`FormError`
    naming that problem; an unknown field or an empty value is a usage error (trial V14)."""
    field_name = EDIT_WORDS.get(args[0].lower())
    value = clean(" ".join(args[1:]))
    if field_name is None:
        raise UsageError()
    if field_name != "cancel" and not value:  # the field was right, its value missing (trial T4)
        raise FormError("no_value", word=args[0], field=field_name)
    if field_name == "cancel":
        return field_name, ""
    if field_name == "starts_at":
        return field_name, parse_start(value, tz, now)
    if field_name == "duration":
        minutes = _MINUTES.match(value) or re.fullmatch(r"(\d{1,4})", value)
        if minutes is None or not MIN_MINUTES <= int(minutes.group(1)) <= MAX_MINUTES:
            raise FormError("bad_duration", text=value, low=MIN_MINUTES, high=MAX_MINUTES)
        return field_name, int(minutes.group(1))
    return field_name, value


def kind_keyboard(texts: Catalog, lang: str) -> InlineKeyboardMarkup:
    """The kinds in the reader's language (the button carries the kind's index, so the label is display
    only), two a row: the English names are long."""
    buttons = [InlineKeyboardButton(kind_word(texts, lang, kind),
                                    callback_data=CallbackData("mt", "wk", (str(i),)).encode())
               for i, kind in enumerate(KINDS)]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def repeat_keyboard(texts: Catalog, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.plain("mtg.btn.once", lang),
                             callback_data=CallbackData("mt", "wr", ("0",)).encode()),
        InlineKeyboardButton(texts.plain("mtg.btn.monthly", lang),
                             callback_data=CallbackData("mt", "wr", ("1",)).encode()),
    ]])

