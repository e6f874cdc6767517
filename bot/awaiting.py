"""What typed text a person's next message answers: the closed set of `user.awaiting` values.

Stored on the user row, so a restart between the tap that asked and the typing loses nothing.
A new time for one nudge series carries the series' id after the prefix (`time:812`).
"""

from __future__ import annotations

from enum import StrEnum


class Awaiting(StrEnum):
    TZ = "tz"
    COUNTRY = "country"
    COUNTRY_THEN_TRIAGE = "country:t"
    QUIET = "quiet"
    BEDTIME = "bedtime"
    WORKOUT_TIME = "workout_time"
    RETIME = "time:"

    def on(self, reminder_id: int) -> str:
        """The stored value for a new time of series `reminder_id` (RETIME only)."""
        assert self is Awaiting.RETIME
        return f"{self.value}{reminder_id}"


COUNTRY_ANSWERS = frozenset({Awaiting.COUNTRY, Awaiting.COUNTRY_THEN_TRIAGE})
BACK_WORDS = frozenset({"back", "go back", "undo"})
"""Typed words that do what a Back button does, in a questionnaire or a check-in."""


def says_back(text: str) -> bool:
    return text.strip().lower() in BACK_WORDS


def parse(stored: str | None) -> tuple[Awaiting, int | None] | None:
    """The awaited answer and, for a new time, its series; None for nothing or a value no
    longer known."""
    if stored is None:
        return None
    if stored.startswith(Awaiting.RETIME.value):
        number = stored[len(Awaiting.RETIME.value) :]
        return (Awaiting.RETIME, int(number)) if number.isdigit() else None
    try:
        return Awaiting(stored), None
    except ValueError:
        return None
