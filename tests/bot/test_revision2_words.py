"""Revision 2's wording in the catalogue: Q1 counts a sudden sign that has passed, the new
options read as the spec says, and the check-in's safety question does the same."""

from __future__ import annotations

from bot.catalogue import catalogue_for

CAT = catalogue_for("en")


def test_q1_rev2_asks_about_a_sudden_sign_in_the_last_two_days_even_if_it_has_passed() -> None:
    text = CAT.text("question.Q1_EMERGENCY.text")
    assert "last 2 days" in text and "even if it has passed" in text


def test_the_check_in_safety_question_counts_a_sudden_sign_that_has_passed() -> None:
    text = CAT.text("checkin.safety.question")
    assert text.startswith("Any of these now?") and "even if it has passed" in text


def test_q1_rev2_options_name_numbness_swallowing_headache_and_combined_medicines() -> None:
    assert "numb on one side" in CAT.text("option.E_STROKE")
    assert "swallowing" in CAT.text("option.E_SWALLOW")
    assert "headache" in CAT.text("option.E_HEADACHE")
    assert "mix" in CAT.text("option.E_MEDTOX")


def test_q1_asks_about_speech_and_swallowing_that_change_suddenly() -> None:
    """Speech or swallowing getting harder over days or weeks is Q6's (N_BULBAR, get advice
    today); Q1 and the check-in's safety question ask only about a sudden change."""
    assert "suddenly" in CAT.text("option.E_SPEECH")
    assert CAT.text("option.E_SWALLOW").startswith("Sudden trouble swallowing")
    assert "slowly" in CAT.text("option.N_BULBAR")


def test_q10_rev2_wording_of_mood_medicines_neck_surgery_and_drinking() -> None:
    assert "tramadol" in CAT.text("option.M_ANTIDEP")
    assert "triptan" in CAT.text("option.M_ANTIDEP")
    assert "6 weeks" in CAT.text("option.X_NECKSURG")
    assert "heavy drinking" in CAT.text("option.X_ALCWD")
