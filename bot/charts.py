"""The ``/chart`` picture: weekly study completion, quiz accuracy and attendance rate, as a PNG.

Why a shipped font: the chart's words are Chinese, and a server rarely has a CJK font installed; without
one matplotlib draws empty boxes and warns.  zhibu ships Noto Sans CJK SC (SIL Open Font License, subset
to the GBK character set, ``bot/fonts/``) and registers it with matplotlib's font manager once, by file,
so the chart looks the same on a laptop, in CI and in the Docker image.  Drawing uses the Agg backend on
a private ``Figure`` (no pyplot global state), so charts can be drawn from worker threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.texts import Catalog
from storage.scope import Scope

if TYPE_CHECKING:
    from bot.stats_view import Period

MAX_WEEKS = 26

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular.otf"


@dataclass(frozen=True)
class ChartLabels:
    title: str
    study: str
    accuracy: str
    attendance: str
    y_axis: str
    no_data: str


@dataclass(frozen=True)
class ChartPoint:
    week_start: datetime  # local
    study: float | None  # 0..1, None when nothing was delivered that week
    accuracy: float | None
    attendance: float | None


@cache
def font_family() -> str:
    """Register the shipped CJK font with matplotlib (once per process) and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE)).get_name()


def draw_weekly(points: Sequence[ChartPoint], labels: ChartLabels) -> bytes:
    """A PNG of the three weekly rates (percent); gaps where a week had nothing to measure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = font_family()
    figure = Figure(figsize=(8, 4.5), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = list(range(len(points)))
    series = ((labels.study, [p.study for p in points], "#c0392b", "o"),
              (labels.accuracy, [p.accuracy for p in points], "#2471a3", "s"),
              (labels.attendance, [p.attendance for p in points], "#7d8c22", "^"))
    drawn = False
    for name, values, colour, marker in series:
        ys = [v * 100 if v is not None else float("nan") for v in values]
        if any(v is not None for v in values):
            drawn = True
        axes.plot(xs, ys, label=name, color=colour, marker=marker, linewidth=2)
    axes.set_ylim(0, 105)
    axes.set_ylabel(labels.y_axis, fontfamily=family)
    step = max(1, -(-len(points) // 13))  # at most 13 dates under the axis: half a year stays legible
    axes.set_xticks(xs[::step], [f"{p.week_start:%m-%d}" for p in points][::step], fontfamily=family)
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(labels.title, fontfamily=family, fontsize=13)
    if drawn:
        axes.legend(prop={"family": family}, loc="lower left")
    else:
        axes.text(0.5, 0.5, labels.no_data, transform=axes.transAxes, ha="center", va="center",
                  fontfamily=family, fontsize=12, color="#666666")
    for tick in axes.get_yticklabels():
        tick.set_fontfamily(family)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def week_starts(period: Period, tz: tzinfo, since: datetime | None = None) -> list[datetime]:
    """The local Mondays covering the period (the latest ``MAX_WEEKS`` of them), from the week the branch
    started (``since``) at the earliest: weeks before it existed would only draw empty gaps (V7)."""
    end = period.window.end.astimezone(tz)
    first = period.label_start or (end - timedelta(weeks=MAX_WEEKS))
    if since is not None:
        first = max(first, min(since.astimezone(tz), end))
    monday = (first - timedelta(days=first.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts: list[datetime] = []
    while monday < end:
        starts.append(monday)
        monday += timedelta(weeks=1)
    return starts[-MAX_WEEKS:]


def branch_chart(*, session: Session, scope: Scope, branch_id: int, branch_name: str, period: Period, now: datetime,
                 tz: tzinfo,
                 texts: Catalog, lang: str) -> bytes:
    """Query the weekly series and draw it (one worker-thread call from the bot or the command line)."""
    from storage.stats import branch_started, weekly_series

    starts = week_starts(period, tz, branch_started(session, branch_id))
    points = weekly_series(session=session, scope=scope, branch_id=branch_id, starts=starts, end=period.window.end,
                           now=now)
    chart_points = [ChartPoint(
        week_start=p.start.astimezone(tz),
        study=p.read / p.delivered if p.delivered else None,
        accuracy=p.correct / p.answers if p.answers else None,
        attendance=p.attendances / p.expected_attendances if p.expected_attendances else None,
    ) for p in points]
    word = texts.plain
    labels = ChartLabels(title=word("stats.chart_title", lang, branch=branch_name),
                         study=word("stats.chart_study", lang), accuracy=word("stats.chart_accuracy", lang),
                         attendance=word("stats.chart_attendance", lang), y_axis=word("stats.chart_axis", lang),
                         no_data=word("stats.chart_no_data", lang))
    return draw_weekly(chart_points, labels)

