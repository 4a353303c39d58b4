"""Periods and the texts of ``/stats``: read models from ``storage.stats`` rendered from the catalog.

A period is what a secretary types: ``week`` (this week, Monday 00:00 local), ``month`` (this calendar
month), ``YYYY-MM`` (that month), ``all`` (since the beginning).  It becomes a UTC ``Window`` here, in the
branch's timezone, so storage only ever compares UTC instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bot.texts import Catalog, Safe
from bot.words import join_names, source_title, standing_word
from storage.committee import BranchLine
from storage.errors import DomainError
from storage.member_figures import AttendanceWarning, MemberStats
from storage.stats import BranchStats, Window, through

PERIOD_WORDS = {"week": "week", "本周": "week", "周": "week", "month": "month", "本月": "month", "月": "month",
                "all": "all", "全部": "all"}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
DEFAULT_PERIOD = "month"


@dataclass(frozen=True)
class Period:
    kind: str  # week / month / all
    window: Window
    label_start: datetime | None  # local, for the heading
    label_end: datetime  # local, exclusive: the window's end (a period "so far" ends just after now)


class PeriodNotStarted(DomainError):
    """A month typed ahead of time (``/stats 2027-01`` in December): there is nothing to count yet, and an
    empty window drew an inverted heading ("2027-01-01 至 2026-12-31") over last week's chart point (trial T23)."""

    code = "stats_period_not_started"


def _local_midnight(when: datetime) -> datetime:
    return when.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_start(year: int, month: int, tz: tzinfo) -> datetime:
    return datetime(year, month, 1, tzinfo=tz)


