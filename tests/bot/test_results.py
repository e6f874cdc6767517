"""The words of a result: the advice names what set the level; the "why" line lists the rest."""

from __future__ import annotations

import datetime as dt

from bot.catalogue import catalogue_for
from bot.results import compose_result
from storage.models import User
from triage.assess import assess
from triage.flow import Finished, TriageState
from triage.levels import Level
from triage.rerun import EpisodeRecord, as_shown

CAT = catalogue_for("en")
CALM = {
    "Q1_EMERGENCY": {"E_NONE"},
    "Q2_AREA": {"A_ARM"},
    "Q3_DURATION": {"D_LT3D"},
    "Q4_BOTHER": {"B_LOW"},
    "Q5_CHANGE": {"T_SAME"},
    "Q6_NERVE": {"N_BALANCE", "N_STIFF"},
    "Q7_EYE_BODY": {"S_NONE"},
    "Q8_CAFFEINE": {"C0"},
    "Q9_TRIGGERS": {"TR_NONE"},
    "Q10_CONTEXT": {"X_NONE"},
}


def test_the_advice_names_only_the_reasons_at_the_result_level() -> None:
    answers = {qid: frozenset(picks) for qid, picks in CALM.items()}
    outcome = assess(answers, dt.date(2026, 11, 25))
    user = User(id=1, chat_id=1, country="GB", consent_reminders_at=None)
    first, details = compose_result(CAT, user, outcome)[:2]
    balance, stiff = (
        CAT.text("reason.balance_or_coordination"),
        CAT.text("reason.stiffness_or_cramps"),
    )
    _, why, now = first.split("\n\n", 2)
    advice = details.split("\n\n")[0]
    assert balance in why and stiff in why
    assert balance in advice and stiff not in advice
    assert "999" in now and "999" in details


def test_the_first_message_is_the_short_of_it_under_90_words_at_every_level() -> None:
    user = User(id=1, chat_id=1, country=None, consent_reminders_at=None)
    answers = {qid: frozenset(picks) for qid, picks in CALM.items()}
    variants = [
        answers,
        {**answers, "Q6_NERVE": frozenset({"N_NONE"})},
        {**answers, "Q3_DURATION": frozenset({"D_GT6W"}), "Q6_NERVE": frozenset({"N_NONE"})},
        {"Q1_EMERGENCY": frozenset({"E_BREATH"})},  # an emergency sign ends the questions
    ]
    for chosen in variants:
        outcome = assess(chosen, dt.date(2026, 11, 25))
        first = compose_result(CAT, user, outcome)[0]
        assert len(first.split()) < 90, (outcome.level, first)
        assert "emergency number" in first


def test_r_u9_result_adds_the_line_to_call_for_jerking_agitation_or_confusion() -> None:
    picks = {
        **CALM,
        "Q6_NERVE": {"N_NONE"},
        "Q7_EYE_BODY": {"S_FEVER"},
        "Q9_TRIGGERS": {"TR_SWEAT"},
        "Q10_CONTEXT": {"M_ANTIDEP"},
    }
    outcome = assess({qid: frozenset(p) for qid, p in picks.items()}, dt.date(2026, 11, 25))
    user = User(id=1, chat_id=1, country="GB", consent_reminders_at=None)
    first = compose_result(CAT, user, outcome)[0]
    assert CAT.text("level.L3.name") in first
    assert "muscles start jerking, or agitation or confusion appears, call 999" in first


def test_r_u10_result_adds_the_line_about_fits_confusion_and_seeing_things() -> None:
    picks = {**CALM, "Q6_NERVE": {"N_NONE"}, "Q10_CONTEXT": {"X_ALCWD"}}
    outcome = assess({qid: frozenset(p) for qid, p in picks.items()}, dt.date(2026, 11, 25))
    user = User(id=1, chat_id=1, country="GB", consent_reminders_at=None)
    first = compose_result(CAT, user, outcome)[0]
    assert "seeing or hearing things that aren't there, call 999" in first
    assert "drink" not in first.split(CAT.text("reason.possible_alcohol_withdrawal"))[-1]


def test_a_rerun_held_at_its_episode_level_names_what_set_that_level() -> None:
    # A calm re-run of an episode that stands at L2 for weakness: the advice, which says
    # "you mentioned {reason}", names the weakness rather than leaving a gap.
    calm = dict(CALM, Q6_NERVE={"N_NONE"})
    outcome = assess({qid: frozenset(picks) for qid, picks in calm.items()}, dt.date(2026, 11, 25))
    weakness = EpisodeRecord(Level.L2, ("R-S1",), None)
    held = as_shown(Finished(outcome, TriageState({}, None, 1)), weakness).outcome
    user = User(id=1, chat_id=1, country="GB", consent_reminders_at=None)
    advice = compose_result(CAT, user, held)[1].split("\n\n")[0]
    assert CAT.text("reason.weakness") in advice
    assert "mentioned ," not in advice
