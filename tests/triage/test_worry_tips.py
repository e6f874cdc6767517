"""Tips about worry reassure, so they go only with the reassurance levels (L0, L1)."""

from __future__ import annotations

import datetime as dt

from triage.assess import assess
from triage.levels import Level
from triage.nudges import selected_nudges

WORRIED = {
    "Q1_EMERGENCY": {"E_NONE"},
    "Q2_AREA": {"A_LEG"},
    "Q3_DURATION": {"D_3_13D"},
    "Q4_BOTHER": {"B_HIGH"},
    "Q5_CHANGE": {"T_SAME"},
    "Q6_NERVE": {"N_NONE"},
    "Q7_EYE_BODY": {"S_NONE"},
    "Q8_CAFFEINE": {"C1_2"},
    "Q9_TRIGGERS": {"TR_NONE"},
    "Q10_CONTEXT": {"X_NONE"},
}


def _nudges(answers: dict[str, set[str]]) -> tuple[Level, tuple[str, ...]]:
    frozen = {qid: frozenset(picks) for qid, picks in answers.items()}
    outcome = assess(frozen, dt.date(2026, 11, 25))
    return outcome.level, selected_nudges(outcome, frozen)


def test_a_worried_person_with_an_everyday_twitch_gets_the_worry_tip() -> None:
    level, nudges = _nudges(WORRIED)
    assert level <= Level.L1 and "N_WORRY" in nudges


def test_a_worried_person_with_true_weakness_gets_no_worry_tip() -> None:
    weaker = {**WORRIED, "Q6_NERVE": {"N_WEAK"}, "Q6_WEAK_CHECK": {"W_TRUE"}}
    level, nudges = _nudges(weaker)
    assert level == Level.L2 and "N_WORRY" not in nudges