def _next_month(start: datetime) -> datetime:
    return start.replace(year=start.year + (start.month // 12), month=start.month % 12 + 1)


def is_period(word: str) -> bool:
    return word.lower() in PERIOD_WORDS or _MONTH.match(word) is not None


def _so_far(kind: str, start: datetime | None, now: datetime, tz: tzinfo) -> Period:
    """A period still running: it ends just after now (``through``), and its heading's last day is today."""
    end = through(now)
    return Period(kind, Window(start, end), start, end.astimezone(tz))


def parse_period(word: str | None, now: datetime, tz: tzinfo) -> Period | None:
    """The period a secretary asked for, or ``None`` when the word is not one (the caller shows usage).

    Raises :class:`PeriodNotStarted` for a month that begins after now: refused, not shown empty."""
    local_now = now.astimezone(tz)
    text = (word or DEFAULT_PERIOD).strip().lower()
    kind = PERIOD_WORDS.get(text)
    if kind == "all":
        return _so_far("all", None, now, tz)
    if kind == "week":
        return _so_far("week", _local_midnight(local_now) - timedelta(days=local_now.weekday()), now, tz)
    if kind == "month":
        return _so_far("month", _month_start(local_now.year, local_now.month, tz), now, tz)
    match = _MONTH.match(text)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return None
    start = _month_start(year, month, tz)
    if start > local_now:
        raise PeriodNotStarted(month=f"{year}-{month:02d}", today=f"{local_now:%Y-%m-%d}")
    end = _next_month(start)
    if end > local_now:  # the month still running is "this month": through now, as ``month`` is
        return _so_far("month", start, now, tz)
    return Period("month", Window(start, end), start, end)


def _last_day(period: Period) -> datetime:
    """The last local day the period holds: its exclusive end, less the stored resolution."""
    return period.label_end - timedelta(microseconds=1)


def period_label(texts: Catalog, lang: str, period: Period) -> str:
    if period.label_start is None:
        return texts.plain("stats.period_all", lang, end=f"{_last_day(period):%Y-%m-%d}")
    return texts.plain("stats.period", lang, start=f"{period.label_start:%Y-%m-%d}",
                       end=f"{_last_day(period):%Y-%m-%d}")


def period_stamp(texts: Catalog, lang: str, period: Period) -> str:
    """The period as a file name carries it (``202603``, ``20260316-20260322``, ``全部-20260410``): two
    exports or charts made the same day for different periods must not share a name, and a saved copy must
    say which month it holds — the export day said neither (trial T16; the chart too, trial T23).  The word
    for "all" is the reader's (a Chinese file name had "all" in it)."""
    last_day = _last_day(period)
    if period.label_start is None:
        return texts.plain("stats.stamp_all", lang, date=f"{last_day:%Y%m%d}")
    if period.kind == "month":
        return f"{period.label_start:%Y%m}"
    return f"{period.label_start:%Y%m%d}-{last_day:%Y%m%d}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def _names(texts: Catalog, lang: str, refs: tuple[object, ...], limit: int = 30) -> str:
    """The listed members, one who joined in the period's last week marked 新加入: not behind, only new (T13)."""
    names = [texts.plain("stats.new_mark", lang, name=getattr(r, "name", str(r))) if getattr(r, "new", False)
             else getattr(r, "name", str(r)) for r in refs]
    if not names:
        return texts.plain("stats.nobody", lang)
    more = len(names) - limit
    if more <= 0:
        return join_names(texts, lang, names)
    # a cut list ends in "and N more": its shown names are all separated alike (not "A and B and 3 more")
    return texts.plain("punct.list_sep", lang).join(names[:limit]) + texts.plain("stats.and_more", lang, count=more)


def render_branch(texts: Catalog, lang: str, stats: BranchStats, period: Period,
                  warnings: list[AttendanceWarning], tz: tzinfo, warning_months: int) -> Safe:
    t = texts.t
    lines = [
        t("stats.header", lang, branch=stats.branch_name, period=period_label(texts, lang, period)),
        t("stats.members", lang, active=stats.active, pending=stats.pending, unreachable=stats.unreachable),
        t("stats.study", lang, read=stats.read, delivered=stats.delivered, rate=percent(stats.read, stats.delivered),
          readers=stats.readers, active=stats.active) if stats.delivered else t("stats.study_none", lang),
        t("stats.quiz", lang, answerers=stats.answerers, active=stats.active, answers=stats.answers,
          accuracy=percent(stats.correct, stats.answers)) if stats.quiz_open else t("stats.quiz_none", lang),
        t("stats.meetings", lang, held=stats.meetings_held, attended=stats.attendances,
          expected=stats.expected_attendances, rate=percent(stats.attendances, stats.expected_attendances),
          leaves=stats.leaves, owed=stats.makeup_owed) if stats.meetings_held else t("stats.meetings_none", lang),
        t("stats.not_studied", lang, count=len(stats.not_studied), names=_names(texts, lang, stats.not_studied)),
    ]
    if stats.quiz_open:  # nobody is behind on questions that were never there to answer
        lines.append(t("stats.not_answered", lang, count=len(stats.not_answered),
                       names=_names(texts, lang, stats.not_answered)))
    if stats.weak_questions:
        lines.append(t("stats.weak_header", lang))
        for index, q in enumerate(stats.weak_questions, 1):
            stem = q.stem if len(q.stem) <= 60 else q.stem[:59] + "…"
            lines.append(t("stats.weak_line", lang, n=index, stem=stem, document=source_title(texts, lang, q.document),
                           wrong=q.wrong, answers=q.answers))
    lines.append(render_warnings(texts, lang, warnings, tz, warning_months))
    lines.append(t("stats.footer", lang))
    return Safe("\n".join(lines))


def render_warnings(texts: Catalog, lang: str, warnings: list[AttendanceWarning], tz: tzinfo, months: int) -> Safe:
    if not warnings:
        return texts.t("stats.warn_none", lang, months=months)
    lines = [texts.t("stats.warn_header", lang, months=months, count=len(warnings))]
    for w in warnings:
        if w.last_attended is not None:
            last = f"{w.last_attended.astimezone(tz):%Y-%m-%d}"
            lines.append(texts.t("stats.warn_line", lang, name=w.name, last=last))
        else:
            lines.append(texts.t("stats.warn_never", lang, name=w.name))
    return Safe("\n".join(lines))


def render_member(texts: Catalog, lang: str, stats: MemberStats, period: Period, tz: tzinfo) -> Safe:
    t = texts.t
    # "最近一次参加：从未参加" read badly (V8): a date has its label, never attending is said as a whole
    last = (texts.plain("stats.last_attended", lang, date=f"{stats.last_attended.astimezone(tz):%Y-%m-%d}")
            if stats.last_attended else texts.plain("stats.never", lang))
    lines = [
        t("stats.member_header", lang, name=stats.name, id=stats.member_id,
          standing=standing_word(texts, lang, stats.status, stats.standing), period=period_label(texts, lang, period)),
        t("stats.member_study", lang, read=stats.read, delivered=stats.delivered, days=stats.study_days),
        t("stats.member_quiz", lang, answers=stats.answers, accuracy=percent(stats.correct, stats.answers)),
    ]
    for doc in stats.by_document:
        lines.append(t("stats.member_doc", lang, document=source_title(texts, lang, doc.document), answers=doc.answers,
                       accuracy=percent(doc.correct, doc.answers)))
    lines.append(t("stats.member_meetings", lang, held=stats.meetings_held, attended=stats.attended,
                   leaves=stats.leaves, absent=stats.absent, last=last))
    return Safe("\n".join(lines))


def render_committee(texts: Catalog, lang: str, rows: list[tuple[BranchLine, int]], period: Period) -> Safe:
    """One line per branch: members, study completion, quiz accuracy, meetings held, attendance, warnings."""
    lines = [texts.t("stats.committee_header", lang, period=period_label(texts, lang, period), count=len(rows))]
    for stats, warned in rows:
        lines.append(texts.t(
            "stats.committee_line", lang, branch=stats.branch_name, active=stats.active,
            study=percent(stats.read, stats.delivered), accuracy=percent(stats.correct, stats.answers),
            held=stats.meetings_held, attendance=percent(stats.attendances, stats.expected_attendances),
            warned=warned))
    return Safe("\n".join(lines))
