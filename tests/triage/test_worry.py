"""§5.5 and §5.6 rev 2 in the core: the disease answer by level, and repeated checking."""

from __future__ import annotations

import datetime as dt

import pytest

from triage.levels import Level
from triage.worry import REPEAT_WINDOW, disease_answer, is_repeat_check, repeat_check_answer

NOW = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("level", [None, Level.L0, Level.L1], ids=str)
def test_the_disease_answer_ends_with_the_routine_visit_at_l1_and_below(
    level: Level | None,
) -> None:
    assert disease_answer(level) == ("disease_question",)


@pytest.mark.parametrize("level", [Level.L2, Level.L3, Level.L4], ids=str)
def test_5_5_rev2_the_disease_answer_restates_a_higher_level_instead_of_a_routine_visit(
    level: Level,
) -> None:
    keys = disease_answer(level)
    assert "disease_question" not in keys
    assert keys[-1] == f"disease_answer.{level.value}"


def test_5_6_rev2_a_triage_within_24_hours_with_nothing_new_is_repeated_checking() -> None:
    assert is_repeat_check(NOW - dt.timedelta(hours=3), NOW, changed_since=False)
    assert is_repeat_check(NOW - REPEAT_WINDOW + dt.timedelta(minutes=1), NOW, False)


@pytest.mark.parametrize(
    ("last", "changed"),
    [
        pytest.param(None, False, id="never-assessed"),
        pytest.param(NOW - dt.timedelta(hours=24), False, id="a-day-ago"),
        pytest.param(NOW - dt.timedelta(hours=2), True, id="a-new-sign-or-change-since"),
        pytest.param(NOW + dt.timedelta(hours=1), False, id="clock-behind-the-record"),
    ],
)
def test_5_6_rev2_not_repeated_checking(last: dt.datetime | None, changed: bool) -> None:
    assert not is_repeat_check(last, NOW, changed)


@pytest.mark.parametrize("level", list(Level), ids=str)
def test_5_6_rev2_the_answer_says_what_would_change_it_at_that_level(level: Level) -> None:
    keys = repeat_check_answer(level)
    assert keys[0] == "repeat_check.same" and keys[-1] == "repeat_check.tip"
    assert f"repeat_check.would_change.{level.value}" in keys
