"""The check-in conversation's decisions (spec §4.2, §4.4 rev 2): which screen comes next,
when the answers so far are assessed at once, what the saved answers mean, and which
questions a re-run asks.

| screen     | options                                      | next                              |
|------------|----------------------------------------------|-----------------------------------|
| safety     | the Q1 emergency list, and "No"              | positive: F-E1, the end           |
| status     | Gone · Better · Same · Worse · Spread        | new_signs (monitoring: the end)   |
| new_signs  | the Q6/Q7 red flags, or nothing new          | assess at once, then doctor/habits|
| doctor     | Booked · Seen · Not yet · Don't want to      | Seen: suggestion; else habits     |
| suggestion | Keep an eye on it · Tests · Something else   | habits                            |
| habits     | caffeine, sleep, fluids, or Skip             | the end                           |

Back on any screen after the first shows the one before it (`previous_screen`), its answer kept.

Pure: the saved answers are the plain JSON the caller stores on its check-in row.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from triage.followup import (
    Action,
    CheckinAnswers,
    Doctor,
    FollowUpState,
    Status,
    Suggestion,
    questions_for,
)
from triage.questions import MAIN_ORDER, QUESTIONS

EMERGENCY_SIGNS: tuple[str, ...] = tuple(
    option.id for option in QUESTIONS["Q1_EMERGENCY"].options if not option.exclusive
)
"""The safety screen's list: every Q1 sign (§4.2 item 1), rev 2's included."""

CHOICES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "status": tuple(Status),
        "doctor": tuple(Doctor),
        "suggestion": tuple(Suggestion),
    }
)
"""The one-tap screens and their options."""

RERUN_FULL = MAIN_ORDER[1:]
"""F-E2: Q2–Q10 again, prefilled."""

RERUN_PARTIAL = ("Q2_AREA", "Q5_CHANGE", "Q6_NERVE", "Q7_EYE_BODY")
"""F-E3: Q2, Q5, Q6 and Q7 again, prefilled."""


def screens_for(state: FollowUpState, saved: Mapping[str, object]) -> tuple[str, ...]:
    """The screens asked, in order; "Seen" adds the suggestion after the doctor (F-E5)."""
    screens = list(questions_for(state))
    if "doctor" in screens and saved.get("doctor") == Doctor.SEEN:
        screens.insert(screens.index("doctor") + 1, "suggestion")
    return tuple(screens)


def next_screen(state: FollowUpState, saved: Mapping[str, object], current: str) -> str | None:
    """The screen after `current`, or None at the end."""
    screens = screens_for(state, saved)
    if current not in screens:
        return None
    later = screens[screens.index(current) + 1 :]
    return later[0] if later else None


def previous_screen(state: FollowUpState, saved: Mapping[str, object], current: str) -> str | None:
    """The screen before `current` (what Back shows), or None on the first or an unknown one."""
    screens = screens_for(state, saved)
    if current not in screens or screens.index(current) == 0:
        return None
    return screens[screens.index(current) - 1]


def assess_after(screen: str, following: str | None) -> bool:
    """Whether answering `screen` (next: `following`) completes what F-E2/F-E3 read: the new
    signs, or the status when no new-signs screen comes after it (monitoring)."""
    return screen == "new_signs" or (screen == "status" and following != "new_signs")


def answers_from(saved: Mapping[str, object]) -> CheckinAnswers:
    """The saved answers as the follow-up rules take them; ValueError if they are not such."""
    status, doctor, suggestion = saved.get("status"), saved.get("doctor"), saved.get("suggestion")
    signs, habits = saved.get("new_signs", ()), saved.get("habits", {})
    if not isinstance(signs, list | tuple) or not isinstance(habits, Mapping):
        raise ValueError("new signs must be a list and habits a mapping")
    return CheckinAnswers(
        safety_positive=bool(saved.get("safety")),
        status=Status(str(status)) if status is not None else None,
        new_signs=frozenset(str(sign) for sign in signs),
        doctor=Doctor(str(doctor)) if doctor is not None else None,
        suggestion=Suggestion(str(suggestion)) if suggestion is not None else None,
        habits={str(question): str(option) for question, option in habits.items()},
        escalated=bool(saved.get("escalated")),
    )


RERUNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"full": RERUN_FULL, "partial": RERUN_PARTIAL}
)
"""The re-runs a check-in can offer, by the name its button carries."""


def rerun_questions(actions: frozenset[Action]) -> tuple[str, ...]:
    """The questions a re-run asks after a check-in; () when none is due."""
    if Action.RETRIAGE_FULL in actions:
        return RERUN_FULL
    if Action.RETRIAGE_PARTIAL in actions:
        return RERUN_PARTIAL
    return ()


def rerun_offered(actions: frozenset[Action]) -> str | None:
    """The re-run a check-in's answers offer, by the name its button carries (a key of
    `RERUNS`); None when none is due."""
    only = rerun_questions(actions)
    return next((name for name, questions in RERUNS.items() if only and questions == only), None)
