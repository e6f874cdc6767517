"""The check-in conversation's order (spec §4.4 rev 2): safety → status → new signs → advice at
once if anything rose → doctor → habit snapshot (never at L3 or L4 before being seen)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.triage.test_escalation import AT_CHECKIN, everyday
from triage.checkin_flow import (
    EMERGENCY_SIGNS,
    RERUN_FULL,
    RERUN_PARTIAL,
    answers_from,
    assess_after,
    next_screen,
    previous_screen,
    rerun_offered,
    rerun_questions,
)
from triage.escalation import escalate
from triage.followup import Action, Doctor, Status


def test_the_safety_screen_lists_the_rev2_signs() -> None:
    assert {"E_SWALLOW", "E_HEADACHE", "E_STROKE", "E_MEDTOX"} <= set(EMERGENCY_SIGNS)
    assert "E_NONE" not in EMERGENCY_SIGNS


def test_at_l0_the_new_signs_are_followed_by_the_habit_snapshot() -> None:
    _, state = everyday()
    assert next_screen(state, {}, "safety") == "status"
    assert next_screen(state, {}, "status") == "new_signs"
    assert next_screen(state, {}, "new_signs") == "habits"
    assert next_screen(state, {}, "habits") is None


def test_f_e2_after_a_raise_to_l3_the_doctor_question_follows_and_no_habit_snapshot() -> None:
    answers, state = everyday()
    escalation = escalate(state, answers, frozenset({"N_BULBAR"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None
    raised = escalation.state
    assert next_screen(raised, {}, "new_signs") == "doctor"
    assert next_screen(raised, {"doctor": "not_yet"}, "doctor") is None
    seen = {"doctor": Doctor.SEEN.value}
    assert next_screen(raised, seen, "doctor") == "suggestion"


def test_back_walks_the_screens_in_reverse_and_stops_at_the_safety_question() -> None:
    _, state = everyday()
    assert previous_screen(state, {}, "habits") == "new_signs"
    assert previous_screen(state, {}, "new_signs") == "status"
    assert previous_screen(state, {}, "status") == "safety"
    assert previous_screen(state, {}, "safety") is None
    assert previous_screen(state, {}, "rerun") is None


def test_back_after_a_raise_follows_the_raised_order_and_the_suggestion_only_after_seen() -> None:
    answers, state = everyday()
    escalation = escalate(state, answers, frozenset({"N_BULBAR"}), Status.SAME, AT_CHECKIN)
    assert escalation is not None
    raised = escalation.state
    assert previous_screen(raised, {}, "doctor") == "new_signs"
    seen = {"doctor": Doctor.SEEN.value}
    assert previous_screen(raised, seen, "suggestion") == "doctor"
    assert previous_screen(raised, {"doctor": "not_yet"}, "suggestion") is None


def test_after_being_seen_at_l3_the_habit_snapshot_may_be_asked() -> None:
    _, state = everyday(Q10_CONTEXT="M_PPI")
    assert next_screen(replace(state, seen=True), {}, "new_signs") == "habits"


@pytest.mark.parametrize(
    ("screen", "following", "due"),
    [
        pytest.param("new_signs", "habits", True, id="new-signs-answered"),
        pytest.param("new_signs", None, True, id="new-signs-last"),
        pytest.param("status", "new_signs", False, id="status-before-new-signs"),
        pytest.param("status", None, True, id="status-in-monitoring"),
        pytest.param("safety", "status", False, id="safety"),
        pytest.param("doctor", "habits", False, id="doctor"),
    ],
)
def test_f_e2_f_e3_assessment_comes_once_the_signs_are_known(
    screen: str, following: str | None, due: bool
) -> None:
    assert assess_after(screen, following) is due


def test_saved_answers_read_back_with_the_escalation_mark() -> None:
    given = answers_from(
        {"safety": False, "status": "spread", "new_signs": ["N_BULBAR"], "escalated": True}
    )
    assert given.status is Status.SPREAD and given.new_signs == {"N_BULBAR"}
    assert given.escalated and not given.safety_positive


def test_saved_answers_that_are_not_a_check_in_are_refused() -> None:
    with pytest.raises(ValueError):
        answers_from({"status": "sideways"})
    with pytest.raises(ValueError):
        answers_from({"new_signs": "N_WEAK"})


def test_f_e2_reruns_q2_to_q10_and_f_e3_reruns_q2_q5_q6_q7() -> None:
    assert rerun_questions(frozenset({Action.RETRIAGE_FULL})) == RERUN_FULL
    assert RERUN_FULL[0] == "Q2_AREA" and RERUN_FULL[-1] == "Q10_CONTEXT"
    assert rerun_questions(frozenset({Action.RETRIAGE_PARTIAL})) == RERUN_PARTIAL
    assert rerun_questions(frozenset()) == ()


def test_the_rerun_offered_is_named_as_its_button_says_and_none_without_one() -> None:
    assert rerun_offered(frozenset({Action.RETRIAGE_FULL})) == "full"
    assert rerun_offered(frozenset({Action.RETRIAGE_PARTIAL, Action.PAUSE_NUDGES})) == "partial"
    assert rerun_offered(frozenset({Action.PAUSE_NUDGES})) is None
