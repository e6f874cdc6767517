"""Fitting the nudge plan to the rules it is sent under (spec §3.4 "Global scheduling
constraints"), so that what the result lists is exactly what arrives, and when.

Pure. `plan_nudges` gives every slot the person's answers earn; `fit_plan` keeps, for every
local day of the plan, at most `cap` nudge messages, each at its own minute, outside quiet
hours (N_SLEEP excepted) and never within an hour of a check-in:

1. Each time of each planned nudge is a candidate slot. A slot in quiet hours moves to their
   end; on a date with a check-in (or the day-14 question) within an hour of it, it is
   skipped that day.
2. Slots are taken in rounds, so every nudge the person's own answers earned gets its first
   time before any nudge gets a second; within a round, in `PRIORITY` order: safety first,
   then the nudges tied to a specific trigger, the general water check last.
3. A slot is kept at the first time (its own, then half an hour later, twice) that no kept
   slot shares on any of its dates; on a date already holding `cap` kept slots it is
   skipped (`LocalSchedule.skip`), and it is left out altogether when that would skip more
   than half of its dates. The summary says which days a series skips.

So the dispatcher's cap, quiet hours and check-in gap never have to move or fold a planned
nudge: a digest only happens when the person's own actions (a snooze, a moved time) collide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from triage.quiet import QuietHours
from triage.schedule import CHECKIN_GAP, DAILY_CAP, SLEEP, LocalSchedule, PlannedNudge

SHIFT = dt.timedelta(minutes=30)
SHIFTS = 2

PRIORITY = (
    "N_MED_TALK",
    "N_FLUID_CARE",
    "N_CAFF_PREG",
    "N_CAFF_CUT",
    "N_CAFF_TRIM",
    "N_SLEEP",
    "N_WARMUP",
    "N_HYDRATE_PLUS",
    "N_EYE_BREAK",
    "N_BREATHE",
    "N_ALCOHOL",
    "N_MG_FOOD",
    "N_WORRY",
    "N_HYDRATE",
)


@dataclass(frozen=True)
class _Slot:
    """One time of one planned nudge, and the local dates it fires on."""

    nudge: PlannedNudge
    at: dt.time
    dates: frozenset[dt.date]


def fit_plan(
    planned: Sequence[PlannedNudge],
    quiet: QuietHours,
    checkins: Iterable[dt.datetime] = (),
    cap: int = DAILY_CAP,
) -> tuple[PlannedNudge, ...]:
    """The planned nudges that fit the cap, quiet hours and check-ins (local), at their
    real times."""
    busy = tuple(checkins)
    kept: list[_Slot] = []
    for slot in _in_rounds(planned):
        placed = _place(slot, quiet, busy, kept, cap)
        if placed is not None:
            kept.append(placed)
    return _rebuild(planned, kept)


def _in_rounds(planned: Sequence[PlannedNudge]) -> list[_Slot]:
    """Every time of every nudge, a nudge's n-th time in round n, by priority in a round."""
    ordered: list[tuple[int, int, int, _Slot]] = []
    seen: dict[str, int] = defaultdict(int)
    for index, nudge in enumerate(planned):
        rank = PRIORITY.index(nudge.nudge_id) if nudge.nudge_id in PRIORITY else len(PRIORITY)
        dates = frozenset(fire_dates(nudge.schedule))
        for at in sorted(nudge.schedule.times):
            round_ = seen[nudge.nudge_id]
            seen[nudge.nudge_id] += 1
            ordered.append((round_, rank, index, _Slot(nudge, at, dates)))
    ordered.sort(key=lambda item: item[:3])
    return [slot for *_, slot in ordered]


def _place(
    slot: _Slot, quiet: QuietHours, busy: tuple[dt.datetime, ...], kept: list[_Slot], cap: int
) -> _Slot | None:
    """The slot at its first free minute, without the dates already full or taken by a
    check-in; None if it would lose more than half of its dates."""
    full = {day for day in slot.dates if sum(day in k.dates for k in kept) >= cap}
    at = _clear(slot.nudge.nudge_id, slot.at, quiet)
    for _ in range(SHIFTS + 1):
        clash = any(k.at == at and k.dates & slot.dates for k in kept)
        if not clash:
            dates = slot.dates - full - _near_checkins(slot.dates, at, busy)
            if len(dates) * 2 < len(slot.dates) or not dates:
                return None
            return replace(slot, at=at, dates=frozenset(dates))
        at = _clear(slot.nudge.nudge_id, _plus(at, SHIFT), quiet)
    return None


def _near_checkins(
    dates: frozenset[dt.date], at: dt.time, busy: tuple[dt.datetime, ...]
) -> set[dt.date]:
    """The dates on which `at` falls within an hour of a check-in."""
    return {
        day
        for day in dates
        if any(abs(dt.datetime.combine(day, at) - checkin) < CHECKIN_GAP for checkin in busy)
    }


def _clear(nudge_id: str, at: dt.time, quiet: QuietHours) -> dt.time:
    """`at`, or the end of the quiet hours it falls in (N_SLEEP keeps its time)."""
    if nudge_id == SLEEP or not quiet.contains(at):
        return at
    return quiet.end


def _rebuild(planned: Sequence[PlannedNudge], kept: list[_Slot]) -> tuple[PlannedNudge, ...]:
    """Per original series, its kept times; times that skip different days become series of
    their own. In plan order."""
    found: dict[tuple[int, frozenset[dt.date]], list[dt.time]] = defaultdict(list)
    for slot in kept:
        index = planned.index(slot.nudge)
        skip = frozenset(fire_dates(slot.nudge.schedule)) - slot.dates
        found[(index, skip)].append(slot.at)
    rebuilt = []
    for (index, skip), times in sorted(found.items(), key=lambda item: (item[0][0], min(item[1]))):
        nudge = planned[index]
        schedule = replace(nudge.schedule, times=tuple(sorted(times)), skip=skip)
        rebuilt.append(replace(nudge, schedule=schedule))
    return tuple(rebuilt)


def fire_dates(schedule: LocalSchedule) -> list[dt.date]:
    """The local dates a (bounded) schedule fires on."""
    if schedule.dates is not None:
        days = list(schedule.dates)
    else:
        end = schedule.end or schedule.start
        days = [
            schedule.start + dt.timedelta(days=n) for n in range((end - schedule.start).days + 1)
        ]
    weekdays = schedule.weekdays
    return [
        day
        for day in days
        if (weekdays is None or day.weekday() in weekdays) and day not in schedule.skip
    ]


def _plus(at: dt.time, by: dt.timedelta) -> dt.time:
    moved = dt.datetime.combine(dt.date(2000, 1, 3), at) + by
    return moved.time()
