"""Going back one question in the pure flow: the answer is taken out and handed back."""

from __future__ import annotations

import datetime as dt

import pytest

from triage.flow import Ask, advance, back, start
from triage.questions import InvalidAnswer

TODAY = dt.date(2026, 11, 25)


def _through(*answers: set[str]) -> Ask:
    step = start()
    for answer in answers:
        moved = advance(step.state, frozenset(answer), TODAY)
        assert isinstance(moved, Ask)
        step = moved
    return step


def test_back_re_asks_the_last_question_and_returns_its_answer() -> None:
    at_q3 = _through({"E_NONE"}, {"A_LEG", "A_ARM"})
    again, previous = back(at_q3.state)
    assert again.question.id == "Q2_AREA" and previous == {"A_LEG", "A_ARM"}
    assert "Q2_AREA" not in again.state.answers


def test_back_over_the_weakness_check_re_asks_the_nerve_question_with_weak_ticked() -> None:
    at_q7 = _through(
        {"E_NONE"}, {"A_LEG"}, {"D_LT3D"}, {"B_LOW"}, {"T_SAME"}, {"N_WEAK"}, {"W_FEEL"}
    )
    assert at_q7.question.id == "Q7_EYE_BODY"
    again, previous = back(at_q7.state)
    assert again.question.id == "Q6_NERVE" and "N_WEAK" in previous


def test_there_is_no_going_back_from_the_first_question() -> None:
    with pytest.raises(InvalidAnswer):
        back(start().state)
