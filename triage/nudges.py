"""The prevention nudge plan (spec §3.4): which nudges a finished triage earns, and when.

Pure: the caller passes `today` (the person's local date) and their preferences. Only the plan
lives here; daily caps, quiet hours, digests and "no nudge within 60 min of a check-in" are
the scheduler's job.

Decisions the spec leaves open:

* "14 days" means today .. today + 13 inclusive, and "day 1" is today (N_FLUID_CARE, and
  N_MED_TALK on day 1 and day 4 = today + 3). If a slot has already passed today, the
  scheduler decides; the plan only gives dates.
* N_WORRY is for health worry. The spec also names "TR_STRESS with body-checking", but no
  question asks about body-checking, so B_HIGH ("I'm really worried") is the only trigger:
  stress alone earns N_BREATHE, not a message about cutting down checking.
* EXIT_KNOWN_CONDITION gets only general wellbeing reminders (§3.2 exit text): the fluid
  family (still respecting X_FLUIDLIM), N_SLEEP and N_BREATHE. Caffeine, exercise, food,
  screen and medicine advice for someone with a diagnosed condition belongs to their care team.
* N_CAFF_CUT, N_CAFF_PREG, N_WORRY, N_ALCOHOL and N_MG_FOOD run for the default 14-day plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from triage.levels import NUDGE_LEVELS, Level
from triage.outcome import Exit, Outcome
from triage.schedule import LocalSchedule, PlannedNudge

PLAN_DAYS = 14
EYE_BREAK_WORKING_DAYS = 10
WEEKDAYS = frozenset(range(5))
SLEEP_LEAD = dt.timedelta(minutes=45)
WARMUP_LEAD = dt.timedelta(minutes=30)
COOLDOWN_AFTER = dt.timedelta(minutes=75)

WELLBEING_ONLY = frozenset({"N_HYDRATE", "N_HYDRATE_PLUS", "N_FLUID_CARE", "N_SLEEP", "N_BREATHE"})
"""What EXIT_KNOWN_CONDITION may receive (see the module docstring)."""


@dataclass(frozen=True)
class Preferences:
    """The person's answers to the plan's own questions (spec §3.4 "ask for bedtime").

    The default bedtime 23:00 is implied by the spec's default N_SLEEP time of 22:15
    (bedtime − 45 min). Weekdays count 0 = Monday.
    """

    bedtime: dt.time = dt.time(23, 0)
    workout_days: frozenset[int] = frozenset({0, 2, 4})
    workout_time: dt.time = dt.time(17, 30)


@dataclass(frozen=True)
class _Facts:
    """What the nudge rules look at: every option picked, the caffeine answer, the rules."""

    picked: frozenset[str]
    caffeine: str | None
    rule_ids: frozenset[str]

    def has(self, *option_ids: str) -> bool:
        return any(option in self.picked for option in option_ids)

    @property
    def fluid_limited(self) -> bool:
        return self.has("X_FLUIDLIM")

    @property
    def sweating(self) -> bool:
        return self.has("TR_SWEAT", "TR_EXERCISE")

    @property
    def pregnant_with_caffeine(self) -> bool:
        # §3.4: N_CAFF_PREG replaces both caffeine nudges when X_PREGNANT and Q8 != C0.
        return self.has("X_PREGNANT") and self.caffeine not in (None, "C0")

    @property
    def caffeine_high(self) -> bool:
        # §3.2 derived: caffeine_high = C5P, or C3_4 with an energy drink, tablet or pre-workout.
        return self.caffeine == "C5P" or (self.caffeine == "C3_4" and self.has("C_STRONG_Y"))

    @property
    def caffeine_moderate(self) -> bool:
        return self.caffeine == "C3_4" and not self.has("C_STRONG_Y")


def _facts(outcome: Outcome, answers: Mapping[str, frozenset[str]]) -> _Facts:
    picked = frozenset().union(*answers.values()) if answers else frozenset[str]()
    caffeine = next(iter(sorted(answers.get("Q8_CAFFEINE", frozenset()))), None)
    return _Facts(picked, caffeine, frozenset(outcome.rule_ids))


# Each nudge with the whole condition that schedules it, replacements included, in the
# order of the spec's table.
_TRIGGERS: tuple[tuple[str, Callable[[_Facts], bool]], ...] = (
    ("N_HYDRATE", lambda f: not f.fluid_limited and not f.sweating),
    ("N_HYDRATE_PLUS", lambda f: not f.fluid_limited and f.sweating),
    ("N_FLUID_CARE", lambda f: f.fluid_limited),
    ("N_CAFF_TRIM", lambda f: f.caffeine_moderate and not f.pregnant_with_caffeine),
    ("N_CAFF_CUT", lambda f: f.caffeine_high and not f.pregnant_with_caffeine),
    ("N_CAFF_PREG", lambda f: f.pregnant_with_caffeine),
    ("N_SLEEP", lambda f: f.has("TR_SLEEP", "A_EYELID", "A_EYES_BOTH")),
    ("N_WARMUP", lambda f: f.has("TR_EXERCISE")),
    ("N_BREATHE", lambda f: f.has("TR_STRESS", "B_HIGH")),
    ("N_WORRY", lambda f: f.has("B_HIGH")),
    ("N_ALCOHOL", lambda f: f.has("TR_ALCOHOL")),
    ("N_MG_FOOD", lambda f: f.has("TR_DIET")),
    ("N_EYE_BREAK", lambda f: f.has("A_EYELID", "TR_SCREENS")),
    ("N_MED_TALK", lambda f: "R-R4" in f.rule_ids),
)

NUDGE_IDS = tuple(nudge_id for nudge_id, _ in _TRIGGERS)


def selected_nudges(outcome: Outcome, answers: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    """The nudge ids this outcome earns, in spec order, assuming reminders consent."""
    # §0.2.6 and §3.1 step 5: nothing at L3/L4; exits other than a known condition never
    # reach a plan.
    if outcome.level not in NUDGE_LEVELS or outcome.exit in (
        Exit.EXIT_UNDER18,
        Exit.EXIT_NO_CONSENT,
    ):
        return ()
    facts = _facts(outcome, answers)
    chosen = tuple(nudge_id for nudge_id, wanted in _TRIGGERS if wanted(facts))
    if outcome.level > Level.L1:
        # Tips about worry reassure; from L2 a doctor should see the twitch, so none.
        chosen = tuple(nudge_id for nudge_id in chosen if nudge_id != "N_WORRY")
    if outcome.exit is Exit.EXIT_KNOWN_CONDITION:
        return tuple(nudge_id for nudge_id in chosen if nudge_id in WELLBEING_ONLY)
    return chosen


def plan_nudges(
    outcome: Outcome,
    answers: Mapping[str, frozenset[str]],
    prefs: Preferences,
    today: dt.date,
    reminders_consent: bool,
) -> tuple[PlannedNudge, ...]:
    """Every planned nudge slot for this outcome, starting `today` (spec §3.4)."""
    if not reminders_consent:
        return ()
    return tuple(
        planned
        for nudge_id in selected_nudges(outcome, answers)
        for planned in _BUILDERS[nudge_id](today, prefs)
    )


def needs_preferences(outcome: Outcome, answers: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """Which preference questions to ask: "bedtime" for N_SLEEP, "workout" for N_WARMUP."""
    chosen = selected_nudges(outcome, answers)
    wanted = {"N_SLEEP": "bedtime", "N_WARMUP": "workout"}
    return frozenset(question for nudge_id, question in wanted.items() if nudge_id in chosen)


_Builder = Callable[[dt.date, Preferences], tuple[PlannedNudge, ...]]


def _last_plan_day(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=PLAN_DAYS - 1)


def _daily(nudge_id: str, *times: dt.time, slot: str | None = None) -> _Builder:
    def build(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
        schedule = LocalSchedule(times=times, start=today, end=_last_plan_day(today))
        return (PlannedNudge(nudge_id, schedule, slot),)

    return build


def _on_weekdays(nudge_id: str, weekdays: frozenset[int], at: dt.time) -> _Builder:
    def build(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
        schedule = LocalSchedule((at,), today, _last_plan_day(today), weekdays=weekdays)
        return (PlannedNudge(nudge_id, schedule),)

    return build


def _on_days(nudge_id: str, at: dt.time, *day_numbers: int) -> _Builder:
    """One-offs on "day N" of the plan, where day 1 is today."""

    def build(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
        dates = tuple(today + dt.timedelta(days=n - 1) for n in day_numbers)
        schedule = LocalSchedule((at,), dates[0], dates[-1], dates=dates)
        return (PlannedNudge(nudge_id, schedule),)

    return build


def _slots(*builders: _Builder) -> _Builder:
    def build(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
        return tuple(planned for builder in builders for planned in builder(today, prefs))

    return build


def _shift(
    at: dt.time, by: dt.timedelta, weekdays: frozenset[int]
) -> tuple[dt.time, frozenset[int]]:
    """`at` moved by `by`, with the weekdays moved too when the shift crosses midnight."""
    moved = dt.datetime.combine(dt.date(2000, 1, 3), at) + by  # a Monday, any would do
    day_shift = moved.toordinal() - dt.date(2000, 1, 3).toordinal()
    return moved.time(), frozenset((day + day_shift) % 7 for day in weekdays)


def _sleep(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
    # §3.4: bedtime − 45 min. A bedtime just after midnight winds down the evening before,
    # which for a daily nudge is simply the earlier wall time.
    at, _ = _shift(prefs.bedtime, -SLEEP_LEAD, frozenset())
    return _daily("N_SLEEP", at)(today, prefs)


def _warmup(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
    # §3.4: warm-up 30 min before the workout, cool-down and fluids 75 min after it starts.
    end = _last_plan_day(today)
    planned = []
    for slot, offset in (("warmup", -WARMUP_LEAD), ("cooldown", COOLDOWN_AFTER)):
        at, days = _shift(prefs.workout_time, offset, prefs.workout_days)
        schedule = LocalSchedule((at,), today, end, weekdays=days)
        planned.append(PlannedNudge("N_WARMUP", schedule, slot))
    return tuple(planned)


def _eye_break(today: dt.date, prefs: Preferences) -> tuple[PlannedNudge, ...]:
    # §3.4: weekdays only, for 10 working days counted from today when today is one.
    day, counted = today, 0
    while True:
        counted += day.weekday() in WEEKDAYS
        if counted == EYE_BREAK_WORKING_DAYS:
            break
        day += dt.timedelta(days=1)
    times = (dt.time(11, 0), dt.time(15, 30))
    return (PlannedNudge("N_EYE_BREAK", LocalSchedule(times, today, day, weekdays=WEEKDAYS)),)


_BUILDERS: dict[str, _Builder] = {
    "N_HYDRATE": _daily("N_HYDRATE", dt.time(10, 0), dt.time(15, 0)),
    "N_HYDRATE_PLUS": _daily(
        "N_HYDRATE_PLUS", dt.time(9, 30), dt.time(12, 30), dt.time(15, 30), dt.time(18, 30)
    ),
    "N_FLUID_CARE": _on_days("N_FLUID_CARE", dt.time(10, 0), 1),
    "N_CAFF_TRIM": _slots(
        _daily("N_CAFF_TRIM", dt.time(10, 30), slot="cap"),
        _daily("N_CAFF_TRIM", dt.time(14, 0), slot="cutoff"),
    ),
    "N_CAFF_CUT": _slots(
        _daily("N_CAFF_CUT", dt.time(9, 0), slot="plan"),
        _daily("N_CAFF_CUT", dt.time(14, 0), slot="cutoff"),
    ),
    "N_CAFF_PREG": _daily("N_CAFF_PREG", dt.time(10, 30)),
    "N_SLEEP": _sleep,
    "N_WARMUP": _warmup,
    "N_BREATHE": _daily("N_BREATHE", dt.time(18, 30)),
    "N_WORRY": _on_weekdays("N_WORRY", frozenset({6}), dt.time(11, 0)),
    "N_ALCOHOL": _on_weekdays("N_ALCOHOL", frozenset({4, 5}), dt.time(17, 0)),
    "N_MG_FOOD": _on_weekdays("N_MG_FOOD", frozenset({1, 4}), dt.time(12, 0)),
    "N_EYE_BREAK": _eye_break,
    "N_MED_TALK": _on_days("N_MED_TALK", dt.time(10, 0), 1, 4),
}
