"""The `reminders.schedule` JSON column: the core's `LocalSchedule` and the plan slot it fills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

from triage.schedule import LocalSchedule


class ReminderSchedule(NamedTuple):
    """What a reminder row's `schedule` holds: when it fires, and the slot of the plan it
    fills ("warm-up", "cool-down"...; None for a reminder outside a plan's slots)."""

    schedule: LocalSchedule
    slot: str | None = None


def schedule_to_json(value: ReminderSchedule) -> dict[str, object]:
    """The JSON stored in `reminders.schedule`."""
    schedule, slot = value
    data: dict[str, object] = {
        "times": [t.isoformat(timespec="minutes") for t in schedule.times],
        "start": schedule.start.isoformat(),
        "end": schedule.end.isoformat() if schedule.end else None,
        "weekdays": sorted(schedule.weekdays) if schedule.weekdays is not None else None,
        "dates": [d.isoformat() for d in schedule.dates] if schedule.dates is not None else None,
        "slot": slot,
    }
    if schedule.skip:
        data["skip"] = [d.isoformat() for d in sorted(schedule.skip)]
    return data


def schedule_from_json(data: Mapping[str, object]) -> ReminderSchedule:
    """The inverse of `schedule_to_json`: the schedule and its slot."""
    times, weekdays, dates = data["times"], data.get("weekdays"), data.get("dates")
    end, slot = data.get("end"), data.get("slot")
    schedule = LocalSchedule(
        times=tuple(dt.time.fromisoformat(str(t)) for t in _items(times)),
        start=dt.date.fromisoformat(str(data["start"])),
        end=dt.date.fromisoformat(str(end)) if end else None,
        weekdays=frozenset(int(str(d)) for d in _items(weekdays)) if weekdays is not None else None,
        dates=tuple(dt.date.fromisoformat(str(d)) for d in _items(dates))
        if dates is not None
        else None,
        skip=frozenset(dt.date.fromisoformat(str(d)) for d in _items(data.get("skip"))),
    )
    return ReminderSchedule(schedule, str(slot) if slot is not None else None)


def one_off(at_local: dt.datetime) -> LocalSchedule:
    """A schedule firing once, at a naive local wall time."""
    day = at_local.date()
    return LocalSchedule(times=(at_local.time(),), start=day, end=day, dates=(day,))


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
