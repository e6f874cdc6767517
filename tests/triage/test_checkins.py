"""When the first check-in happens after triage (spec §1 table and §4.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from triage.checkins import first_checkin, in_quiet, outside_quiet
from triage.followup import start_followup
from triage.levels import Level
from triage.outcome import Outcome
from triage.quiet import QuietHours

DAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def days_later(n: int, hour: int, minute: int = 0) -> dt.datetime:
    return at(hour, minute, DAY + dt.timedelta(days=n))


@pytest.mark.parametrize(
    ("level", "completed", "expected"),
    [
        pytest.param(Level.L4, at(9), at(21), id="L4-plus-12h-in-the-evening"),
        pytest.param(Level.L4, at(14), days_later(1, 8), id="L4-at-2am-moves-to-8am"),
        pytest.param(Level.L4, at(2), at(14), id="L4-from-the-night-to-afternoon"),
        pytest.param(Level.L3, at(9), at(13), id="L3-plus-4h"),
        pytest.param(Level.L3, at(18, 29), at(22, 29), id="L3-just-before-quiet-hours"),
        pytest.param(Level.L3, at(18, 30), days_later(1, 8), id="L3-into-quiet-hours-next-day-8am"),
        pytest.param(Level.L3, at(23, 0), days_later(1, 8), id="L3-late-night-next-morning"),
        pytest.param(Level.L3, at(1, 0), at(8), id="L3-after-midnight-same-morning"),
        pytest.param(Level.L3, at(4, 0), at(8), id="L3-at-4am-lands-at-8am-not-7-30"),
        pytest.param(Level.L2, at(9, 15), days_later(1, 9, 15), id="L2-plus-24h"),
        pytest.param(Level.L2, at(23, 0), days_later(2, 8), id="L2-never-at-night"),
        pytest.param(Level.L1, at(9), days_later(2, 10), id="L1-day-2-at-ten"),
        pytest.param(Level.L1, at(23, 50), days_later(2, 10), id="L1-late-triage-still-day-2"),
        pytest.param(Level.L0, at(9), days_later(3, 10), id="L0-day-3-at-ten"),
        pytest.param(Level.L0, at(0, 5), days_later(3, 10), id="L0-just-after-midnight-day-3"),
    ],
)
def test_first_check_in_follows_the_level_cadence(
    level: Level, completed: dt.datetime, expected: dt.datetime
) -> None:
    assert first_checkin(level, completed) == expected


def test_later_quiet_hours_move_an_urgent_check_in_to_their_end() -> None:
    quiet = QuietHours(dt.time(22, 0), dt.time(9, 0))
    assert first_checkin(Level.L3, at(20), quiet) == days_later(1, 9)


def test_a_first_check_in_is_never_earlier_than_the_spec_interval() -> None:
    for level, hours in ((Level.L4, 12), (Level.L3, 4), (Level.L2, 24)):
        for hour in range(24):
            completed = at(hour)
            assert first_checkin(level, completed) >= completed + dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("time", "quiet"),
    [
        pytest.param(dt.time(22, 30), True, id="start-is-quiet"),
        pytest.param(dt.time(3, 0), True, id="small-hours"),
        pytest.param(dt.time(7, 30), False, id="end-is-awake"),
        pytest.param(dt.time(12, 0), False, id="midday"),
    ],
)
def test_default_quiet_hours_wrap_midnight(time: dt.time, quiet: bool) -> None:
    assert in_quiet(time) is quiet


def test_a_daytime_quiet_window_is_left_at_its_end() -> None:
    window = QuietHours(dt.time(13, 0), dt.time(15, 0))
    assert outside_quiet(at(14), window) == at(15)
    assert outside_quiet(at(16), window) == at(16)


@pytest.mark.parametrize("level", [Level.L2, Level.L3, Level.L4])
@pytest.mark.parametrize("finished", [dt.time(19, 0), dt.time(22, 0), dt.time(23, 30)])
def test_a_first_check_in_keeps_out_of_the_persons_own_quiet_hours(
    level: Level, finished: dt.time
) -> None:
    own = QuietHours(dt.time(23, 0), dt.time(9, 0))
    completed = dt.datetime.combine(dt.date(2026, 11, 28), finished)  # a Saturday evening
    outcome = Outcome(level=level, reasons=())
    first = start_followup(outcome, completed, own).next_checkin
    assert first is not None and not own.contains(first.time()), first
