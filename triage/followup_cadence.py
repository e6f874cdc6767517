"""When the next check-in is (spec §4.1): the cadence by level and flags, the F-T3
confirmation a week after "Gone", and the check-ins a plan is fitted around.

Pure: every function takes the person's local wall time (naive). The choices the spec leaves
open are listed in triage.followup's docstring.
"""

from __future__ import annotations

import datetime as dt

from triage.checkins import on_day, outside_quiet
from triage.followup_state import TWO_WEEKS, WEEK, FollowUpState
from triage.levels import Level


def next_after_answer(
    state: FollowUpState, now_local: dt.datetime, pushed: bool
) -> dt.datetime | None:
    """The next check-in after an answered one: the cadence, and any F-T3 confirmation."""
    cadence = next_by_cadence(state, now_local, pushed)
    if state.gone_since is None or on_day(state.gone_since, 7) <= now_local:
        return cadence
    confirm = on_day(state.gone_since, 7)
    if state.level < Level.L2 or state.seen or cadence is None:
        return confirm
    return min(cadence, confirm)


def next_by_cadence(
    state: FollowUpState, now_local: dt.datetime, pushed: bool
) -> dt.datetime | None:
    """§4.1: the next check-in by level and flags; None when the cadence has run out."""
    today = now_local.date()
    if state.monitoring or (state.seen and state.level >= Level.L2):
        return _weekly(today, state.horizon)
    if state.seen or state.level is Level.L4:
        return None  # L1: "until the user reports being seen"; L4: once
    if state.level is Level.L3:
        due = outside_quiet(now_local + dt.timedelta(hours=24))
        return due if today < state.horizon else None
    if state.level is Level.L2:
        in_two_daily = (today - state.level_since).days < 9
        return on_day(today, 2) if in_two_daily else _weekly(today, state.horizon)
    return _day_numbered(state, today, pushed)


# §4.1 day numbers, counted from level_since (day 0).
_DAYS = {Level.L0: (3, 6, 9, 12, 14), Level.L1: (2, 7, 14)}


def _day_numbered(state: FollowUpState, today: dt.date, pushed: bool) -> dt.datetime | None:
    """L0 and L1: the listed days, F-T1's extra day, F-T2's weekly; L1 then weekly."""
    # L0 ends at day 14, where F-E4 either raised it to L1 or the twitch has gone.
    end = state.level_since + TWO_WEEKS if state.level is Level.L0 else state.horizon
    if state.weekly:
        return _weekly(today, end)
    elapsed = (today - state.level_since).days
    listed = [n for n in _DAYS[state.level] if n > elapsed]
    if not listed:
        return _weekly(today, end) if state.level is Level.L1 else None
    return on_day(state.level_since, listed[0] + (1 if pushed else 0))


def _weekly(today: dt.date, end: dt.date) -> dt.datetime | None:
    """A week from today, never past `end`; None once `end` is reached."""
    if today >= end:
        return None
    return on_day(min(today + WEEK, end), 0)


def expected_checkins(state: FollowUpState) -> tuple[dt.datetime, ...]:
    """The check-ins the cadence brings if nothing changes (local): the nudge plan is fitted
    around them. L0 and L1 by their listed days; other levels by the first one only."""
    if state.next_checkin is None:
        return ()
    if state.level in _DAYS:
        listed = (on_day(state.level_since, n) for n in _DAYS[state.level])
        return tuple(sorted({state.next_checkin, *listed}))
    if state.level is Level.L2:  # +24 h, then every 2 days at 10:00 for the first 9 days
        found, day = [state.next_checkin], state.next_checkin.date()
        while (day - state.level_since).days < 9:
            found.append(on_day(day, 2))
            day += dt.timedelta(days=2)
        return tuple(found)
    return (state.next_checkin,)
