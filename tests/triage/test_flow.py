"""The interview state machine: order, clarifiers, early stop, validation, resume and re-runs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.flow import Ask, Finished, Step, TriageState, advance, current_step, rerun, start
from triage.levels import Level
from triage.questions import MAIN_ORDER, QUESTIONS, InvalidAnswer, Kind, Question

TODAY = dt.date(2026, 3, 10)

CALM = {
    "Q1_EMERGENCY": {"E_NONE"},
    "Q2_AREA": {"A_LEG"},
    "Q3_DURATION": {"D_LT3D"},
    "Q4_BOTHER": {"B_LOW"},
    "Q5_CHANGE": {"T_SAME"},
    "Q6_NERVE": {"N_NONE"},
    "Q6_WEAK_CHECK": {"W_TRUE"},
    "Q7_EYE_BODY": {"S_NONE"},
    "Q8_CAFFEINE": {"C0"},
    "Q8_STRONG": {"C_STRONG_N"},
    "Q9_TRIGGERS": {"TR_NONE"},
    "Q10_CONTEXT": {"X_NONE"},
}


def walk(step: Step, **overrides: set[str]) -> tuple[Finished, list[str]]:
    """Answer whatever is asked (calm answers unless overridden) until finished."""
    asked: list[str] = []
    while isinstance(step, Ask):
        qid = step.question.id
        asked.append(qid)
        step = advance(step.state, frozenset(overrides.get(qid, CALM[qid])), TODAY)
    return step, asked


def test_the_interview_opens_with_the_emergency_screen() -> None:
    ask = start()
    assert ask.question.id == "Q1_EMERGENCY"
    assert ask.state.answers == {}


def test_a_calm_interview_asks_the_ten_questions_in_order() -> None:
    finished, asked = walk(start())
    assert tuple(asked) == MAIN_ORDER
    assert finished.outcome.level is Level.L0
    assert finished.state.current is None


@pytest.mark.parametrize("sign", [o for o in QUESTIONS["Q1_EMERGENCY"].option_ids if o != "E_NONE"])
def test_any_emergency_sign_ends_the_interview_at_once_with_l4(sign: str) -> None:
    step = advance(start().state, frozenset({sign}), TODAY)
    assert isinstance(step, Finished)
    assert step.outcome.level is Level.L4
    assert step.outcome.rule_ids == ("R-E1",)
    assert list(step.state.answers) == ["Q1_EMERGENCY"]


def test_sudden_slurred_speech_with_breathing_trouble_is_still_one_emergency() -> None:
    step = advance(start().state, frozenset({"E_SPEECH", "E_BREATH"}), TODAY)
    assert isinstance(step, Finished)
    assert step.outcome.reasons[0].code == "emergency_sign"


def test_ticking_weak_asks_to_check_it_once() -> None:
    _, asked = walk(start(), Q6_NERVE={"N_WEAK", "N_STIFF"})
    assert asked[asked.index("Q6_NERVE") + 1] == "Q6_WEAK_CHECK"
    assert asked.count("Q6_WEAK_CHECK") == 1


def test_feeling_heavy_but_coping_is_not_counted_as_weakness() -> None:
    finished, _ = walk(start(), Q6_NERVE={"N_WEAK", "N_STIFF"}, Q6_WEAK_CHECK={"W_FEEL"})
    assert finished.state.answers["Q6_NERVE"] == {"N_HEAVY", "N_STIFF"}
    assert "R-S1" not in finished.outcome.rule_ids
    assert finished.outcome.level is Level.L1


@pytest.mark.parametrize("check", ["W_TRUE", "W_UNSURE"])
def test_real_or_unsure_weakness_stays_weakness(check: str) -> None:
    finished, _ = walk(start(), Q6_NERVE={"N_WEAK"}, Q6_WEAK_CHECK={check})
    assert finished.state.answers["Q6_NERVE"] == {"N_WEAK"}
    assert finished.outcome.rule_ids == ("R-S1",)
    assert finished.outcome.level is Level.L2


@pytest.mark.parametrize(
    ("drinks", "asked_strong"), [("C0", False), ("C1_2", False), ("C3_4", True), ("C5P", True)]
)
def test_three_or_more_drinks_asks_about_energy_drinks(drinks: str, asked_strong: bool) -> None:
    _, asked = walk(start(), Q8_CAFFEINE={drinks})
    assert ("Q8_STRONG" in asked) is asked_strong


def test_energy_drinks_make_three_or_four_drinks_a_high_intake() -> None:
    finished, _ = walk(start(), Q8_CAFFEINE={"C3_4"}, Q8_STRONG={"C_STRONG_Y"})
    assert "caffeine" in finished.outcome.tips


def test_a_third_episode_in_90_days_counts_as_coming_back() -> None:
    finished, _ = walk(start(episodes_90d=3))
    assert finished.outcome.rule_ids == ("R-R7",)
    assert finished.outcome.level is Level.L1


@pytest.mark.parametrize(
    ("answer", "question_id"),
    [
        pytest.param({"A_LEG"}, "Q1_EMERGENCY", id="option-of-another-question"),
        pytest.param({"E_NOPE"}, "Q1_EMERGENCY", id="unknown-option"),
        pytest.param(set(), "Q1_EMERGENCY", id="multi-select-with-nothing-ticked"),
        pytest.param({"E_NONE", "E_HEART"}, "Q1_EMERGENCY", id="none-of-these-with-a-sign"),
        pytest.param({"D_LT3D", "D_GT6W"}, "Q3_DURATION", id="two-answers-to-single-select"),
        pytest.param(set(), "Q3_DURATION", id="single-select-with-nothing"),
    ],
)
def test_an_answer_that_does_not_fit_the_question_is_refused(
    answer: set[str], question_id: str
) -> None:
    state = _state_at(question_id)
    with pytest.raises(InvalidAnswer):
        advance(state, frozenset(answer), TODAY)


def test_a_finished_interview_takes_no_more_answers() -> None:
    finished, _ = walk(start())
    with pytest.raises(InvalidAnswer):
        advance(finished.state, frozenset({"E_NONE"}), TODAY)


def test_a_saved_interview_resumes_at_the_same_question() -> None:
    state = _state_at("Q6_WEAK_CHECK")
    saved = json.loads(json.dumps(state.to_json()))
    restored = TriageState.from_json(saved)
    assert restored == state
    step = current_step(restored, TODAY)
    assert isinstance(step, Ask) and step.question.id == "Q6_WEAK_CHECK"


def test_a_saved_finished_interview_gives_the_same_outcome() -> None:
    finished, _ = walk(start(episodes_90d=4), Q6_NERVE={"N_BULBAR"})
    restored = TriageState.from_json(json.loads(json.dumps(finished.state.to_json())))
    again = current_step(restored, TODAY)
    assert isinstance(again, Finished)
    assert again.outcome == finished.outcome
    assert restored.episodes_90d == 4


def test_state_json_is_plain_lists_of_strings() -> None:
    data = _state_at("Q3_DURATION").to_json()
    assert data == {
        "answers": {"Q1_EMERGENCY": ["E_NONE"], "Q2_AREA": ["A_LEG"]},
        "current": "Q3_DURATION",
        "episodes_90d": 0,
    }


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"answers": [], "current": "Q1_EMERGENCY"}, id="answers-not-an-object"),
        pytest.param(
            {"answers": {"Q1_EMERGENCY": "E_NONE"}, "current": "Q2_AREA"}, id="not-a-list"
        ),
        pytest.param({"answers": {"Q1_EMERGENCY": [1]}, "current": "Q2_AREA"}, id="not-strings"),
        pytest.param(
            {"answers": {"Q0": ["E_NONE"]}, "current": "Q1_EMERGENCY"}, id="unknown-question"
        ),
        pytest.param(
            {"answers": {"Q1_EMERGENCY": ["A_LEG"]}, "current": "Q2_AREA"}, id="wrong-option"
        ),
        pytest.param({"answers": {}, "current": "Q2_AREA"}, id="skips-the-emergency-screen"),
        pytest.param({"answers": {}, "current": "Q99"}, id="unknown-current"),
        pytest.param(
            {"answers": {}, "current": "Q1_EMERGENCY", "episodes_90d": -1}, id="negative-episodes"
        ),
        pytest.param(
            {"answers": {}, "current": "Q1_EMERGENCY", "episodes_90d": True}, id="boolean-episodes"
        ),
    ],
)
def test_a_garbled_saved_state_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(InvalidAnswer):
        TriageState.from_json(data)


def test_a_state_cannot_be_changed_behind_its_back() -> None:
    answers = {"Q1_EMERGENCY": frozenset({"E_NONE"})}
    state = TriageState(answers, "Q2_AREA")
    answers["Q2_AREA"] = frozenset({"A_LEG"})
    assert "Q2_AREA" not in state.answers
    with pytest.raises(TypeError):
        state.answers["Q2_AREA"] = frozenset({"A_LEG"})  # type: ignore[index]


def _previous(**overrides: set[str]) -> dict[str, frozenset[str]]:
    finished, _ = walk(start(), **overrides)
    return dict(finished.state.answers)


def test_a_rerun_asks_only_the_listed_questions_and_keeps_the_rest() -> None:
    previous = _previous(Q3_DURATION={"D_2_6W"}, Q9_TRIGGERS={"TR_SLEEP"})
    ask = rerun(previous, ("Q2_AREA", "Q5_CHANGE", "Q6_NERVE", "Q7_EYE_BODY"))
    finished, asked = walk(ask, Q5_CHANGE={"T_SPREADING"}, Q6_NERVE={"N_WEAK"})
    assert asked == ["Q2_AREA", "Q5_CHANGE", "Q6_NERVE", "Q6_WEAK_CHECK", "Q7_EYE_BODY"]
    assert finished.outcome.level is Level.L3
    assert finished.outcome.rule_ids == ("R-U6", "R-S1", "R-R1", "R-R2")


def test_rerunning_q6_asks_the_weakness_check_again() -> None:
    previous = _previous(Q6_NERVE={"N_WEAK"}, Q6_WEAK_CHECK={"W_FEEL"})
    finished, asked = walk(rerun(previous, ("Q6_NERVE",)), Q6_NERVE={"N_WEAK"})
    assert asked == ["Q6_NERVE", "Q6_WEAK_CHECK"]
    assert "R-S1" in finished.outcome.rule_ids


def test_a_kept_clarifier_is_not_asked_again() -> None:
    previous = _previous(Q8_CAFFEINE={"C5P"}, Q8_STRONG={"C_STRONG_Y"})
    _, asked = walk(rerun(previous, ("Q2_AREA",)))
    assert asked == ["Q2_AREA"]


def test_a_full_rerun_carries_the_episode_count() -> None:
    finished, asked = walk(rerun(_previous(), MAIN_ORDER[1:], episodes_90d=3))
    assert tuple(asked) == MAIN_ORDER[1:]
    assert finished.outcome.rule_ids == ("R-R7",)


@pytest.mark.parametrize(
    "only",
    [
        pytest.param(("Q6_WEAK_CHECK",), id="a-clarifier"),
        pytest.param(("Q11",), id="unknown"),
        pytest.param((), id="nothing"),
    ],
)
def test_a_rerun_of_something_that_is_not_a_main_question_is_refused(
    only: tuple[str, ...],
) -> None:
    with pytest.raises(InvalidAnswer):
        rerun(_previous(), only)


def _state_at(question_id: str) -> TriageState:
    step: Step = start()
    while isinstance(step, Ask) and step.question.id != question_id:
        extra = {"Q6_NERVE": {"N_WEAK"}, "Q8_CAFFEINE": {"C5P"}}
        step = advance(
            step.state, frozenset(extra.get(step.question.id, CALM[step.question.id])), TODAY
        )
    assert isinstance(step, Ask)
    return step.state


def _valid_answer(question: Question) -> st.SearchStrategy[frozenset[str]]:
    if question.kind is Kind.SINGLE:
        return st.sampled_from(question.option_ids).map(lambda o: frozenset({o}))
    plain = [o.id for o in question.options if not o.exclusive]
    exclusive = [frozenset({o.id}) for o in question.options if o.exclusive]
    ticks = st.frozensets(st.sampled_from(plain), min_size=1)
    return st.one_of(st.sampled_from(exclusive), ticks) if exclusive else ticks


def _max_rank(levels: Iterable[Level]) -> int:
    return max(level.rank for level in levels)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), episodes=st.integers(min_value=0, max_value=5))
def test_any_valid_interview_finishes_within_twelve_answers_at_the_highest_fired_level(
    data: st.DataObject, episodes: int
) -> None:
    step: Step = start(episodes_90d=episodes)
    answered = 0
    while isinstance(step, Ask) and answered <= 12:
        step = advance(step.state, data.draw(_valid_answer(step.question)), TODAY)
        answered += 1
    assert isinstance(step, Finished)
    assert answered <= 12
    outcome = step.outcome
    assert all(outcome.level >= reason.level for reason in outcome.reasons)
    assert outcome.level.rank == _max_rank(reason.level for reason in outcome.reasons)
    emergency = step.state.answers["Q1_EMERGENCY"] != {"E_NONE"}
    assert (outcome.level is Level.L4) is emergency
