"""The follow-up's values (spec §4.2): an episode's follow-up state and how it is saved, one
answered check-in, and the closed sets its screens offer.

`FollowUpState.to_json()` is what the episode's `followup` column holds; `from_json` reads it
back and refuses anything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from triage.levels import Level
from triage.questions import QUESTIONS, InvalidAnswer

SIX_WEEKS = dt.timedelta(weeks=6)
WEEK = dt.timedelta(days=7)
TWO_WEEKS = dt.timedelta(days=14)
JSON_VERSION = 1

NOT_NEW_SIGNS = frozenset({"N_HEAVY", "N_TINGLE_LOCAL"})
"""Q6 items that are not §4.2 "new signs": a heavy feeling and tingling where the twitch is."""

RED_FLAG_SIGNS: tuple[str, ...] = tuple(
    # §4.2 "new signs": the Q6 and Q7 items, without NOT_NEW_SIGNS and the "none"s.
    option.id
    for question in ("Q6_NERVE", "Q7_EYE_BODY")
    for option in QUESTIONS[question].options
    if not option.exclusive and option.id not in NOT_NEW_SIGNS
)

HABITS: Mapping[str, tuple[str, ...]] = {
    # §4.2 habit snapshot: caffeinated drinks yesterday, hours slept, drank enough.
    "caffeine": ("c0", "c1_2", "c3_4", "c5p"),
    "sleep": ("lt5", "5_6", "7_9", "gt9"),
    "fluids": ("yes", "no"),
}


class Status(StrEnum):
    GONE = "gone"
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    SPREAD = "spread"


class Doctor(StrEnum):
    BOOKED = "booked"
    SEEN = "seen"
    NOT_YET = "not_yet"
    DONT_WANT = "dont_want"


class Suggestion(StrEnum):
    """F-E5: "What did they suggest?", asked on the doctor screen after "Seen"."""

    KEEP_AN_EYE = "keep_an_eye"
    TESTS = "tests"
    OTHER = "other"


@dataclass(frozen=True)
class FollowUpState:
    """One episode's follow-up: its level, counters, flags and next check-in (naive local).

    `opened` is the triage date (day 0); `level_since` is the date the current level was set,
    from which that level's cadence counts. `onset_checkin` is the rev 2 `onset_date_checkin`
    that F-E4 counts from (None in states saved before it existed: `onset_date` stands in).
    """

    level: Level
    reasons: tuple[str, ...]
    onset_date: dt.date
    opened: dt.date
    level_since: dt.date
    checkins_done: int = 0
    better_streak: int = 0
    unanswered: int = 0
    gone_since: dt.date | None = None
    seen: bool = False
    monitoring: bool = False
    weekly: bool = False
    restated_advice: bool = False
    closed: bool = False
    next_checkin: dt.datetime | None = None
    onset_checkin: dt.date | None = None

    @property
    def horizon(self) -> dt.date:
        """The "6 weeks" of §4.1 and F-E6."""
        return self.level_since + SIX_WEEKS

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict for the episode's `followup` column."""
        return {
            "v": JSON_VERSION,
            "level": self.level.value,
            "reasons": list(self.reasons),
            **{name: getattr(self, name).isoformat() for name in _DATES},
            **{name: getattr(self, name) for name in _COUNTERS + _FLAGS},
            "gone_since": _iso(self.gone_since),
            "next_checkin": _iso(self.next_checkin),
            "onset_checkin": _iso(self.onset_checkin),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> FollowUpState:
        """The state `to_json` wrote; InvalidAnswer when the data is not such a state."""
        if data.get("v") != JSON_VERSION:
            raise InvalidAnswer(f"unknown follow-up state version {data.get('v')!r}")
        try:
            return cls(
                level=Level(_typed(data, "level", str)),
                reasons=_reasons(data),
                onset_date=_date(data, "onset_date"),
                opened=_date(data, "opened"),
                level_since=_date(data, "level_since"),
                checkins_done=_typed(data, "checkins_done", int),
                better_streak=_typed(data, "better_streak", int),
                unanswered=_typed(data, "unanswered", int),
                seen=_typed(data, "seen", bool),
                monitoring=_typed(data, "monitoring", bool),
                weekly=_typed(data, "weekly", bool),
                restated_advice=_typed(data, "restated_advice", bool),
                closed=_typed(data, "closed", bool),
                gone_since=_optional(data, "gone_since", dt.date.fromisoformat),
                next_checkin=_optional(data, "next_checkin", dt.datetime.fromisoformat),
                onset_checkin=_optional(data, "onset_checkin", dt.date.fromisoformat),
            )
        except ValueError as error:  # a bad level or date
            raise InvalidAnswer(str(error)) from error


_DATES = ("onset_date", "opened", "level_since")
_COUNTERS = ("checkins_done", "better_streak", "unanswered")
_FLAGS = ("seen", "monitoring", "weekly", "restated_advice", "closed")


def _reasons(data: Mapping[str, object]) -> tuple[str, ...]:
    reasons = data.get("reasons")
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise InvalidAnswer("reasons must be a list of reason codes")
    return tuple(reasons)


def _date(data: Mapping[str, object], key: str) -> dt.date:
    return dt.date.fromisoformat(_typed(data, key, str))


def _optional(data: Mapping[str, object], key: str, parse: Callable[[str], _V]) -> _V | None:
    value = data.get(key)
    return None if value is None else parse(_typed(data, key, str))


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


_T = TypeVar("_T")
_V = TypeVar("_V")


def _typed(data: Mapping[str, object], key: str, kind: type[_T]) -> _T:
    value = data.get(key)
    # bool is an int subclass: a counter must not accept True, nor a flag accept 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidAnswer(f"{key} must be {kind.__name__}, got {value!r}")
    return value


@dataclass(frozen=True)
class CheckinAnswers:
    """One answered check-in (§4.2). `status` is None when not asked (monitoring).

    `escalated` is True when the new signs already raised the level during this check-in
    (triage.escalation): the next check-in that raise set then stands.
    """

    safety_positive: bool
    status: Status | None = None
    new_signs: frozenset[str] = frozenset()
    doctor: Doctor | None = None
    suggestion: Suggestion | None = None
    habits: Mapping[str, str] = field(default_factory=dict)
    escalated: bool = False

    def __post_init__(self) -> None:
        unknown = self.new_signs - frozenset(RED_FLAG_SIGNS)
        if unknown:
            raise InvalidAnswer(f"not a check-in red-flag sign: {sorted(unknown)}")
        for question, option in self.habits.items():
            if option not in HABITS.get(question, ()):
                raise InvalidAnswer(f"not a habit answer: {question}={option}")
