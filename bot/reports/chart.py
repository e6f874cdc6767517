"""The /history picture: check-in status, the urgency level and nudges per day, drawn on one
shared axis of the person's local dates, rendered to PNG bytes in memory (headless Agg).

The figure is built with matplotlib's object API (no pyplot), so no figure is kept in global
state and a drawing in one thread never touches another.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")  # headless: must be chosen before anything imports pyplot

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.catalogue import Catalogue
from bot.reports.history import History
from triage.followup import Status
from triage.levels import Level

STATUSES = (Status.GONE, Status.BETTER, Status.SAME, Status.WORSE, Status.SPREAD)
COLOURS = {"done": "#2e7d32", "snoozed": "#f9a825", "stopped": "#6d4c41", "unanswered": "#9e9e9e"}
LEVEL_COLOUR = "#c62828"
LINE_COLOUR = "#1565c0"
DPI = 110


def render_chart(history: History, cat: Catalogue) -> bytes:
    """The chart as PNG bytes."""
    figure = Figure(figsize=(10, 8), dpi=DPI, layout="constrained")
    status, level, nudges = figure.subplots(3, 1, sharex=True, height_ratios=(3, 3, 2))
    opened = history.opened.strftime("%d %b %Y")
    figure.suptitle(cat.text("history.chart.title", opened=opened), fontsize=14)
    _status_panel(status, history, cat)
    _level_panel(level, history, cat)
    _nudge_panel(nudges, history, cat)
    _date_axis(nudges, history)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _wall(moment: dt.datetime) -> float:
    """Local wall time without the zone, so the axis shows the person's own dates."""
    return float(mdates.date2num(moment.replace(tzinfo=None)))  # type: ignore[no-untyped-call]


def _status_panel(axes: Axes, history: History, cat: Catalogue) -> None:
    points = history.statuses
    x = [_wall(p.at) for p in points]
    y = [STATUSES.index(Status(p.status)) for p in points if p.status]
    axes.plot(x, y, marker="o", markersize=8, linewidth=2, color=LINE_COLOUR)
    alarms = [_wall(p.at) for p in history.checkins if p.safety_positive]
    if alarms:
        axes.scatter(
            alarms,
            [len(STATUSES) - 0.6] * len(alarms),
            marker="^",
            s=90,
            color=LEVEL_COLOUR,
            label=cat.text("history.chart.safety"),
            zorder=3,
        )
        axes.legend(loc="upper left", fontsize=9, frameon=False)
    labels = [cat.text(f"checkin.status.options.{s.value}") for s in STATUSES]
    axes.set_yticks(range(len(STATUSES)), labels)
    axes.set_ylim(-0.5, len(STATUSES) - 0.3)
    axes.set_title(cat.text("history.chart.status"), loc="left", fontsize=11)
    axes.grid(axis="y", alpha=0.3)


def _level_panel(axes: Axes, history: History, cat: Catalogue) -> None:
    marks = history.levels
    x = [_wall(m.at) for m in marks] + [_wall(history.closed or history.now)]
    y = [m.level.rank for m in marks]
    axes.step(x, [*y, y[-1]] if y else [], where="post", linewidth=2.5, color=LEVEL_COLOUR)
    axes.scatter([_wall(m.at) for m in marks], y, color=LEVEL_COLOUR, s=30, zorder=3)
    levels = list(Level)
    axes.set_yticks(range(len(levels)), [cat.text(f"level.{lv.value}.name") for lv in levels])
    axes.set_ylim(-0.5, len(levels) - 0.5)
    axes.set_title(cat.text("history.chart.level"), loc="left", fontsize=11)
    axes.grid(axis="y", alpha=0.3)


def _nudge_panel(axes: Axes, history: History, cat: Catalogue) -> None:
    days = [_wall(dt.datetime.combine(day.day, dt.time(12))) for day in history.nudges]
    bottom = [0] * len(days)
    for kind in COLOURS:
        counts = [getattr(day, kind) for day in history.nudges]
        axes.bar(
            days,
            counts,
            width=0.7,
            bottom=bottom,
            color=COLOURS[kind],
            label=cat.text(f"history.chart.{kind}"),
        )
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_title(cat.text("history.chart.nudges"), loc="left", fontsize=11)
    axes.legend(loc="upper right", fontsize=9, ncols=4, frameon=False)
    axes.set_ylim(0, max([*bottom, 1]) + 1.5)
    axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)


def _date_axis(axes: Axes, history: History) -> None:
    start = _wall(history.opened.replace(hour=0, minute=0, second=0, microsecond=0))
    end = _wall(history.closed or history.now) + 0.5  # matplotlib counts in days
    axes.set_xlim(start, max(end, start + 2))
    axes.xaxis.set_major_locator(mdates.DayLocator(interval=_step(end - start)))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="x", labelrotation=45)


def _step(days: float) -> int:
    """Days between date labels: about fifteen labels at most."""
    return max(1, int(days) // 15 + 1)
