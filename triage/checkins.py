"""When check-ins happen (spec §1 table, §4.1): the first one by level, and the helpers the
follow-up cadence shares.

All times are naive local wall times; the scheduler turns them into instants in the person's
zone.

Counting: the day triage finished is day 0, so "day 3" is three calendar days later and
"+48 h" and "day 2" land on the same date. Day-numbered check-ins (L0, L1) are at 10:00;
hour-based ones (L2, L3, L4) count from the moment triage finished.

Quiet hours: a check-in never lands in them. L3's "+4 h, or 08:00 if that falls in quiet
hours" and L4's "+12 h (daytime)" are the same move, to the morning the quiet period ends,
at 08:00 or at the end of quiet hours if that is later. L2's +24 h gets the same move,
because a check-in at 23:00 helps nobody; it only ever moves a check-in later.
"""

from __future__ import annotations

import datetime as dt

from triage.levels import Level
from triage.quiet import QuietHours

CHECKIN_TIME = dt.time(10, 0)
MORNING = dt.time(8, 0)
DEFAULT_QUIET = QuietHours()

# §1 table and §4.1: hours after triage for L2..L4, day numbers for L0 and L1.
_FIRST_AFTER_HOURS = {Level.L4: 12, Level.L3: 4, Level.L2: 24}
_FIRST_ON_DAY = {Level.L1: 2, Level.L0: 3}


def first_checkin(
    level: Level,
    completed_local: dt.datetime,
    quiet: QuietHours = DEFAULT_QUIET,
) -> dt.datetime:
    """The first check-in after a triage finished at `completed_local` (naive local)."""
    if level in _FIRST_AFTER_HOURS:
        due = completed_local + dt.timedelta(hours=_FIRST_AFTER_HOURS[level])
        return outside_quiet(due, quiet)
    return on_day(completed_local.date(), _FIRST_ON_DAY[level])


def on_day(day_zero: dt.date, n: int) -> dt.datetime:
    """Day `n` counted from `day_zero`, at the check-in time."""
    return dt.datetime.combine(day_zero + dt.timedelta(days=n), CHECKIN_TIME)


def in_quiet(at: dt.time, quiet: QuietHours = DEFAULT_QUIET) -> bool:
    """Whether `at` falls in the quiet period, which may wrap midnight (22:30–07:30)."""
    return quiet.contains(at)


def outside_quiet(moment: dt.datetime, quiet: QuietHours = DEFAULT_QUIET) -> dt.datetime:
    """`moment`, or the morning its quiet period ends when it falls inside one."""
    if not in_quiet(moment.time(), quiet):
        return moment
    start, end = quiet.start, quiet.end
    day = moment.date()
    if start > end and moment.time() >= start:
        day += dt.timedelta(days=1)  # late evening: the quiet period ends tomorrow
    return dt.datetime.combine(day, max(end, MORNING))
