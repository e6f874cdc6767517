"""What a person's next typed message answers, as stored on their row."""

from __future__ import annotations

import pytest

from bot.awaiting import Awaiting, parse, says_back


def test_the_stored_values_are_the_ones_rows_already_hold() -> None:
    assert sorted(Awaiting) == sorted(
        ["tz", "country", "country:t", "quiet", "bedtime", "workout_time", "time:"]
    )


def test_a_new_time_names_its_series_after_the_prefix() -> None:
    stored = Awaiting.RETIME.on(812)
    assert (stored, parse(stored)) == ("time:812", (Awaiting.RETIME, 812))


@pytest.mark.parametrize("stored", [None, "time:", "time:abc", "colour", ""])
def test_nothing_or_a_value_no_longer_known_awaits_nothing(stored: str | None) -> None:
    assert parse(stored) is None


def test_each_plain_value_reads_back_as_itself() -> None:
    assert [parse(a.value) for a in Awaiting if a is not Awaiting.RETIME] == [
        (a, None) for a in Awaiting if a is not Awaiting.RETIME
    ]


@pytest.mark.parametrize("typed", ["back", " Go back ", "UNDO"])
def test_back_typed_in_any_case_or_spacing_goes_back(typed: str) -> None:
    assert says_back(typed)


@pytest.mark.parametrize("typed", ["backache", "go", "back pain"])
def test_words_that_only_contain_back_do_not_go_back(typed: str) -> None:
    assert not says_back(typed)
