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
from triage.outcome import Reason
from triage.rules import RULES

EMERGENCY_RULE_ID, EMERGENCY_REASON = "F-E1", "emergency_sign"
"""F-E1: an emergency reported outside the questions raises the episode to L4."""


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


def as_shown(finished: Finished, episode: EpisodeRecord) -> Finished:
    """The result at the episode's level when that stands higher than the answers score,
    led by the stored reasons that set that level, so its advice can name what it was."""
    stored = episode.level
    if stored is None or stored <= finished.outcome.level:
        return finished
    held = tuple(
        reason
        for rule_id in episode.reasons
        if (reason := reason_of(rule_id)) is not None and reason.level == stored
    )
    outcome = finished.outcome
    return replace(finished, outcome=replace(outcome, level=stored, reasons=held + outcome.reasons))


def reason_of(rule_id: str) -> Reason | None:
    """The reason an urgency rule (§3.2, or F-E1 for an emergency typed or told at a
    check-in) gives, as the episode stores only rule ids."""
    if rule_id == EMERGENCY_RULE_ID:
        return Reason(rule_id, EMERGENCY_REASON, Level.L4)
    rule = next((rule for rule in RULES if rule.id == rule_id), None)
    return Reason(rule.id, rule.reason, rule.level) if rule else None


def pauses_nudges(level: Level) -> bool:
    """From L3 a re-run's follow-up stops the prevention nudges: the advice is to be seen."""
    return level >= Level.L3
