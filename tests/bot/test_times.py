"""Times typed the way people type them, in 12- or 24-hour form."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.times import parse_time, parse_times


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18:45", dt.time(18, 45)),
        ("18.45", dt.time(18, 45)),
        ("18h45", dt.time(18, 45)),
        ("6:45pm", dt.time(18, 45)),
        ("6:45 PM", dt.time(18, 45)),
        ("6.45 p.m.", dt.time(18, 45)),
        ("7am", dt.time(7)),
        ("7 a.m.", dt.time(7)),
        ("12am", dt.time(0)),
        ("12:30pm", dt.time(12, 30)),
        ("noon", dt.time(12)),
        ("midnight", dt.time(0)),
        ("07:05", dt.time(7, 5)),
    ],
)
def test_a_time_typed_in_12_or_24_hour_form_is_read(typed: str, expected: dt.time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["7", "13pm", "0am", "25:00", "18:60", "7:5", "soon", ""])
def test_something_that_is_not_a_clear_time_is_refused(typed: str) -> None:
    assert parse_time(typed) is None


def test_several_times_are_read_in_any_mix_of_forms() -> None:
    assert parse_times("8am, 1:30pm and 18:30") == [dt.time(8), dt.time(13, 30), dt.time(18, 30)]
    assert parse_times("6:45 pm 21.00") == [dt.time(18, 45), dt.time(21)]


@pytest.mark.parametrize("typed", ["8am 9", "at 8am", "8am, 25:00", "", "and"])
def test_a_list_with_anything_but_times_in_it_is_refused(typed: str) -> None:
    assert parse_times(typed) is None
