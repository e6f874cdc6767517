"""Revision 2 of the clinical spec in the pure core: Q1's new options, Q10's new option, the
rule changes R-R2, R-U8, R-U9 and R-U10, and `onset_date_checkin` for F-E4."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.triage.test_rules import TODAY, answers
from triage.assess import assess
from triage.flow import Finished, advance, start
from triage.levels import Level
from triage.questions import QUESTIONS


@pytest.mark.parametrize("sign", ["E_SWALLOW", "E_HEADACHE", "E_STROKE"])
def test_q1_rev2_signs_end_the_interview_at_l4(sign: str) -> None:
    step = advance(start().state, frozenset({sign}), TODAY)
    assert isinstance(step, Finished)
    assert step.outcome.level is Level.L4
    assert step.outcome.rule_ids == ("R-E1",)


def test_q1_offers_sudden_swallowing_trouble_and_a_sudden_severe_headache() -> None:
    options = QUESTIONS["Q1_EMERGENCY"].option_ids
    assert {"E_SWALLOW", "E_HEADACHE"} <= set(options)
    assert options[-1] == "E_NONE"


def test_q10_offers_stopping_heavy_drinking_as_its_own_answer() -> None:
    assert "X_ALCWD" in QUESTIONS["Q10_CONTEXT"].option_ids


def test_r_r2_rev2_spreading_without_weakness_is_no_longer_self_care() -> None:
    outcome = assess(answers(Q5_CHANGE="T_SPREADING"), TODAY)
    assert outcome.level is Level.L1
    assert outcome.reasons[0].code == "more_than_one_place"


def test_r_u8_rev2_local_cramps_on_water_tablets_get_advice_today() -> None:
    outcome = assess(answers(Q10_CONTEXT="M_DIURETIC", Q6_NERVE="N_TINGLE_LOCAL"), TODAY)
    assert outcome.level is Level.L3
    assert "R-U8" in outcome.rule_ids


def test_r_u8_local_cramps_without_those_medicines_stay_self_care() -> None:
    assert assess(answers(Q6_NERVE="N_TINGLE_LOCAL"), TODAY).level is Level.L0


def test_r_u9_adds_the_line_about_jerking_agitation_or_confusion() -> None:
    given = answers(Q7_EYE_BODY="S_FEVER", Q10_CONTEXT="M_ANTIDEP", Q9_TRIGGERS="TR_SWEAT")
    outcome = assess(given, TODAY)
    assert outcome.level is Level.L3
    assert outcome.extras == ("medicine_reaction",)
    assert outcome.medicine_related


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(answers(Q7_EYE_BODY="S_FEVER", Q9_TRIGGERS="TR_SWEAT"), id="no-medicine"),
        pytest.param(answers(Q7_EYE_BODY="S_FEVER", Q10_CONTEXT="M_ANTIDEP"), id="no-sweating"),
        pytest.param(answers(Q10_CONTEXT="M_STIM", Q9_TRIGGERS="TR_SWEAT"), id="no-temperature"),
        pytest.param(
            answers(Q7_EYE_BODY="S_FEVER", Q10_CONTEXT="M_STEROID", Q9_TRIGGERS="TR_SWEAT"),
            id="a-medicine-of-another-kind",
        ),
    ],
)
def test_r_u9_needs_a_temperature_the_medicine_and_sweating_or_shaking(
    given: dict[str, frozenset[str]],
) -> None:
    outcome = assess(given, TODAY)
    assert "R-U9" not in outcome.rule_ids
    assert "medicine_reaction" not in outcome.extras


def test_r_u10_stopping_heavy_drinking_gets_advice_today_and_its_emergency_line() -> None:
    outcome = assess(answers(Q10_CONTEXT="X_ALCWD"), TODAY)
    assert outcome.level is Level.L3
    assert outcome.rule_ids == ("R-U10",)
    assert outcome.extras == ("alcohol_withdrawal",)
    assert not outcome.medicine_related


@pytest.mark.parametrize(
    ("duration", "days_ago"),
    [("D_LT3D", 1), ("D_3_13D", 8), ("D_2_6W", 21), ("D_GT6W", 42), ("D_RECUR", 14)],
)
def test_onset_date_checkin_is_the_middle_of_the_band(duration: str, days_ago: int) -> None:
    outcome = assess(answers(Q3_DURATION=duration), TODAY)
    assert outcome.onset_date_checkin == TODAY - dt.timedelta(days=days_ago)


def test_an_emergency_has_no_check_in_onset_either() -> None:
    outcome = assess({"Q1_EMERGENCY": frozenset({"E_SWALLOW"})}, TODAY)
    assert outcome.onset_date_checkin is None


@pytest.mark.parametrize("drinks", ["C1_2", "C3_4", "C5P"])
def test_4_4_rev2_in_pregnancy_the_caffeine_tip_is_the_pregnancy_limit(drinks: str) -> None:
    outcome = assess(answers(Q10_CONTEXT="X_PREGNANT", Q8_CAFFEINE=drinks), TODAY)
    assert "caffeine_pregnancy" in outcome.tips
    assert "caffeine" not in outcome.tips


def test_4_4_rev2_no_caffeine_tip_in_pregnancy_without_caffeine() -> None:
    outcome = assess(answers(Q10_CONTEXT="X_PREGNANT", Q8_CAFFEINE="C0"), TODAY)
    assert not {"caffeine", "caffeine_pregnancy"} & set(outcome.tips)
