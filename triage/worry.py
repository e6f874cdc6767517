"""Answers to health worry (spec §5.5 and §5.6, rev 2): the "could this be ALS?" answer by the
person's level, and when a new triage is repeated checking.

Pure: the caller passes the level it has stored and the times it knows; the functions return
catalogue keys and yes/no decisions.
"""

from __future__ import annotations

import datetime as dt

from triage.levels import Level

REPEAT_WINDOW = dt.timedelta(hours=24)
"""§5.6 rev 2: a new triage within this long of the last one is repeated checking."""

ROUTINE_ANSWER = "disease_question"
"""The §5.5 answer ending with the routine GP visit: right at L0 and L1 only."""


def disease_answer(level: Level | None) -> tuple[str, ...]:
    """Catalogue keys of the §5.5 answer for a person at `level` (None: never assessed).

    Rev 2: at L2 and above the answer never suggests a routine visit below the advice already
    given; its last sentence restates that level's action instead.
    """
    if level is None or level <= Level.L1:
        return (ROUTINE_ANSWER,)
    return ("disease_answer.body", f"disease_answer.{level.value}")


def is_repeat_check(
    last_assessed: dt.datetime | None, now: dt.datetime, changed_since: bool
) -> bool:
    """§5.6 rev 2: a triage within 24 hours of the last, with nothing new reported since."""
    if last_assessed is None or changed_since:
        return False
    return dt.timedelta(0) <= now - last_assessed < REPEAT_WINDOW


def repeat_check_answer(level: Level) -> tuple[str, ...]:
    """Catalogue keys of the §5.6 answer: same advice, what would change it, one tip."""
    return ("repeat_check.same", f"repeat_check.would_change.{level.value}", "repeat_check.tip")
