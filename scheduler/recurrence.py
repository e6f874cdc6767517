"""Recurrence: the next occurrence of a local schedule, in the person's IANA zone.

APScheduler's `CronTrigger` is used as a pure function (no job store, DESIGN.md decision 4).
It is evaluated on *wall-clock* time (a trigger in UTC over naive local times), and this
module then places each wall time in the zone itself, because a zone-aware `CronTrigger`
3.11 mishandles both DST switches: a wall time missing on the spring-forward day fires an
hour late, and on the fall-back day it yields the repeated hour twice (and, asked from
inside the repeated hour, can return an instant before the one it was asked about).

The rules here, and the reason for each:
- The occurrence key is the local wall time ("YYYY-MM-DDTHH:MM"). Deliveries are unique on
  it, so one wall time is one occurrence, whatever the zone does.
- A wall time in the repeated hour of a fall-back day means its first instant (fold 0); the
  second instant has the same key and is never offered again.
- A wall time in the missing hour of a spring-forward day fires once, at the first instant
  after the gap (03:00 in Berlin for a 02:30 nudge), not an hour late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from triage.schedule import LocalSchedule

__all__ = [
    "Occurrence",
    "next_occurrence",
    "occurrence_for_key",
    "resolve_wall",
]

KEY_FORMAT = "%Y-%m-%dT%H:%M"
_TICK = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Occurrence:
    """One firing of a schedule: its UTC instant, its wall-time key, its local time."""

    due_at: dt.datetime
    key: str
    local: dt.datetime


def next_occurrence(schedule: LocalSchedule, tz: str, after: dt.datetime) -> Occurrence | None:
    """The first occurrence strictly after `after` (aware); None when the schedule has ended."""
    zone = ZoneInfo(tz)
    wall = after.astimezone(zone).replace(tzinfo=None)
    while (candidate := _next_wall(schedule, wall)) is not None:
        due_at = resolve_wall(candidate, zone)
        # Asked from the second pass of a repeated hour, the wall clock has gone back: wall
        # times already fired at their first instant come up again and are passed over.
        if due_at > after:
            return Occurrence(due_at, candidate.strftime(KEY_FORMAT), due_at.astimezone(zone))
        wall = candidate
    return None


def occurrence_for_key(key: str, tz: str) -> Occurrence:
    """The occurrence a stored key names, placed in `tz`."""
    zone = ZoneInfo(tz)
    due_at = resolve_wall(dt.datetime.strptime(key, KEY_FORMAT), zone)  # noqa: DTZ007 (wall time)
    return Occurrence(due_at, key, due_at.astimezone(zone))


def resolve_wall(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a naive wall time: the first pass of a repeated time, the end of
    the gap for a missing one."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    before_gap = wall.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    return _gap_end(before_gap, first, zone)


def _gap_end(low: dt.datetime, high: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first instant in (low, high] carrying the offset `high` has: the zone's switch."""
    offset = high.astimezone(zone).utcoffset()
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _next_wall(schedule: LocalSchedule, wall: dt.datetime) -> dt.datetime | None:
    """The first wall time of the schedule strictly after the naive wall time `wall`."""
    while True:
        floating = wall.replace(tzinfo=dt.UTC) + _TICK
        fires = (t.get_next_fire_time(None, floating) for t in _triggers(schedule))
        found = [f for f in fires if f is not None]
        if not found:
            return None
        wall = min(found).replace(tzinfo=None)
        if wall.date() not in schedule.skip:
            return wall


@cache
def _triggers(schedule: LocalSchedule) -> tuple[CronTrigger, ...]:
    """One wall-clock cron trigger per time (or per date and time for one-off dates)."""
    start = dt.datetime.combine(schedule.start, dt.time(), dt.UTC)
    end = dt.datetime.combine(schedule.end, dt.time.max, dt.UTC) if schedule.end else None
    weekdays = schedule.weekdays
    days = ",".join(str(d) for d in sorted(weekdays)) if weekdays is not None else None
    if schedule.dates is None:
        return tuple(_cron(t, start, end, day_of_week=days) for t in schedule.times if days != "")
    dates = [d for d in schedule.dates if weekdays is None or d.weekday() in weekdays]
    return tuple(
        _cron(t, start, end, year=d.year, month=d.month, day=d.day)
        for d in dates
        for t in schedule.times
    )


def _cron(
    at: dt.time, start: dt.datetime, end: dt.datetime | None, **fields: int | str | None
) -> CronTrigger:
    return CronTrigger(
        hour=at.hour,
        minute=at.minute,
        second=at.second,
        start_date=start,
        end_date=end,
        timezone=dt.UTC,
        **fields,
    )
