"""Next occurrences in the person's zone, across DST switches, for every schedule shape."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.recurrence import next_occurrence
from storage.schedules import ReminderSchedule, schedule_from_json, schedule_to_json
from triage.schedule import LocalSchedule

UTC = dt.UTC


def daily(*times: str, start: str = "2026-01-01", **rest: object) -> LocalSchedule:
    return LocalSchedule(
        times=tuple(dt.time.fromisoformat(t) for t in times),
        start=dt.date.fromisoformat(start),
        **rest,  # type: ignore[arg-type]
    )


def at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(UTC)


def fires(schedule: LocalSchedule, tz: str, after: str, count: int) -> list[tuple[str, str]]:
    """(key, UTC instant) of the next `count` occurrences after `after`."""
    out: list[tuple[str, str]] = []
    moment = at(after)
    for _ in range(count):
        found = next_occurrence(schedule, tz, moment)
        if found is None:
            break
        out.append((found.key, found.due_at.strftime("%Y-%m-%dT%H:%M")))
        moment = found.due_at
    return out


DST_CASES = [
    pytest.param(
        "Europe/Berlin",
        "02:30",
        "2026-03-28T12:00+00:00",
        [("2026-03-29T02:30", "2026-03-29T01:00"), ("2026-03-30T02:30", "2026-03-30T00:30")],
        id="berlin-spring-forward-missing-time-fires-once-at-gap-end",
    ),
    pytest.param(
        "Europe/Berlin",
        "02:30",
        "2026-10-24T12:00+00:00",
        [("2026-10-25T02:30", "2026-10-25T00:30"), ("2026-10-26T02:30", "2026-10-26T01:30")],
        id="berlin-fall-back-repeated-time-fires-once",
    ),
    pytest.param(
        "Europe/Berlin",
        "10:00",
        "2026-03-28T12:00+00:00",
        [("2026-03-29T10:00", "2026-03-29T08:00"), ("2026-03-30T10:00", "2026-03-30T08:00")],
        id="berlin-spring-forward-morning-keeps-local-time",
    ),
    pytest.param(
        "America/New_York",
        "02:30",
        "2026-03-07T12:00+00:00",
        [("2026-03-08T02:30", "2026-03-08T07:00"), ("2026-03-09T02:30", "2026-03-09T06:30")],
        id="new-york-spring-forward-missing-time-fires-once-at-gap-end",
    ),
    pytest.param(
        "America/New_York",
        "01:30",
        "2026-10-31T12:00+00:00",
        [("2026-11-01T01:30", "2026-11-01T05:30"), ("2026-11-02T01:30", "2026-11-02T06:30")],
        id="new-york-fall-back-repeated-time-fires-once",
    ),
    pytest.param(
        "Australia/Lord_Howe",
        "02:15",
        "2026-10-03T00:00+00:00",
        [("2026-10-04T02:15", "2026-10-03T15:30"), ("2026-10-05T02:15", "2026-10-04T15:15")],
        id="lord-howe-half-hour-spring-forward-fires-at-gap-end",
    ),
    pytest.param(
        "Australia/Lord_Howe",
        "01:45",
        "2026-04-04T00:00+00:00",
        [("2026-04-05T01:45", "2026-04-04T14:45"), ("2026-04-06T01:45", "2026-04-05T15:15")],
        id="lord-howe-half-hour-fall-back-repeated-time-fires-once",
    ),
    pytest.param(
        "Asia/Kolkata",
        "10:00",
        "2026-03-28T12:00+00:00",
        [("2026-03-29T10:00", "2026-03-29T04:30"), ("2026-03-30T10:00", "2026-03-30T04:30")],
        id="kolkata-no-switch-steady-offset",
    ),
]


@pytest.mark.parametrize(("tz", "time", "after", "expected"), DST_CASES)
def test_occurrences_keep_local_wall_time_across_dst(
    tz: str, time: str, after: str, expected: list[tuple[str, str]]
) -> None:
    assert fires(daily(time), tz, after, 2) == expected


@pytest.mark.parametrize(
    ("tz", "inside_second_pass", "expected"),
    [
        # 02:10 CET, the second pass: 02:05 already fired at 00:05 UTC (first pass).
        pytest.param("Europe/Berlin", "2026-10-25T01:10+00:00", "2026-10-26T01:05", id="berlin"),
        # 01:10 EST, the second pass: 01:05 already fired at 05:05 UTC; 02:05 comes once.
        pytest.param(
            "America/New_York", "2026-11-01T06:10+00:00", "2026-11-01T02:05", id="new-york"
        ),
    ],
)
def test_asked_from_the_second_pass_of_a_repeated_hour_no_time_is_offered_again(
    tz: str, inside_second_pass: str, expected: str
) -> None:
    found = next_occurrence(daily("01:05", "02:05"), tz, at(inside_second_pass))
    assert found is not None
    assert found.key == expected
    assert found.due_at > at(inside_second_pass)


def test_weekday_schedule_fires_only_on_those_days() -> None:
    workouts = daily("17:00", "18:45", weekdays=frozenset({0, 2, 4}))  # Mon, Wed, Fri
    keys = [k for k, _ in fires(workouts, "Europe/Berlin", "2026-06-01T00:00+00:00", 6)]
    assert keys == [
        "2026-06-01T17:00", "2026-06-01T18:45",
        "2026-06-03T17:00", "2026-06-03T18:45",
        "2026-06-05T17:00", "2026-06-05T18:45",
    ]  # fmt: skip


def test_dated_one_offs_fire_on_those_dates_and_then_end() -> None:
    talks = daily("10:00", dates=(dt.date(2026, 6, 1), dt.date(2026, 6, 4)))
    keys = [k for k, _ in fires(talks, "Asia/Kolkata", "2026-05-01T00:00+00:00", 5)]
    assert keys == ["2026-06-01T10:00", "2026-06-04T10:00"]


def test_dates_outside_the_weekdays_do_not_fire() -> None:
    talks = daily(
        "10:00", dates=(dt.date(2026, 6, 1), dt.date(2026, 6, 2)), weekdays=frozenset({1})
    )
    assert [k for k, _ in fires(talks, "UTC", "2026-05-01T00:00+00:00", 5)] == ["2026-06-02T10:00"]


def test_a_schedule_ends_after_its_end_date() -> None:
    fortnight = daily("10:00", "15:00", start="2026-06-01", end=dt.date(2026, 6, 14))
    found = fires(fortnight, "Europe/Berlin", "2026-05-31T00:00+00:00", 40)
    assert len(found) == 28
    assert found[-1][0] == "2026-06-14T15:00"


def test_nothing_fires_before_the_start_date() -> None:
    later = daily("10:00", start="2026-07-01")
    assert fires(later, "UTC", "2026-06-01T00:00+00:00", 1) == [
        ("2026-07-01T10:00", "2026-07-01T10:00")
    ]


def test_next_occurrence_is_strictly_after_the_given_instant() -> None:
    found = next_occurrence(daily("10:00"), "UTC", at("2026-06-01T10:00+00:00"))
    assert found is not None and found.key == "2026-06-02T10:00"


def test_local_time_is_in_the_person_zone() -> None:
    found = next_occurrence(daily("10:00"), "Asia/Kolkata", at("2026-06-01T00:00+00:00"))
    assert found is not None
    assert (found.local.hour, found.local.minute, found.local.utcoffset()) == (
        10, 0, dt.timedelta(hours=5, minutes=30),
    )  # fmt: skip


@pytest.mark.parametrize(
    "schedule",
    [
        pytest.param(daily("10:00", "15:00"), id="daily"),
        pytest.param(
            daily("17:00", weekdays=frozenset({0, 2}), end=dt.date(2026, 2, 1)), id="weekdays-end"
        ),
        pytest.param(daily("10:00", dates=(dt.date(2026, 1, 1), dt.date(2026, 1, 4))), id="dates"),
    ],
)
def test_schedules_survive_the_json_round_trip(schedule: LocalSchedule) -> None:
    assert schedule_from_json(schedule_to_json(ReminderSchedule(schedule, "cool-down"))) == (
        schedule,
        "cool-down",
    )
