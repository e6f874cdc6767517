"""The §3.2 urgency rules through `assess`: every rule alone, combinations, and what rides along."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest

from triage.assess import assess
from triage.facts import derive, n_sites
from triage.levels import Level
from triage.outcome import Exit
from triage.questions import InvalidAnswer
from triage.rules import ALL_RULES, RULES

TODAY = dt.date(2026, 3, 10)

BASELINE: Mapping[str, frozenset[str]] = {
    "Q1_EMERGENCY": frozenset({"E_NONE"}),
    "Q2_AREA": frozenset({"A_LEG"}),
    "Q3_DURATION": frozenset({"D_LT3D"}),
    "Q4_BOTHER": frozenset({"B_LOW"}),
    "Q5_CHANGE": frozenset({"T_SAME"}),
    "Q6_NERVE": frozenset({"N_NONE"}),
    "Q7_EYE_BODY": frozenset({"S_NONE"}),
    "Q8_CAFFEINE": frozenset({"C0"}),
    "Q9_TRIGGERS": frozenset({"TR_NONE"}),
    "Q10_CONTEXT": frozenset({"X_NONE"}),
}
"""One leg twitch since yesterday, nothing else: no rule but R-0 fires."""


def answers(**changes: str) -> dict[str, frozenset[str]]:
    """The baseline with some questions answered differently (comma-separated option ids)."""
    changed = {qid: frozenset(ids.split(",")) for qid, ids in changes.items()}
    return {**BASELINE, **changed}


# (rule that must fire, answers, every rule id that fires with it, level, episodes_90d)
CASES = [
    pytest.param("R-0", answers(), {"R-0"}, Level.L0, 0, id="R-0-no-red-flags"),
    pytest.param(
        "R-E1", {"Q1_EMERGENCY": frozenset({"E_HEART"})}, {"R-E1"}, Level.L4, 0, id="R-E1"
    ),
    pytest.param("R-U1", answers(Q10_CONTEXT="X_NECKSURG"), {"R-U1"}, Level.L3, 0, id="R-U1"),
    pytest.param("R-U2", answers(Q6_NERVE="N_BULBAR"), {"R-U2"}, Level.L3, 0, id="R-U2"),
    pytest.param("R-U3", answers(Q7_EYE_BODY="S_DEHYD"), {"R-U3"}, Level.L3, 0, id="R-U3"),
    pytest.param("R-U4", answers(Q7_EYE_BODY="V_DOUBLE"), {"R-U4"}, Level.L3, 0, id="R-U4"),
    pytest.param(
        "R-U5",
        answers(Q7_EYE_BODY="V_DROOP", Q6_NERVE="N_WEAK"),
        {"R-U5", "R-S1", "R-S8"},
        Level.L3,
        0,
        id="R-U5-droop-with-weakness",
    ),
    pytest.param(
        "R-U5",
        answers(Q7_EYE_BODY="V_DROOP,V_DOUBLE"),
        {"R-U5", "R-U4", "R-S8"},
        Level.L3,
        0,
        id="R-U5-droop-with-double-vision",
    ),
    pytest.param(
        "R-U6",
        answers(Q6_NERVE="N_WEAK", Q5_CHANGE="T_SPREADING"),
        {"R-U6", "R-S1", "R-R2"},
        Level.L3,
        0,
        id="R-U6",
    ),
    pytest.param("R-U7", answers(Q10_CONTEXT="M_PPI"), {"R-U7"}, Level.L3, 0, id="R-U7"),
    pytest.param(
        "R-U8",
        answers(Q10_CONTEXT="M_DIURETIC", Q6_NERVE="N_STIFF"),
        {"R-U8", "R-S10", "R-R3"},
        Level.L3,
        0,
        id="R-U8-diuretic-with-cramps",
    ),
    pytest.param(
        "R-U8",
        answers(Q10_CONTEXT="M_ASTHMA", Q6_NERVE="N_WEAK"),
        {"R-U8", "R-S1", "R-R4"},
        Level.L3,
        0,
        id="R-U8-asthma-reliever-with-weakness",
    ),
    pytest.param(
        "R-U8",
        answers(Q10_CONTEXT="M_ASTHMA", Q6_NERVE="N_TINGLE_LOCAL"),
        {"R-U8", "R-R4"},
        Level.L3,
        0,
        id="R-U8-rev2-local-cramps-on-an-asthma-reliever",
    ),
    pytest.param(
        "R-U9",
        answers(Q7_EYE_BODY="S_FEVER", Q10_CONTEXT="M_ANTIDEP", Q9_TRIGGERS="TR_SWEAT"),
        {"R-U9", "R-S9", "R-R4"},
        Level.L3,
        0,
        id="R-U9-rev2-fever-and-sweating-on-an-antidepressant",
    ),
    pytest.param(
        "R-U9",
        answers(Q7_EYE_BODY="S_FEVER,S_THYROID", Q10_CONTEXT="M_STIM"),
        {"R-U9", "R-S9", "R-R4", "R-R8"},
        Level.L3,
        0,
        id="R-U9-rev2-fever-and-shakiness-on-a-stimulant",
    ),
    pytest.param(
        "R-U9",
        answers(Q7_EYE_BODY="S_FEVER", Q10_CONTEXT="M_NEWMED", Q2_AREA="A_ALLOVER"),
        {"R-U9", "R-S9", "R-R4", "R-R2"},
        Level.L3,
        0,
        id="R-U9-rev2-fever-and-twitching-all-over-on-a-new-medicine",
    ),
    pytest.param(
        "R-U10",
        answers(Q10_CONTEXT="X_ALCWD"),
        {"R-U10"},
        Level.L3,
        0,
        id="R-U10-rev2-stopped-heavy-drinking",
    ),
    pytest.param("R-S1", answers(Q6_NERVE="N_WEAK"), {"R-S1"}, Level.L2, 0, id="R-S1"),
    pytest.param("R-S2", answers(Q6_NERVE="N_WASTING"), {"R-S2"}, Level.L2, 0, id="R-S2"),
    pytest.param("R-S3", answers(Q6_NERVE="N_NUMB_WIDE"), {"R-S3"}, Level.L2, 0, id="R-S3"),
    pytest.param("R-S4", answers(Q6_NERVE="N_BALANCE"), {"R-S4"}, Level.L2, 0, id="R-S4"),
    pytest.param(
        "R-S5", answers(Q7_EYE_BODY="V_CLOSES"), {"R-S5"}, Level.L2, 0, id="R-S5-lid-closes"
    ),
    pytest.param(
        "R-S5", answers(Q2_AREA="A_EYES_BOTH"), {"R-S5"}, Level.L2, 0, id="R-S5-both-eyes"
    ),
    pytest.param("R-S6", answers(Q5_CHANGE="T_FACESPREAD"), {"R-S6"}, Level.L2, 0, id="R-S6"),
    pytest.param("R-S7", answers(Q7_EYE_BODY="V_RED"), {"R-S7"}, Level.L2, 0, id="R-S7"),
    pytest.param("R-S8", answers(Q7_EYE_BODY="V_DROOP"), {"R-S8"}, Level.L2, 0, id="R-S8"),
    pytest.param("R-S9", answers(Q7_EYE_BODY="S_FEVER"), {"R-S9"}, Level.L2, 0, id="R-S9"),
    pytest.param("R-S10", answers(Q10_CONTEXT="M_DIURETIC"), {"R-S10"}, Level.L2, 0, id="R-S10"),
    pytest.param("R-R1", answers(Q3_DURATION="D_2_6W"), {"R-R1"}, Level.L1, 0, id="R-R1-two-weeks"),
    pytest.param("R-R1", answers(Q3_DURATION="D_GT6W"), {"R-R1"}, Level.L1, 0, id="R-R1-six-weeks"),
    pytest.param(
        "R-R2", answers(Q2_AREA="A_ARM,A_LEG"), {"R-R2"}, Level.L1, 0, id="R-R2-two-places"
    ),
    pytest.param("R-R2", answers(Q5_CHANGE="T_MOVES"), {"R-R2"}, Level.L1, 0, id="R-R2-moves"),
    pytest.param("R-R2", answers(Q2_AREA="A_ALLOVER"), {"R-R2"}, Level.L1, 0, id="R-R2-all-over"),
    pytest.param(
        "R-R2",
        answers(Q5_CHANGE="T_SPREADING"),
        {"R-R2"},
        Level.L1,
        0,
        id="R-R2-rev2-spreading-without-weakness",
    ),
    pytest.param("R-R3", answers(Q6_NERVE="N_STIFF"), {"R-R3"}, Level.L1, 0, id="R-R3"),
    *[
        pytest.param("R-R4", answers(Q10_CONTEXT=med), {"R-R4"}, Level.L1, 0, id=f"R-R4-{med}")
        for med in ("M_NEWMED", "M_STIM", "M_ANTIDEP", "M_STEROID", "M_ASTHMA")
    ],
    pytest.param("R-R5", answers(Q7_EYE_BODY="S_LUPUS"), {"R-R5"}, Level.L1, 0, id="R-R5"),
    pytest.param(
        "R-R6", answers(Q4_BOTHER="B_HIGH"), {"R-R6"}, Level.L1, 0, id="R-R6-really-bothered"
    ),
    pytest.param(
        "R-R6", answers(Q4_BOTHER="B_DOCTOR"), {"R-R6"}, Level.L1, 0, id="R-R6-wants-a-doctor"
    ),
    pytest.param(
        "R-R7", answers(Q3_DURATION="D_RECUR"), {"R-R7"}, Level.L1, 0, id="R-R7-recurring"
    ),
    pytest.param("R-R7", answers(), {"R-R7"}, Level.L1, 3, id="R-R7-third-episode-in-90-days"),
    pytest.param("R-R8", answers(Q7_EYE_BODY="S_THYROID"), {"R-R8"}, Level.L1, 0, id="R-R8"),
    pytest.param(
        "R-R9",
        answers(Q2_AREA="A_TONGUE", Q3_DURATION="D_3_13D"),
        {"R-R9"},
        Level.L1,
        0,
        id="R-R9-tongue-three-days",
    ),
    pytest.param("R-R10", answers(Q10_CONTEXT="X_PREGNANT"), {"R-R10"}, Level.L1, 0, id="R-R10"),
    pytest.param("R-R11", answers(Q10_CONTEXT="X_KNOWN_DX"), {"R-R11"}, Level.L1, 0, id="R-R11"),
]


@pytest.mark.parametrize(("rule_id", "given", "expected_ids", "level", "episodes"), CASES)
def test_each_rule_fires_with_its_level_and_id(
    rule_id: str,
    given: Mapping[str, frozenset[str]],
    expected_ids: set[str],
    level: Level,
    episodes: int,
) -> None:
    outcome = assess(given, TODAY, episodes_90d=episodes)
    assert rule_id in outcome.rule_ids
    assert set(outcome.rule_ids) == expected_ids
    assert outcome.level is level


def test_every_rule_in_the_data_is_reachable() -> None:
    fired: set[str] = set()
    for case in CASES:
        _, given, _, _, episodes = case.values
        fired.update(assess(given, TODAY, episodes_90d=episodes).rule_ids)  # type: ignore[arg-type]
    assert fired == {rule.id for rule in ALL_RULES}


def test_rule_ids_are_the_spec_ids_and_unique() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids)) == 1 + 10 + 10 + 11 + 1
    assert ids[0] == "R-E1" and ids[-1] == "R-0"


@pytest.mark.parametrize(
    ("given", "level"),
    [
        pytest.param(answers(Q10_CONTEXT="M_PPI", Q6_NERVE="N_WEAK"), Level.L3, id="L3-beats-L2"),
        pytest.param(answers(Q6_NERVE="N_WASTING", Q4_BOTHER="B_HIGH"), Level.L2, id="L2-beats-L1"),
        pytest.param(
            answers(Q3_DURATION="D_GT6W", Q10_CONTEXT="X_PREGNANT"), Level.L1, id="L1-beats-L0"
        ),
        pytest.param(
            answers(Q7_EYE_BODY="S_DEHYD,V_RED", Q2_AREA="A_ARM,A_FACE"),
            Level.L3,
            id="L3-beats-L2-and-L1",
        ),
    ],
)
def test_combinations_take_the_highest_level(
    given: Mapping[str, frozenset[str]], level: Level
) -> None:
    outcome = assess(given, TODAY)
    assert outcome.level is level
    assert "R-0" not in outcome.rule_ids


def test_every_reason_is_kept_and_the_three_highest_are_shown_first() -> None:
    given = answers(
        Q4_BOTHER="B_HIGH",
        Q3_DURATION="D_GT6W",
        Q7_EYE_BODY="S_FEVER",
        Q6_NERVE="N_BULBAR,N_WEAK",
    )
    outcome = assess(given, TODAY)
    assert outcome.rule_ids == ("R-U2", "R-S1", "R-S9", "R-R1", "R-R6")
    assert [r.rule_id for r in outcome.shown_reasons] == ["R-U2", "R-S1", "R-S9"]
    assert [r.code for r in outcome.shown_reasons] == [
        "speech_or_swallowing_change",
        "weakness",
        "fever_or_unwell",
    ]


def test_reasons_of_one_level_keep_spec_order_whatever_order_they_were_ticked() -> None:
    given = answers(Q7_EYE_BODY="V_RED,S_FEVER", Q6_NERVE="N_BALANCE,N_WASTING")
    assert assess(given, TODAY).rule_ids == ("R-S2", "R-S4", "R-S7", "R-S9")


def test_a_tongue_twitch_of_under_three_days_fires_nothing() -> None:
    outcome = assess(answers(Q2_AREA="A_TONGUE"), TODAY)
    assert outcome.rule_ids == ("R-0",)
    assert outcome.level is Level.L0


def test_fewer_than_three_recent_episodes_do_not_count_as_recurring() -> None:
    assert assess(answers(), TODAY, episodes_90d=2).rule_ids == ("R-0",)


@pytest.mark.parametrize(
    ("areas", "sites"),
    [
        pytest.param({"A_LEG"}, 1, id="one-place"),
        pytest.param({"A_EYELID", "A_EYES_BOTH"}, 1, id="eyelid-and-both-eyes-are-one-place"),
        pytest.param({"A_EYELID", "A_FACE"}, 2, id="eyelid-and-face"),
        pytest.param({"A_ARM", "A_LEG", "A_TRUNK"}, 3, id="three-places"),
        pytest.param({"A_ALLOVER"}, 99, id="all-over"),
        pytest.param({"A_ALLOVER", "A_LEG"}, 99, id="all-over-wins"),
    ],
)
def test_n_sites_counts_places(areas: set[str], sites: int) -> None:
    assert n_sites(frozenset(areas)) == sites


def test_eyelid_and_both_eyes_alone_is_not_more_than_one_place() -> None:
    outcome = assess(answers(Q2_AREA="A_EYELID,A_EYES_BOTH"), TODAY)
    assert "R-R2" not in outcome.rule_ids


@pytest.mark.parametrize(
    ("drinks", "strong", "high", "moderate"),
    [
        pytest.param("C0", None, False, False, id="none"),
        pytest.param("C1_2", None, False, False, id="one-or-two"),
        pytest.param("C3_4", "C_STRONG_N", False, True, id="three-or-four-ordinary-is-moderate"),
        pytest.param(
            "C3_4", "C_STRONG_Y", True, False, id="three-or-four-with-energy-drinks-is-high"
        ),
        pytest.param("C5P", "C_STRONG_N", True, False, id="five-or-more-is-high"),
    ],
)
def test_caffeine_bands(drinks: str, strong: str | None, high: bool, moderate: bool) -> None:
    given = answers(Q8_CAFFEINE=drinks)
    if strong is not None:
        given["Q8_STRONG"] = frozenset({strong})
    facts = derive(given)
    assert (facts.caffeine_high, facts.caffeine_moderate) == (high, moderate)
    assert ("caffeine" in assess(given, TODAY).tips) is (high or moderate)


@pytest.mark.parametrize(
    ("duration", "days_ago"),
    [("D_LT3D", 0), ("D_3_13D", 3), ("D_2_6W", 14), ("D_GT6W", 42), ("D_RECUR", 14)],
)
def test_onset_date_is_today_minus_the_shortest_time_in_the_band(
    duration: str, days_ago: int
) -> None:
    outcome = assess(answers(Q3_DURATION=duration), TODAY)
    assert outcome.onset_date == TODAY - dt.timedelta(days=days_ago)


def test_an_emergency_has_no_onset_date_tips_or_prompts() -> None:
    outcome = assess({"Q1_EMERGENCY": frozenset({"E_STROKE", "E_SPEECH"})}, TODAY)
    assert outcome.reasons[0].code == "emergency_sign"
    assert (outcome.onset_date, outcome.tips, outcome.soft_prompts) == (None, (), ())


def test_a_known_condition_exits_to_the_care_team_at_least_at_l1() -> None:
    outcome = assess(answers(Q10_CONTEXT="X_KNOWN_DX"), TODAY)
    assert outcome.exit is Exit.EXIT_KNOWN_CONDITION
    assert outcome.level >= Level.L1
    higher = assess(answers(Q10_CONTEXT="X_KNOWN_DX", Q6_NERVE="N_BULBAR"), TODAY)
    assert (higher.exit, higher.level) == (Exit.EXIT_KNOWN_CONDITION, Level.L3)


def test_no_exit_without_a_known_condition() -> None:
    assert assess(answers(Q6_NERVE="N_WEAK"), TODAY).exit is None


@pytest.mark.parametrize(
    ("given", "prompted"),
    [
        pytest.param(answers(Q2_AREA="A_EYELID", Q3_DURATION="D_3_13D"), True, id="eyelid-3-13d"),
        pytest.param(answers(Q2_AREA="A_EYELID"), False, id="eyelid-under-3-days"),
        pytest.param(
            answers(Q2_AREA="A_EYELID", Q3_DURATION="D_2_6W"), False, id="eyelid-over-2-weeks"
        ),
        pytest.param(answers(Q3_DURATION="D_3_13D"), False, id="leg-3-13d"),
        pytest.param(
            answers(Q2_AREA="A_EYELID", Q3_DURATION="D_3_13D", Q7_EYE_BODY="V_DOUBLE"),
            False,
            id="eyelid-3-13d-but-get-advice-today",
        ),
    ],
)
def test_the_one_week_eyelid_prompt(given: Mapping[str, frozenset[str]], prompted: bool) -> None:
    outcome = assess(given, TODAY)
    assert (outcome.soft_prompts == ("eyelid_one_week",)) is prompted
    assert outcome.level is assess({**given, "Q2_AREA": frozenset({"A_LEG"})}, TODAY).level


@pytest.mark.parametrize(
    ("given", "medicine"),
    [
        pytest.param(answers(Q10_CONTEXT="M_NEWMED"), True, id="R-R4"),
        pytest.param(answers(Q10_CONTEXT="M_PPI"), True, id="R-U7"),
        pytest.param(answers(Q10_CONTEXT="M_ASTHMA", Q6_NERVE="N_STIFF"), True, id="R-U8"),
        pytest.param(answers(Q10_CONTEXT="M_DIURETIC"), True, id="R-S10"),
        pytest.param(answers(Q10_CONTEXT="X_PREGNANT"), False, id="R-R10"),
        pytest.param(answers(), False, id="R-0"),
    ],
)
def test_medicine_rules_bring_the_medicine_line(
    given: Mapping[str, frozenset[str]], medicine: bool
) -> None:
    assert assess(given, TODAY).medicine_related is medicine


@pytest.mark.parametrize(
    ("triggers", "tip"),
    [
        ("TR_SLEEP", "sleep"),
        ("TR_SWEAT", "hydrate"),
        ("TR_EXERCISE", "hydrate"),
        ("TR_EXERCISE", "exercise"),
        ("TR_STRESS", "stress"),
        ("TR_SCREENS", "screens"),
        ("TR_ALCOHOL", "alcohol"),
        ("TR_DIET", "diet"),
    ],
)
def test_triggers_bring_their_self_care_tip(triggers: str, tip: str) -> None:
    assert tip in assess(answers(Q9_TRIGGERS=triggers), TODAY).tips


def test_no_tips_when_no_trigger_was_ticked() -> None:
    assert assess(answers(), TODAY).tips == ()


def test_an_eyelid_twitch_brings_the_screen_break_tip() -> None:
    assert assess(answers(Q2_AREA="A_EYELID"), TODAY).tips == ("screens",)


def test_no_fluid_tip_for_someone_told_to_limit_fluids() -> None:
    outcome = assess(answers(Q9_TRIGGERS="TR_SWEAT,TR_EXERCISE", Q10_CONTEXT="X_FLUIDLIM"), TODAY)
    assert "hydrate" not in outcome.tips
    assert "exercise" in outcome.tips


def test_tips_are_kept_for_a_doctor_within_days() -> None:
    outcome = assess(answers(Q9_TRIGGERS="TR_SLEEP", Q6_NERVE="N_WEAK"), TODAY)
    assert (outcome.level, outcome.tips) == (Level.L2, ("sleep",))


def test_no_tips_when_advice_is_needed_today() -> None:
    outcome = assess(answers(Q9_TRIGGERS="TR_SLEEP,TR_STRESS", Q10_CONTEXT="M_PPI"), TODAY)
    assert outcome.level is Level.L3
    assert outcome.tips == ()


@pytest.mark.parametrize(
    "given",
    [
        pytest.param({"Q99": frozenset({"E_NONE"})}, id="unknown-question"),
        pytest.param(answers(Q6_NERVE="N_WEAKISH"), id="unknown-option"),
        pytest.param(answers(Q6_NERVE="N_WEAK,N_NONE"), id="none-with-another"),
        pytest.param(answers(Q3_DURATION="D_LT3D,D_GT6W"), id="two-answers-to-a-single-select"),
    ],
)
def test_assess_refuses_answers_that_do_not_fit(given: Mapping[str, frozenset[str]]) -> None:
    with pytest.raises(InvalidAnswer):
        assess(given, TODAY)


def test_the_rules_run_in_spec_order_within_each_level() -> None:
    levels = [rule.level.rank for rule in RULES]
    assert levels == sorted(levels, reverse=True)
