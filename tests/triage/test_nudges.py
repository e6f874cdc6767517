"""The nudge plan of spec §3.4: who gets which nudge, when, and in which words."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage.levels import Level
from triage.nudges import NUDGE_IDS, Preferences, needs_preferences, plan_nudges
from triage.outcome import Exit, Outcome, Reason
from triage.schedule import LocalSchedule, PlannedNudge

CATALOGUE = Path(__file__).parents[2] / "bot" / "catalogue" / "en" / "reminders.toml"
MONDAY = dt.date(2026, 3, 2)
SATURDAY = dt.date(2026, 3, 7)
WEDNESDAY = dt.date(2026, 3, 4)

_QUESTION_OF_PREFIX = {
    "A_": "Q2_AREA",
    "B_": "Q4_BOTHER",
    "C_STRONG": "Q8_STRONG",
    "C": "Q8_CAFFEINE",
    "TR_": "Q9_TRIGGERS",
    "M_": "Q10_CONTEXT",
    "X_": "Q10_CONTEXT",
}


BASE = ("A_LEG", "B_LOW", "C0", "TR_NONE", "X_NONE")


def answers(*options: str) -> dict[str, frozenset[str]]:
    """Answers keyed by question id, as the questionnaire hands them over."""
    by_question: dict[str, set[str]] = {}
    for option in options:
        prefix = next(p for p in _QUESTION_OF_PREFIX if option.startswith(p))
        by_question.setdefault(_QUESTION_OF_PREFIX[prefix], set()).add(option)
    return {question: frozenset(chosen) for question, chosen in by_question.items()}


def outcome(level: Level = Level.L0, *rule_ids: str, exit: Exit | None = None) -> Outcome:
    reasons = tuple(Reason(rule_id, "some_reason", level) for rule_id in rule_ids)
    return Outcome(level=level, reasons=reasons, exit=exit)


def plan(
    *options: str,
    result: Outcome | None = None,
    prefs: Preferences | None = None,
    today: dt.date = MONDAY,
    consent: bool = True,
) -> tuple[PlannedNudge, ...]:
    # Each question answered as in BASE unless the test answers it itself.
    merged = {**answers(*BASE), **answers(*options)}
    return plan_nudges(result or outcome(), merged, prefs or Preferences(), today, consent)


def ids(planned: tuple[PlannedNudge, ...]) -> set[str]:
    return {nudge.nudge_id for nudge in planned}


def only(planned: tuple[PlannedNudge, ...], nudge_id: str) -> list[PlannedNudge]:
    return [nudge for nudge in planned if nudge.nudge_id == nudge_id]


def dates_of(schedule: LocalSchedule) -> Iterator[dt.date]:
    """Every local date the schedule fires on (it is always bounded in the plan)."""
    assert schedule.end is not None
    day = schedule.start
    while day <= schedule.end:
        on_weekday = schedule.weekdays is None or day.weekday() in schedule.weekdays
        listed = schedule.dates is None or day in schedule.dates
        if on_weekday and listed:
            yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param((), {"N_HYDRATE"}, id="everyone-gets-water-checks"),
        pytest.param(("TR_SWEAT",), {"N_HYDRATE_PLUS"}, id="sweating-replaces-hydrate"),
        pytest.param(
            ("TR_EXERCISE",), {"N_HYDRATE_PLUS", "N_WARMUP"}, id="exercise-hydrate-plus-and-warmup"
        ),
        pytest.param(("X_FLUIDLIM",), {"N_FLUID_CARE"}, id="fluid-limit-replaces-hydrate"),
        pytest.param(
            ("X_FLUIDLIM", "TR_SWEAT"), {"N_FLUID_CARE"}, id="fluid-limit-replaces-hydrate-plus"
        ),
        pytest.param(
            ("C3_4", "C_STRONG_N"), {"N_HYDRATE", "N_CAFF_TRIM"}, id="moderate-caffeine-trim"
        ),
        pytest.param(
            ("C3_4",), {"N_HYDRATE", "N_CAFF_TRIM"}, id="moderate-caffeine-without-followup"
        ),
        pytest.param(("C3_4", "C_STRONG_Y"), {"N_HYDRATE", "N_CAFF_CUT"}, id="strong-drinks-cut"),
        pytest.param(("C5P", "C_STRONG_N"), {"N_HYDRATE", "N_CAFF_CUT"}, id="five-or-more-cut"),
        pytest.param(("C1_2",), {"N_HYDRATE"}, id="one-or-two-drinks-no-caffeine-nudge"),
        pytest.param(
            ("C1_2", "X_PREGNANT"), {"N_HYDRATE", "N_CAFF_PREG"}, id="pregnant-any-caffeine"
        ),
        pytest.param(
            ("C5P", "X_PREGNANT"), {"N_HYDRATE", "N_CAFF_PREG"}, id="pregnancy-replaces-cut"
        ),
        pytest.param(
            ("C3_4", "X_PREGNANT"), {"N_HYDRATE", "N_CAFF_PREG"}, id="pregnancy-replaces-trim"
        ),
        pytest.param(("C0", "X_PREGNANT"), {"N_HYDRATE"}, id="pregnant-no-caffeine"),
        pytest.param(("TR_SLEEP",), {"N_HYDRATE", "N_SLEEP"}, id="short-sleep"),
        pytest.param(
            ("A_EYELID",), {"N_HYDRATE", "N_SLEEP", "N_EYE_BREAK"}, id="eyelid-sleep-and-eye-break"
        ),
        pytest.param(("A_EYES_BOTH",), {"N_HYDRATE", "N_SLEEP"}, id="both-eyes-sleep"),
        pytest.param(("TR_SCREENS",), {"N_HYDRATE", "N_EYE_BREAK"}, id="screens-eye-break"),
        pytest.param(("TR_STRESS",), {"N_HYDRATE", "N_BREATHE"}, id="stress-breathe-not-worry"),
        pytest.param(("B_HIGH",), {"N_HYDRATE", "N_BREATHE", "N_WORRY"}, id="high-worry"),
        pytest.param(("TR_ALCOHOL",), {"N_HYDRATE", "N_ALCOHOL"}, id="alcohol"),
        pytest.param(("TR_DIET",), {"N_HYDRATE", "N_MG_FOOD"}, id="diet"),
    ],
)
def test_each_answer_earns_exactly_the_nudges_of_the_spec_table(
    options: tuple[str, ...], expected: set[str]
) -> None:
    assert ids(plan(*options)) == expected


def test_a_suspected_medicine_earns_the_pharmacist_reminder() -> None:
    planned = plan(result=outcome(Level.L1, "R-R4"))
    assert ids(planned) == {"N_HYDRATE", "N_MED_TALK"}


def test_a_medicine_rule_other_than_r_r4_earns_no_pharmacist_reminder() -> None:
    assert "N_MED_TALK" not in ids(plan(result=outcome(Level.L3, "R-U7")))
    assert "N_MED_TALK" not in ids(plan(result=outcome(Level.L2, "R-S10")))


@pytest.mark.parametrize("level", [Level.L3, Level.L4], ids=["L3", "L4"])
def test_no_nudges_at_all_after_an_urgent_result(level: Level) -> None:
    everything = ("A_EYELID", "B_HIGH", "C5P", "TR_SLEEP", "TR_EXERCISE", "TR_DIET", "M_NEWMED")
    assert plan(*everything, result=outcome(level, "R-R4")) == ()


@pytest.mark.parametrize("level", [Level.L0, Level.L1, Level.L2], ids=["L0", "L1", "L2"])
def test_self_care_and_routine_levels_get_nudges(level: Level) -> None:
    assert ids(plan("TR_SLEEP", result=outcome(level))) == {"N_HYDRATE", "N_SLEEP"}


def test_no_nudges_without_reminders_consent() -> None:
    assert plan("A_EYELID", "TR_SLEEP", "C5P", consent=False) == ()


@pytest.mark.parametrize("exit", [Exit.EXIT_UNDER18, Exit.EXIT_NO_CONSENT], ids=str)
def test_people_who_were_not_triaged_get_no_plan(exit: Exit) -> None:
    assert plan(result=outcome(Level.L0, exit=exit)) == ()


def test_a_known_condition_gets_only_general_wellbeing_reminders() -> None:
    everything = ("A_EYELID", "B_HIGH", "C5P", "TR_SLEEP", "TR_SWEAT", "TR_EXERCISE", "TR_DIET")
    known = outcome(Level.L1, "R-R11", "R-R4", exit=Exit.EXIT_KNOWN_CONDITION)
    assert ids(plan(*everything, result=known)) == {"N_HYDRATE_PLUS", "N_SLEEP", "N_BREATHE"}


def test_a_known_condition_with_a_fluid_limit_still_gets_the_fluid_care_note() -> None:
    known = outcome(Level.L1, "R-R11", exit=Exit.EXIT_KNOWN_CONDITION)
    assert ids(plan("X_FLUIDLIM", result=known)) == {"N_FLUID_CARE"}


# ---- when ------------------------------------------------------------------------------


def test_water_checks_run_at_ten_and_three_for_fourteen_days_from_today() -> None:
    (hydrate,) = only(plan(), "N_HYDRATE")
    assert hydrate.schedule.times == (dt.time(10), dt.time(15))
    fired = list(dates_of(hydrate.schedule))
    assert (fired[0], len(fired)) == (MONDAY, 14)
    assert hydrate.schedule.end == MONDAY + dt.timedelta(days=13)


def test_hydrate_plus_has_four_daily_slots() -> None:
    (plus,) = only(plan("TR_SWEAT"), "N_HYDRATE_PLUS")
    times = (dt.time(9, 30), dt.time(12, 30), dt.time(15, 30), dt.time(18, 30))
    assert plus.schedule.times == times
    assert len(list(dates_of(plus.schedule))) == 14


def test_fluid_care_is_a_single_note_at_ten_on_day_one() -> None:
    (care,) = only(plan("X_FLUIDLIM"), "N_FLUID_CARE")
    assert care.schedule.times == (dt.time(10),)
    assert list(dates_of(care.schedule)) == [MONDAY]


@pytest.mark.parametrize(
    ("options", "nudge_id", "slots"),
    [
        pytest.param(
            ("C3_4",), "N_CAFF_TRIM", {"cap": dt.time(10, 30), "cutoff": dt.time(14)}, id="trim"
        ),
        pytest.param(("C5P",), "N_CAFF_CUT", {"plan": dt.time(9), "cutoff": dt.time(14)}, id="cut"),
    ],
)
def test_caffeine_nudges_have_two_differently_worded_slots(
    options: tuple[str, ...], nudge_id: str, slots: dict[str, dt.time]
) -> None:
    planned = only(plan(*options), nudge_id)
    assert {nudge.slot: nudge.schedule.times for nudge in planned} == {
        slot: (at,) for slot, at in slots.items()
    }
    assert all(len(list(dates_of(nudge.schedule))) == 14 for nudge in planned)


def test_pregnancy_caffeine_reminder_is_daily_at_half_past_ten() -> None:
    (preg,) = only(plan("C1_2", "X_PREGNANT"), "N_CAFF_PREG")
    assert preg.schedule.times == (dt.time(10, 30),)


@pytest.mark.parametrize(
    ("bedtime", "wind_down"),
    [
        pytest.param(dt.time(23, 0), dt.time(22, 15), id="default-bedtime-22-15"),
        pytest.param(dt.time(22, 0), dt.time(21, 15), id="early-bedtime"),
        pytest.param(
            dt.time(0, 30), dt.time(23, 45), id="after-midnight-winds-down-the-evening-before"
        ),
    ],
)
def test_wind_down_comes_45_minutes_before_bedtime(bedtime: dt.time, wind_down: dt.time) -> None:
    (sleep,) = only(plan("TR_SLEEP", prefs=Preferences(bedtime=bedtime)), "N_SLEEP")
    assert sleep.schedule.times == (wind_down,)
    assert len(list(dates_of(sleep.schedule))) == 14


def test_default_bedtime_gives_the_spec_default_wind_down_time() -> None:
    (sleep,) = only(plan("TR_SLEEP"), "N_SLEEP")
    assert sleep.schedule.times == (dt.time(22, 15),)


def test_warm_up_is_half_an_hour_before_and_cool_down_75_minutes_after_on_workout_days() -> None:
    planned = {nudge.slot: nudge.schedule for nudge in only(plan("TR_EXERCISE"), "N_WARMUP")}
    assert planned["warmup"].times == (dt.time(17, 0),)
    assert planned["cooldown"].times == (dt.time(18, 45),)
    for schedule in planned.values():
        assert schedule.weekdays == frozenset({0, 2, 4})
        assert len(list(dates_of(schedule))) == 6  # Mon/Wed/Fri over two weeks


def test_warm_up_before_a_just_after_midnight_workout_lands_the_evening_before() -> None:
    prefs = Preferences(workout_days=frozenset({1}), workout_time=dt.time(0, 15))
    planned = {
        nudge.slot: nudge.schedule for nudge in only(plan("TR_EXERCISE", prefs=prefs), "N_WARMUP")
    }
    assert planned["warmup"].times == (dt.time(23, 45),)
    assert planned["warmup"].weekdays == frozenset({0})
    assert planned["cooldown"].weekdays == frozenset({1})


@pytest.mark.parametrize(
    ("options", "nudge_id", "weekdays", "at", "count"),
    [
        pytest.param(("B_HIGH",), "N_WORRY", {6}, dt.time(11), 2, id="worry-sundays"),
        pytest.param(("TR_ALCOHOL",), "N_ALCOHOL", {4, 5}, dt.time(17), 4, id="alcohol-fri-sat"),
        pytest.param(("TR_DIET",), "N_MG_FOOD", {1, 4}, dt.time(12), 4, id="food-tue-fri"),
    ],
)
def test_weekly_nudges_fall_on_their_days_for_two_weeks(
    options: tuple[str, ...], nudge_id: str, weekdays: set[int], at: dt.time, count: int
) -> None:
    (nudge,) = only(plan(*options), nudge_id)
    fired = list(dates_of(nudge.schedule))
    assert {day.weekday() for day in fired} == weekdays
    assert len(fired) == count
    assert nudge.schedule.times == (at,)


@pytest.mark.parametrize(
    "today", [MONDAY, WEDNESDAY, SATURDAY], ids=["from-monday", "from-wednesday", "from-saturday"]
)
def test_eye_breaks_run_on_ten_working_days_only(today: dt.date) -> None:
    (eye,) = only(plan("A_EYELID", today=today), "N_EYE_BREAK")
    fired = list(dates_of(eye.schedule))
    assert len(fired) == 10
    assert all(day.weekday() < 5 for day in fired)
    assert eye.schedule.times == (dt.time(11), dt.time(15, 30))
    assert eye.schedule.end == fired[-1]


def test_pharmacist_reminder_is_on_day_one_and_day_four_at_ten() -> None:
    (talk,) = only(plan(result=outcome(Level.L1, "R-R4")), "N_MED_TALK")
    assert list(dates_of(talk.schedule)) == [MONDAY, MONDAY + dt.timedelta(days=3)]
    assert talk.schedule.times == (dt.time(10),)


# ---- which preferences to ask ----------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "level", "expected"),
    [
        pytest.param(("TR_SLEEP",), Level.L0, {"bedtime"}, id="sleep-asks-bedtime"),
        pytest.param(("A_EYELID",), Level.L0, {"bedtime"}, id="eyelid-asks-bedtime"),
        pytest.param(("TR_EXERCISE",), Level.L1, {"workout"}, id="exercise-asks-workout"),
        pytest.param(("TR_SLEEP", "TR_EXERCISE"), Level.L2, {"bedtime", "workout"}, id="both"),
        pytest.param(("TR_STRESS",), Level.L0, set(), id="nothing-to-ask"),
        pytest.param(("TR_SLEEP", "TR_EXERCISE"), Level.L3, set(), id="nothing-at-L3"),
    ],
)
def test_preferences_are_asked_only_for_nudges_that_need_them(
    options: tuple[str, ...], level: Level, expected: set[str]
) -> None:
    assert needs_preferences(outcome(level), answers(*options)) == expected


# ---- the words -------------------------------------------------------------------------


def catalogue() -> dict[str, object]:
    with CATALOGUE.open("rb") as handle:
        return tomllib.load(handle)


def every_planned_slot() -> set[tuple[str, str]]:
    everything = ("A_EYELID", "B_HIGH", "TR_SLEEP", "TR_EXERCISE", "TR_DIET", "TR_ALCOHOL")
    slots = set()
    scenarios = [(*everything, *extra) for extra in (("C3_4",), ("C5P",), ("C1_2", "X_PREGNANT"))]
    for options in [*scenarios, ("X_FLUIDLIM",), ()]:
        for nudge in plan(*options, result=outcome(Level.L1, "R-R4")):
            slots.add((nudge.nudge_id, nudge.slot or "default"))
    return slots


def test_the_plan_can_produce_every_nudge_of_the_spec() -> None:
    assert {nudge_id for nudge_id, _ in every_planned_slot()} == set(NUDGE_IDS)
    assert len(NUDGE_IDS) == 14


@pytest.mark.parametrize(
    ("nudge_id", "slot"),
    [pytest.param(*slot, id=".".join(slot)) for slot in sorted(every_planned_slot())],
)
def test_every_planned_slot_has_at_least_two_rotating_variants(nudge_id: str, slot: str) -> None:
    nudges = catalogue()["nudge"]
    assert isinstance(nudges, dict)
    variants = nudges[nudge_id][slot]
    assert len(variants) >= 2
    assert sorted(variants) == [str(n) for n in range(1, len(variants) + 1)]


@pytest.mark.parametrize("nudge_id", NUDGE_IDS)
def test_every_nudge_has_a_plain_words_line_in_the_plan_summary(nudge_id: str) -> None:
    plan_lines = catalogue()["plan"]
    assert isinstance(plan_lines, dict)
    assert plan_lines[nudge_id].strip()


def all_strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from all_strings(value)


FORBIDDEN = {
    "a cure": r"\bcur(e|es|ed|ing)\b",
    "treatment claims": r"\btreat",
    "prevention claims": r"\bprevent",
    "supplements": r"\bsupplement|\bmagnesium\b|\bcalcium\b|\bpotassium\b|\bquinine\b|tonic water",
    "doses": r"\bmg\b|\bdose",
    "stopping a medicine": r"\bstop(ping)? (taking )?(your |the )?(medic|tablet|pill)",
    "disease names": r"\b(ALS|MND|MS|BFS|lupus|myokymia|sclerosis|motor neurone)\b",
    "diagnosis": r"\byou have\b|\bit's just\b|\bdiagnos",
}


@pytest.mark.parametrize("pattern", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_no_reminder_or_check_in_text_says_what_the_bot_must_never_say(pattern: str) -> None:
    offending = [text for text in all_strings(catalogue()) if re.search(pattern, text, re.I)]
    assert offending == []


def test_every_pharmacist_reminder_says_to_keep_taking_the_medicine() -> None:
    nudges = catalogue()["nudge"]
    assert isinstance(nudges, dict)
    for text in nudges["N_MED_TALK"]["default"].values():
        assert "keep taking" in text.lower()
