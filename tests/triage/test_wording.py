"""Spec §4.4 rev 2: the timing and wording of advice, decided in the pure core."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from triage.levels import Level
from triage.outcome import Outcome, Reason
from triage.wording import (
    SATURDAY,
    Clinician,
    Closing,
    L3Route,
    clinician,
    closing_after_booked,
    gave_medicine_answer,
    l3_route,
    shows_medicine_line,
    surgery_open,
    tips_for_person,
)

# 2026-11-23 is a Monday.
MONDAY = dt.date(2026, 11, 23)
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(weekday: int, hour: int, minute: int = 0) -> dt.datetime:
    """Local time in London, `weekday` days after Monday 23 November 2026."""
    day = MONDAY + dt.timedelta(days=weekday)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(
    ("local", "route"),
    [
        pytest.param(at(0, 8, 0), L3Route.SURGERY_TODAY, id="monday-08:00-opens"),
        pytest.param(at(2, 12, 30), L3Route.SURGERY_TODAY, id="wednesday-lunchtime"),
        pytest.param(at(4, 17, 59), L3Route.SURGERY_TODAY, id="friday-17:59"),
        pytest.param(at(4, 18, 0), L3Route.URGENT_SERVICE_NOW, id="friday-18:00-closed"),
        pytest.param(at(1, 7, 59), L3Route.URGENT_SERVICE_NOW, id="tuesday-before-8"),
        pytest.param(at(3, 22, 42), L3Route.URGENT_SERVICE_NOW, id="thursday-late-evening"),
        pytest.param(at(5, 10, 0), L3Route.URGENT_SERVICE_NOW, id="saturday-morning"),
        pytest.param(at(5, 22, 42), L3Route.URGENT_SERVICE_NOW, id="saturday-22:42"),
        pytest.param(at(6, 14, 0), L3Route.URGENT_SERVICE_NOW, id="sunday-afternoon"),
        pytest.param(at(0, 3, 0), L3Route.URGENT_SERVICE_NOW, id="monday-small-hours"),
    ],
)
def test_get_advice_today_names_the_surgery_only_on_weekdays_in_surgery_hours(
    local: dt.datetime, route: L3Route
) -> None:
    assert l3_route(local) == route


def test_a_public_holiday_the_caller_knows_of_counts_as_out_of_hours() -> None:
    whit_monday = dt.datetime(2026, 5, 25, 11, 0, tzinfo=LONDON)
    assert surgery_open(whit_monday)
    assert l3_route(whit_monday, frozenset({whit_monday.date()})) == L3Route.URGENT_SERVICE_NOW


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(dt.date(2027, 1, 1), id="new-years-day-friday"),
        pytest.param(dt.date(2026, 12, 25), id="christmas-day-friday"),
        pytest.param(dt.date(2028, 12, 26), id="day-after-christmas-tuesday"),
    ],
)
def test_new_year_and_christmas_are_out_of_hours_on_a_weekday_morning(day: dt.date) -> None:
    morning = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)
    assert morning.weekday() < SATURDAY
    assert l3_route(morning) == L3Route.URGENT_SERVICE_NOW


def test_the_surgery_hours_are_read_on_the_persons_own_clock_not_utc() -> None:
    # Monday 08:30 in Sydney is Sunday evening in UTC: the surgery is open all the same.
    sydney = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=11)))
    assert sydney.astimezone(dt.UTC).weekday() == 6
    assert l3_route(sydney) == L3Route.SURGERY_TODAY


@pytest.mark.parametrize(
    ("country", "word"),
    [
        pytest.param("GB", Clinician.GP, id="uk-gp"),
        pytest.param("IE", Clinician.GP, id="ireland-gp"),
        pytest.param("AU", Clinician.GP, id="australia-gp"),
        pytest.param("NZ", Clinician.GP, id="new-zealand-gp"),
        pytest.param("US", Clinician.DOCTOR, id="us-doctor"),
        pytest.param("CA", Clinician.DOCTOR, id="canada-doctor"),
        pytest.param("DE", Clinician.DOCTOR, id="germany-doctor"),
        pytest.param("IN", Clinician.DOCTOR, id="india-doctor"),
        pytest.param(None, Clinician.DOCTOR, id="unknown-doctor"),
    ],
)
def test_gp_is_said_only_where_people_say_it(country: str | None, word: Clinician) -> None:
    assert clinician(country) == word


@pytest.mark.parametrize(
    ("level", "closing"),
    [
        (Level.L0, Closing.ROUTINE),
        (Level.L1, Closing.ROUTINE),
        (Level.L2, Closing.ROUTINE),
        (Level.L3, Closing.GO_TODAY),
        (Level.L4, Closing.GO_TODAY),
    ],
)
def test_the_closing_after_booked_matches_the_level(level: Level, closing: Closing) -> None:
    assert closing_after_booked(level) == closing


def test_a_pregnant_person_gets_the_pregnancy_caffeine_limit_instead_of_the_general_tip() -> None:
    answers = {"Q10_CONTEXT": frozenset({"X_PREGNANT"})}
    assert tips_for_person(("caffeine", "sleep"), answers) == ("caffeine_pregnancy", "sleep")


def test_everyone_else_keeps_the_general_caffeine_tip() -> None:
    answers = {"Q10_CONTEXT": frozenset({"X_NONE"})}
    assert tips_for_person(("caffeine", "sleep"), answers) == ("caffeine", "sleep")


def _medicine_outcome(level: Level = Level.L1) -> Outcome:
    reason = Reason("R-R4", "possible_medicine_effect", level)
    return Outcome(level=level, reasons=(reason,), medicine_related=True)


@pytest.mark.parametrize(
    ("context", "shown"),
    [
        pytest.param({"M_NEWMED"}, True, id="new-medicine"),
        pytest.param({"M_PPI", "X_PREGNANT"}, True, id="ppi-and-pregnant"),
        pytest.param({"X_NONE"}, False, id="no-medicine-ticked"),
        pytest.param({"X_PREGNANT"}, False, id="pregnant-only"),
        pytest.param(set(), False, id="question-not-answered"),
    ],
)
def test_a_medicine_line_appears_only_after_a_medicine_answer(
    context: set[str], shown: bool
) -> None:
    answers = {"Q10_CONTEXT": frozenset(context)} if context else {}
    assert gave_medicine_answer(answers) == shown
    assert shows_medicine_line(_medicine_outcome(), answers) == shown


def test_no_medicine_line_sits_beside_an_emergency() -> None:
    answers = {"Q10_CONTEXT": frozenset({"M_NEWMED"})}
    assert not shows_medicine_line(_medicine_outcome(Level.L4), answers)
