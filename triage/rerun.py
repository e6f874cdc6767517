"""What a finished questionnaire does to the episode it assessed (F-N1, F-E2, F-E3 rev 2).

The episode keeps the highest level it has reached: an emergency reported during the
questions, or a sign raised at a check-in, outranks what a later set of answers scores. The
reasons are merged, in order and without repeats, and the onset only moves earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from triage.flow import Finished
from triage.levels import Level, highest


@dataclass(frozen=True)
class EpisodeRecord:
    """What an episode holds of its assessments: level, the rules that set it, the onset."""

    level: Level | None
    reasons: tuple[str, ...]
    onset: dt.date | None


def fold(record: EpisodeRecord, finished: Finished) -> EpisodeRecord:
    """The episode after `finished`: the level never drops (F-N1); the onset stands from the
    first triage and moves only when the person now says it started earlier."""
    outcome = finished.outcome
    levels = [outcome.level, *([record.level] if record.level else [])]
    known = [when for when in (record.onset, outcome.onset_date) if when is not None]
    return EpisodeRecord(
        level=highest(levels),
        reasons=tuple(dict.fromkeys([*record.reasons, *outcome.rule_ids])),
        onset=min(known, default=None),
    )


def as_shown(finished: Finished, stored: Level | None) -> Finished:
    """The result at the episode's level when that stands higher than the answers score."""
    if stored is None or stored <= finished.outcome.level:
        return finished
    return replace(finished, outcome=replace(finished.outcome, level=stored))


def pauses_nudges(level: Level) -> bool:
    """From L3 a re-run's follow-up stops the prevention nudges: the advice is to be seen."""
    return level >= Level.L3
