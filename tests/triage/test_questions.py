"""The §2 questions as data, tick toggling, and the catalogue words every id needs."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest

from triage.questions import (
    MAIN_ORDER,
    QUESTIONS,
    WEAK_CHECK_MAP,
    InvalidAnswer,
    Kind,
    TriageError,
    set_tick,
    toggle,
)
from triage.rules import ALL_RULES
from triage.tips import TIPS

TRIAGE_TOML = Path(__file__).resolve().parents[2] / "bot" / "catalogue" / "en" / "triage.toml"
PLACEHOLDERS = {"emergency", "urgent", "crisis", "reason", "reasons", "gp", "gp_practice"}
LONGEST_LABEL = 72
"""Characters that still fit a narrow button on two lines."""


def test_the_ten_main_questions_come_in_spec_order() -> None:
    assert MAIN_ORDER == (
        "Q1_EMERGENCY",
        "Q2_AREA",
        "Q3_DURATION",
        "Q4_BOTHER",
        "Q5_CHANGE",
        "Q6_NERVE",
        "Q7_EYE_BODY",
        "Q8_CAFFEINE",
        "Q9_TRIGGERS",
        "Q10_CONTEXT",
    )
    assert set(QUESTIONS) == {*MAIN_ORDER, "Q6_WEAK_CHECK", "Q8_STRONG"}


def test_option_ids_are_unique_across_all_questions() -> None:
    # The rules look options up without naming the question, so one id must mean one thing.
    ids = [oid for q in QUESTIONS.values() for oid in q.option_ids]
    assert len(ids) == len(set(ids))


def test_only_the_none_of_these_options_are_exclusive() -> None:
    exclusive = {o.id for q in QUESTIONS.values() for o in q.options if o.exclusive}
    assert exclusive == {"E_NONE", "N_NONE", "S_NONE", "TR_NONE", "X_NONE"}


@pytest.mark.parametrize(
    ("question_id", "kind"),
    [
        ("Q1_EMERGENCY", Kind.MULTI),
        ("Q2_AREA", Kind.MULTI),
        ("Q3_DURATION", Kind.SINGLE),
        ("Q4_BOTHER", Kind.SINGLE),
        ("Q5_CHANGE", Kind.SINGLE),
        ("Q6_NERVE", Kind.MULTI),
        ("Q6_WEAK_CHECK", Kind.SINGLE),
        ("Q7_EYE_BODY", Kind.MULTI),
        ("Q8_CAFFEINE", Kind.SINGLE),
        ("Q8_STRONG", Kind.SINGLE),
        ("Q9_TRIGGERS", Kind.MULTI),
        ("Q10_CONTEXT", Kind.MULTI),
    ],
)
def test_each_question_is_single_or_multi_select_as_the_spec_says(
    question_id: str, kind: Kind
) -> None:
    assert QUESTIONS[question_id].kind is kind


def test_the_weakness_check_keeps_real_or_unsure_weakness_and_turns_heaviness_into_heavy() -> None:
    assert dict(WEAK_CHECK_MAP) == {"W_TRUE": "N_WEAK", "W_UNSURE": "N_WEAK", "W_FEEL": "N_HEAVY"}
    assert set(WEAK_CHECK_MAP) == set(QUESTIONS["Q6_WEAK_CHECK"].option_ids)


Q6 = QUESTIONS["Q6_NERVE"]


@pytest.mark.parametrize(
    ("selected", "tapped", "result"),
    [
        pytest.param(set(), "N_WEAK", {"N_WEAK"}, id="tick-first"),
        pytest.param({"N_WEAK"}, "N_STIFF", {"N_WEAK", "N_STIFF"}, id="tick-another"),
        pytest.param({"N_WEAK", "N_STIFF"}, "N_WEAK", {"N_STIFF"}, id="untick"),
        pytest.param({"N_WEAK", "N_STIFF"}, "N_NONE", {"N_NONE"}, id="none-clears-the-others"),
        pytest.param({"N_NONE"}, "N_BALANCE", {"N_BALANCE"}, id="another-clears-none"),
        pytest.param({"N_NONE"}, "N_NONE", set(), id="untick-none"),
    ],
)
def test_ticking_options(selected: set[str], tapped: str, result: set[str]) -> None:
    assert toggle(Q6, frozenset(selected), tapped) == result


@pytest.mark.parametrize(
    ("selected", "tapped", "wanted", "result"),
    [
        pytest.param(set(), "N_WEAK", True, {"N_WEAK"}, id="tick"),
        pytest.param({"N_WEAK"}, "N_WEAK", True, {"N_WEAK"}, id="the-same-tick-again-keeps-it"),
        pytest.param({"N_WEAK"}, "N_WEAK", False, set(), id="untick"),
        pytest.param(set(), "N_WEAK", False, set(), id="the-same-untick-again-keeps-it-off"),
        pytest.param({"N_NONE"}, "N_NONE", True, {"N_NONE"}, id="none-again-stays"),
        pytest.param({"N_WEAK"}, "N_NONE", True, {"N_NONE"}, id="none-still-clears-the-others"),
        pytest.param({"N_WEAK"}, "N_WEAK", None, set(), id="an-old-button-toggles"),
    ],
)
def test_a_tick_says_what_it_sets_so_a_repeated_tap_changes_nothing(
    selected: set[str], tapped: str, wanted: bool | None, result: set[str]
) -> None:
    assert set_tick(Q6, frozenset(selected), tapped, wanted) == result


def test_setting_a_tick_of_another_question_is_refused() -> None:
    with pytest.raises(InvalidAnswer):
        set_tick(Q6, frozenset(), "E_NONE", True)


def test_ticking_an_option_of_another_question_is_refused() -> None:
    with pytest.raises(InvalidAnswer):
        toggle(Q6, frozenset(), "E_NONE")


def test_invalid_answer_is_a_triage_error() -> None:
    assert issubclass(InvalidAnswer, TriageError)


def _catalogue() -> dict[str, str]:
    with TRIAGE_TOML.open("rb") as handle:
        return _flatten(tomllib.load(handle))


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = str(value)
    return flat


def _needed_keys() -> set[str]:
    keys = {f"question.{qid}.text" for qid in QUESTIONS}
    keys |= {f"option.{oid}" for q in QUESTIONS.values() for oid in q.option_ids}
    keys |= {f"reason.{rule.reason}" for rule in ALL_RULES}
    keys |= {f"tip.{tip.id}" for tip in TIPS}
    keys |= {f"level.L{n}.name" for n in range(5)} | {f"advice.L{n}" for n in range(5)}
    keys |= {"exit.known_condition", "exit.under18", "medicine_line", "soft.eyelid_one_week"}
    return keys | {"footer", "disease_question", "crisis", "emergency"}


def test_every_question_option_reason_tip_and_level_has_words() -> None:
    assert _needed_keys() - set(_catalogue()) == set()


def test_the_catalogue_has_no_words_for_ids_that_do_not_exist() -> None:
    stray = {k for k in _catalogue() if k.split(".")[0] in {"option", "reason", "tip", "question"}}
    assert stray - _needed_keys() == set()


@pytest.mark.parametrize("key", sorted(_needed_keys()))
def test_placeholders_are_only_the_known_ones(key: str) -> None:
    text = _catalogue()[key]
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    assert names <= PLACEHOLDERS


def test_option_labels_fit_a_button() -> None:
    long = {
        k: v for k, v in _catalogue().items() if k.startswith("option.") and len(v) > LONGEST_LABEL
    }
    assert long == {}


@pytest.mark.parametrize(
    ("key", "must_mention"),
    [
        ("advice.L4", "{emergency}"),
        ("emergency", "{emergency}"),
        ("advice.L3", "{urgent}"),
        ("advice.L3", "{emergency}"),
        ("advice.L2", "{reason}"),
        ("advice.L2", "{emergency}"),
        ("advice.L1", "{reason}"),
        ("advice.L0", "{emergency}"),
        ("crisis", "{crisis}"),
        ("crisis", "{emergency}"),
        ("footer", "{emergency}"),
        ("exit.known_condition", "{emergency}"),
        ("exit.under18", "{emergency}"),
    ],
)
def test_safety_texts_carry_the_numbers_to_call(key: str, must_mention: str) -> None:
    assert must_mention in _catalogue()[key]


def test_the_emergency_button_says_the_same_as_an_l4_result() -> None:
    catalogue = _catalogue()
    assert catalogue["emergency"] == catalogue["advice.L4"]


def test_medicine_words_never_say_stop_and_always_say_keep_taking() -> None:
    assert "Keep taking" in _catalogue()["medicine_line"]
    assert "don't stop" in _catalogue()["advice.L1"]
