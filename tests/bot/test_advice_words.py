"""Spec §4.4 as a person reads it: the result's words fit their local time and country, the
pregnancy caffeine tip, medicine lines only after a medicine answer, and the last check-in's
closing at the level it was given."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import catalogue_for
from bot.escalation import advice
from bot.replies import say_for
from bot.results import compose_result
from bot.screens.checkin import summary
from storage.models import User
from tests.triage.test_escalation import AT_CHECKIN, everyday
from triage.assess import assess
from triage.escalation import escalate
from triage.followup import Decision, FollowUpState, Status
from triage.levels import Level

CAT = catalogue_for("en")
CALM = {
    "Q1_EMERGENCY": {"E_NONE"},
    "Q2_AREA": {"A_EYELID"},
    "Q3_DURATION": {"D_LT3D"},
    "Q4_BOTHER": {"B_LOW"},
    "Q5_CHANGE": {"T_SAME"},
    "Q6_NERVE": {"N_NONE"},
    "Q7_EYE_BODY": {"S_NONE"},
    "Q8_CAFFEINE": {"C3_4"},
    "Q9_TRIGGERS": {"TR_NONE"},
    "Q10_CONTEXT": {"X_NONE"},
}
SATURDAY_EVENING = dt.datetime(2026, 11, 28, 19, 30, tzinfo=dt.UTC)
TUESDAY_MORNING = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)  # 21:00 in Sydney
TUESDAY_AFTERNOON = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York


def result(country: str, tz: str, now: dt.datetime | None, **changes: set[str]) -> str:
    picks = {**CALM, **changes}
    answers = {qid: frozenset(options) for qid, options in picks.items()}
    outcome = assess(answers, dt.date(2026, 11, 24))
    user = User(id=1, chat_id=1, country=country, tz=tz, consent_reminders_at=None)
    return "\n".join(compose_result(CAT, user, outcome, answers=answers, now=now))


@pytest.mark.parametrize(
    ("country", "tz", "now", "present", "absent"),
    [
        pytest.param(
            "GB", "Europe/London", SATURDAY_EVENING, "contact NHS 111", "GP surgery", id="uk-sat"
        ),
        pytest.param(
            "GB", "Europe/London", TUESDAY_MORNING, "your GP surgery today", "outside", id="uk-tue"
        ),
        pytest.param(
            "AU", "Australia/Sydney", TUESDAY_MORNING, "healthdirect", "GP surgery", id="au-night"
        ),
        pytest.param(
            "US", "America/New_York", TUESDAY_AFTERNOON, "doctor's office today", "GP", id="us-day"
        ),
        pytest.param(
            "DE", "Europe/Berlin", SATURDAY_EVENING, "116 117", "GP", id="germany-saturday"
        ),
        pytest.param(
            "IT", "Europe/Rome", SATURDAY_EVENING, "out-of-hours", "GP", id="italy-saturday"
        ),
    ],
)
def test_get_advice_today_fits_the_local_time_and_country(
    country: str, tz: str, now: dt.datetime, present: str, absent: str
) -> None:
    text = result(country, tz, now, Q10_CONTEXT={"M_PPI"})
    assert "Get advice today" in text
    assert present in text and absent not in text


def test_without_a_known_time_the_advice_keeps_the_daytime_words() -> None:
    assert "your GP surgery today" in result("GB", "Europe/London", None, Q10_CONTEXT={"M_PPI"})


def test_a_pregnant_person_reads_the_pregnancy_caffeine_limit_not_two_to_three_drinks() -> None:
    text = result("GB", "Europe/London", TUESDAY_MORNING, Q10_CONTEXT={"X_PREGNANT"})
    assert "200 mg" in text and "2–3 drinks" not in text


def test_everyone_else_reads_the_general_caffeine_tip() -> None:
    text = result("GB", "Europe/London", TUESDAY_MORNING)
    assert "2–3 drinks" in text and "200 mg" not in text


def test_no_medicine_line_without_a_medicine_answer() -> None:
    without = result("GB", "Europe/London", TUESDAY_MORNING)
    with_one = result("GB", "Europe/London", TUESDAY_MORNING, Q10_CONTEXT={"M_NEWMED"})
    line = CAT.text("medicine_line", gp="GP")
    assert line not in without and line in with_one


def _last_checkin(level: Level) -> Decision:
    day = dt.date(2026, 11, 24)
    state = FollowUpState(level, (), day, day, day, closed=True)
    return Decision(state, (), frozenset(), ("checkin.finished",))


@pytest.mark.parametrize("level", [Level.L3, Level.L4])
def test_the_last_check_in_at_l3_or_l4_says_be_seen_today_not_the_routine_gp(
    level: Level,
) -> None:
    user = User(id=1, chat_id=1, country="GB", tz="Europe/London")
    text = summary(CAT, user, _last_checkin(level))
    assert "seen today" in text and "NHS 111" in text
    assert "please see your GP" not in text


def _not_seen_yet(level: Level) -> Decision:
    day = dt.date(2026, 11, 24)
    state = FollowUpState(level, (), day, day, day, restated_advice=True)
    return Decision(state, ("F-E7",), frozenset(), ("checkin.restate",))


def test_advice_restated_at_l3_to_someone_not_yet_seen_says_today_not_book_an_appointment() -> None:
    user = User(id=1, chat_id=1, country="US", tz="America/Chicago")
    text = summary(CAT, user, _not_seen_yet(Level.L3))
    assert "today" in text and "911" in text
    assert "booking an appointment" not in text
    assert "booking an appointment" in summary(CAT, user, _not_seen_yet(Level.L2))


def test_the_last_check_in_at_a_routine_level_keeps_the_routine_closing() -> None:
    user = User(id=1, chat_id=1, country="GB", tz="Europe/London")
    assert "please see your GP" in summary(CAT, user, _last_checkin(Level.L1))


@pytest.mark.parametrize(
    ("country", "word"), [("GB", "see your GP"), ("AU", "see your GP"), ("US", "see your doctor")]
)
def test_check_in_words_name_the_doctor_as_people_in_that_country_do(
    country: str, word: str
) -> None:
    user = User(id=1, chat_id=1, country=country, tz="Europe/London")
    text = summary(CAT, user, _last_checkin(Level.L1))
    assert word in text
    if country == "US":
        assert "GP" not in text


@pytest.mark.parametrize(
    "key",
    ["disease_question", "exit.known_condition", "repeat_check.would_change.L0", "report.caption"],
)
def test_the_persons_own_doctor_is_named_in_their_countrys_words(key: str) -> None:
    uk, us = say_for(CAT, key, "GB"), say_for(CAT, key, "US")
    assert "GP" in uk
    assert "GP" not in us and "doctor" in us


@pytest.mark.parametrize("country", [None, "EU"])
@pytest.mark.parametrize("key", ["exit.under18", "onboarding.declined", "advice.L3"])
def test_words_naming_the_persons_doctor_then_the_urgent_service_never_name_the_doctor_twice(
    country: str | None, key: str
) -> None:
    # The age and consent steps come before the country, so everyone sees the generic words:
    # never "your doctor, or your own doctor or ...".
    text = say_for(CAT, key, country)
    assert "your doctor" in text or "doctor's office" in text, text
    assert "own doctor" not in text, text


@pytest.mark.parametrize(
    ("country", "name"), [("US", "Routine doctor appointment"), ("GB", "Routine GP appointment")]
)
def test_advice_raised_in_a_check_in_names_the_level_in_the_countrys_words(
    country: str, name: str
) -> None:
    answers, state = everyday()
    stiff = escalate(state, answers, frozenset({"N_STIFF"}), Status.SAME, AT_CHECKIN)
    assert stiff is not None and stiff.outcome.level is Level.L1
    text = advice(CAT, User(id=1, chat_id=1, country=country, tz="UTC"), stiff)
    assert f"It is now: {name}." in text
