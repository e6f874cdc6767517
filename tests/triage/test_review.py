"""The review before a triage result: what it lists, what "Change N" re-asks, when it is
skipped."""

from __future__ import annotations

import pytest

from tests.triage.test_flow import TODAY, walk
from triage.flow import Ask, Finished, advance, start
from triage.levels import Level
from triage.questions import MAIN_ORDER, InvalidAnswer
from triage.review import change, lines, reviews


def test_a_calm_finished_interview_stops_at_the_review() -> None:
    finished, _ = walk(start())
    assert reviews(finished)


def test_an_emergency_at_the_first_question_skips_the_review() -> None:
    step = advance(start().state, frozenset({"E_SPEECH"}), TODAY)
    assert isinstance(step, Finished) and step.outcome.level is Level.L4
    assert not reviews(step)


def test_a_question_still_to_ask_is_no_review() -> None:
    assert not reviews(start())


def test_the_review_lists_every_main_question_answered_once_with_its_clarifier() -> None:
    finished, _ = walk(start(), Q6_NERVE={"N_WEAK"}, Q8_CAFFEINE={"C3_4"})
    shown = dict(lines(finished.state.answers))
    assert list(shown) == list(MAIN_ORDER)
    assert shown["Q6_NERVE"] == ("N_WEAK", "W_TRUE")
    assert shown["Q8_CAFFEINE"] == ("C3_4", "C_STRONG_N")
    assert shown["Q3_DURATION"] == ("D_LT3D",)


def test_change_asks_that_question_again_with_its_answer_ticked() -> None:
    finished, _ = walk(start())
    ask, ticked = change(finished.state, "Q3_DURATION")
    assert ask.question.id == "Q3_DURATION" and ticked == {"D_LT3D"}


def test_a_changed_answer_keeps_the_others_and_changes_the_result() -> None:
    finished, _ = walk(start())
    assert finished.outcome.level is Level.L0
    ask, _ = change(finished.state, "Q3_DURATION")
    again = advance(ask.state, frozenset({"D_2_6W"}), TODAY)
    assert isinstance(again, Finished) and reviews(again)
    assert again.outcome.level is Level.L1
    assert {**finished.state.answers, "Q3_DURATION": {"D_2_6W"}} == dict(again.state.answers)


def test_a_change_that_makes_a_clarifier_due_asks_it_next() -> None:
    finished, _ = walk(start())
    ask, _ = change(finished.state, "Q8_CAFFEINE")
    step = advance(ask.state, frozenset({"C5P"}), TODAY)
    assert isinstance(step, Ask) and step.question.id == "Q8_STRONG"


def test_changing_the_first_answer_to_an_emergency_skips_the_review() -> None:
    finished, _ = walk(start())
    ask, _ = change(finished.state, "Q1_EMERGENCY")
    step = advance(ask.state, frozenset({"E_SPEECH"}), TODAY)
    assert not reviews(step)


@pytest.mark.parametrize("question_id", ["Q6_WEAK_CHECK", "Q99", "REVIEW"])
def test_only_a_main_question_on_the_review_can_be_changed(question_id: str) -> None:
    finished, _ = walk(start())
    with pytest.raises(InvalidAnswer):
        change(finished.state, question_id)
