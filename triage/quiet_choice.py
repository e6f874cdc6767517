"""Whether a quiet window a person asks for can be kept: not empty, not longer than 16 hours,
and not one that would swallow every reminder they have (N_SLEEP excepted, spec §3.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from enum import StrEnum

from triage.quiet import QuietHours

LONGEST_QUIET = dt.timedelta(hours=16)


class QuietRefusal(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    SWALLOWS = "swallows"


def refusal(quiet: QuietHours, times: Set[dt.time]) -> QuietRefusal | None:
    """Why `quiet` is refused given the reminders' local `times`, or None when it is fine."""
    day = dt.date(2000, 1, 1)
    length = (dt.datetime.combine(day, quiet.end) - dt.datetime.combine(day, quiet.start)) % (
        dt.timedelta(days=1)
    )
    if length == dt.timedelta(0):
        return QuietRefusal.EMPTY
    if length > LONGEST_QUIET:
        return QuietRefusal.TOO_LONG
    if times and all(quiet.contains(t) for t in times):
        return QuietRefusal.SWALLOWS
    return None
