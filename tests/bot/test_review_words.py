"""The review's lines and an answered question's record as a person reads them: a clarifier's
answer says what it answered, and answers whose labels hold commas stay apart."""

from __future__ import annotations

from dataclasses import replace

from bot.catalogue import catalogue_for
from bot.screens.review import render
from bot.screens.triage import answered
from tests.factories import CALM_ANSWERS, triage_session, user

CAT = catalogue_for("en")


def _review(**changed: set[str]) -> str:
    answers = {**CALM_ANSWERS.answers, **{q: frozenset(o) for q, o in changed.items()}}
    session = triage_session(1, 1, answers=replace(CALM_ANSWERS, answers=answers), id=5)
    return render(CAT, session)[0]


def test_the_strong_drinks_answer_says_what_it_answered_not_a_bare_yes() -> None:
    text = _review(Q8_CAFFEINE={"C3_4"}, Q8_STRONG={"C_STRONG_Y"})
    assert "Caffeine: 3–4; some energy drinks or pre-workout" in text
    assert "Yes" not in text


def test_the_weakness_check_says_what_it_answered() -> None:
    text = _review(Q6_NERVE={"N_WEAK"}, Q6_WEAK_CHECK={"W_FEEL"})
    assert "only feels heavy" in text


def test_answers_whose_labels_hold_commas_stay_apart() -> None:
    text = _review(Q2_AREA={"A_FACE", "A_ARM"})
    assert "Where: Face (cheek, mouth, jaw); Arm, hand or fingers" in text


def test_an_answered_questions_record_keeps_labels_with_commas_apart() -> None:
    record = answered(CAT, user(1), "Q9_TRIGGERS", frozenset({"TR_SLEEP", "TR_SCREENS"}))
    assert record.endswith(f"➜ {CAT.text('option.TR_SLEEP')}; {CAT.text('option.TR_SCREENS')}")
