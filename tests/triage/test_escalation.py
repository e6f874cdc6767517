"""F-E2 and F-E3 (rev 2): a new red flag at a check-in is assessed at once, with the previous
answers, and the level only ever rises."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from triage.escalation import SIGN_QUESTION, escalate, with_signs
from triage.flow import Finished, TriageState, advance, rerun, start
from triage.followup import (
    RED_FLAG_SIGNS,
    CheckinAnswers,
    FollowUpState,
    Status,
    on_answers,
    questions_for,
    start_followup,
)
from triage.levels import Level
from triage.questions import QUESTIONS

TODAY = dt.date(2026, 3, 10)
COMPLETED = dt.datetime.combine(TODAY, dt.time(9))  # naive local wall time, as in the core
AT_CHECKIN = dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(10))

EVERYDAY = {
    "Q1_EMERGENCY": "E_NONE",
    "Q2_AREA": "A_EYELID",
    "Q3_DURATION": "D_3_13D",
    "Q4_BOTHER": "B_LOW",
    "Q5_CHANGE": "T_SAME",
    "Q6_NERVE": "N_NONE",
    "Q7_EYE_BODY": "S_NONE",
    "Q8_CAFFEINE": "C1_2",
    "Q9_TRIGGERS": "TR_NONE",
    "Q10_CONTEXT": "X_NONE",
}


def everyday(**changes: str) -> tuple[TriageState, FollowUpState]:
    """An everyday eyelid twitch triaged on TODAY (L0 unless `changes` say otherwise)."""
    given = {**EVERYDAY, **changes}
    step = start()
    while not isinstance(step, Finished):
        step = advance(step.state, frozenset(given[step.question.id].split(",")), TODAY)
    return step.state, start_followup(step.outcome, COMPLETED)


def test_every_check_in_sign_maps_onto_its_own_q6_or_q7_option() -> None:
    for sign in RED_FLAG_SIGNS:
        assert sign in QUESTIONS[SIGN_QUESTION[sign]].option_ids


def test_f_e2_new_swallowing_trouble_at_l0_gets_advice_today_at_once() -> None:
    answers, state = everyday()
    escalation = escalate(state, answers, frozenset({"N_BULBAR"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None and escalation.rose
    assert escalation.fired == ("F-E2",)
    assert escalation.outcome.level is Level.L3
    assert "R-U2" in escalation.outcome.rule_ids
    assert escalation.state.level is Level.L3
    assert "speech_or_swallowing_change" in escalation.state.reasons
    assert escalation.state.next_checkin == AT_CHECKIN + dt.timedelta(hours=4)  # L3's first


def test_f_e2_the_new_sign_replaces_none_of_these_and_keeps_earlier_ticks() -> None:
    given = {"Q6_NERVE": frozenset({"N_NONE"}), "Q7_EYE_BODY": frozenset({"V_RED"})}
    merged = with_signs(given, frozenset({"N_WEAK", "S_FEVER"}), None)
    assert merged["Q6_NERVE"] == {"N_WEAK"}
    assert merged["Q6_WEAK_CHECK"] == {"W_TRUE"}
    assert merged["Q7_EYE_BODY"] == {"V_RED", "S_FEVER"}


def test_f_e2_combines_the_new_sign_with_what_was_said_before() -> None:
    # Water tablets at triage (L2), new weakness at the check-in: low potassium (R-U8), L3.
    answers, state = everyday(Q10_CONTEXT="M_DIURETIC")
    assert state.level is Level.L2
    escalation = escalate(state, answers, frozenset({"N_WEAK"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None and escalation.rose
    assert escalation.state.level is Level.L3
    assert "R-U8" in escalation.outcome.rule_ids


def test_f_e2_never_lowers_the_level() -> None:
    answers, state = everyday(Q10_CONTEXT="M_PPI")
    assert state.level is Level.L3
    escalation = escalate(state, answers, frozenset({"V_RED"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None and not escalation.rose
    assert escalation.state.level is Level.L3
    assert escalation.state.next_checkin == state.next_checkin


def test_f_e3_rev2_spread_counts_as_spreading_and_is_assessed_at_once() -> None:
    answers, state = everyday()
    escalation = escalate(state, answers, frozenset(), Status.SPREAD, AT_CHECKIN)
    assert escalation is not None and escalation.rose
    assert escalation.fired == ("F-E3",)
    assert escalation.answers.answers["Q5_CHANGE"] == {"T_SPREADING"}
    assert escalation.state.level is Level.L1
    assert "R-R2" in escalation.outcome.rule_ids


@pytest.mark.parametrize("status", [Status.SAME, Status.WORSE, Status.BETTER, None])
def test_nothing_new_and_no_spread_needs_no_assessment(status: Status | None) -> None:
    answers, state = everyday()
    assert escalate(state, answers, frozenset(), status, AT_CHECKIN) is None


def test_f_e2_after_an_emergency_triage_keeps_l4() -> None:
    step = advance(start().state, frozenset({"E_SWALLOW"}), TODAY)
    assert isinstance(step, Finished)
    state = start_followup(step.outcome, COMPLETED)
    escalation = escalate(state, step.state, frozenset({"N_WEAK"}), None, AT_CHECKIN)
    assert escalation is not None and escalation.state.level is Level.L4


def test_f_e2_the_re_run_is_prefilled_with_the_new_sign_ticked() -> None:
    answers, state = everyday()
    escalation = escalate(state, answers, frozenset({"N_BULBAR"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None
    ask = rerun(escalation.answers.answers, QUESTIONS_AGAIN, escalation.answers.episodes_90d)
    assert ask.question.id == "Q2_AREA"
    assert ask.state.prefilled("Q2_AREA") == {"A_EYELID"}
    assert ask.state.prefilled("Q6_NERVE") == {"N_BULBAR"}
    saved = TriageState.from_json(ask.state.to_json())
    assert saved.prefilled("Q6_NERVE") == {"N_BULBAR"}


QUESTIONS_AGAIN = ("Q2_AREA", "Q3_DURATION", "Q5_CHANGE", "Q6_NERVE", "Q7_EYE_BODY")


def test_f_e2_the_check_in_keeps_the_first_check_in_of_the_raised_level() -> None:
    answers, state = everyday()
    escalation = escalate(state, answers, frozenset({"N_BULBAR"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None
    given = CheckinAnswers(False, Status.SAME, frozenset({"N_BULBAR"}), escalated=True, habits={})
    decision = on_answers(escalation.state, given, AT_CHECKIN)
    assert decision.state.level is Level.L3
    assert decision.state.next_checkin == AT_CHECKIN + dt.timedelta(hours=4)


def test_the_habit_snapshot_is_not_asked_at_l3_before_the_person_was_seen() -> None:
    _, state = everyday(Q10_CONTEXT="M_PPI")
    assert "habits" not in questions_for(state)
    assert "habits" in questions_for(replace(state, seen=True))
    _, everyday_state = everyday()
    assert questions_for(everyday_state)[-1] == "habits"


def test_a_finished_re_run_keeps_the_answers_and_drops_the_prefill() -> None:
    answers, _ = everyday()
    ask = rerun(answers.answers, ("Q10_CONTEXT",), answers.episodes_90d)
    assert ask.state.prefilled("Q10_CONTEXT") == {"X_NONE"}
    finished = advance(ask.state, frozenset({"M_PPI"}), TODAY)
    assert isinstance(finished, Finished)
    assert finished.outcome.level is Level.L3
    assert "prefill" not in finished.state.to_json()
