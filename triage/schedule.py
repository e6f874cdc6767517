"""Local schedules: when a planned nudge or check-in happens, in the person's wall-clock time.

Pure values. The scheduler turns them into UTC instants in the person's IANA zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class LocalSchedule:
    """Wall-clock times on a set of local dates.

    `times` happen on every date from `start` to `end` inclusive (open-ended when `end` is
    None) whose weekday (0 = Monday) is in `weekdays` (every day when None). When `dates` is
    given, only those dates count (one-offs such as N_MED_TALK on day 1 and day 4). Dates in
    `skip` never count (a day the plan is already full, `triage.plan_fit`).
    """

    times: tuple[dt.time, ...]
    start: dt.date
    end: dt.date | None = None
    weekdays: frozenset[int] | None = None
    dates: tuple[dt.date, ...] | None = None
    skip: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class PlannedNudge:
    """One nudge of the plan (spec §3.4), by its spec id, with its local schedule.

    `slot` tells apart two messages of one nudge with different words (N_WARMUP's warm-up
    and cool-down, N_CAFF_TRIM's morning cap and afternoon cut-off); None when all slots
    read alike.
    """

    nudge_id: str
    schedule: LocalSchedule
    slot: str | None = None


class ReminderKind(StrEnum):
    """The reminder rows that are not nudges (a nudge's kind is its spec id, N_HYDRATE...)."""

    CHECKIN = "CHECKIN"
    PLAN_END = "PLAN_END"  # the day-14 question "keep a lighter weekly version?" (spec §3.4)


DAILY_CAP = 3
"""At most this many nudge messages a local day (spec §3.4): the plan fits it, the dispatcher
holds it."""

CHECKIN_GAP = dt.timedelta(minutes=60)
"""No nudge within this long of a check-in (spec §3.4)."""

SLEEP = "N_SLEEP"
"""The one nudge that keeps its chosen time inside quiet hours (spec §3.4)."""

CHECKIN = ReminderKind.CHECKIN
PLAN_END = ReminderKind.PLAN_END
NOT_NUDGES = frozenset(ReminderKind)
