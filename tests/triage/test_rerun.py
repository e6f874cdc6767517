"""Folding a finished questionnaire into its episode (F-N1, F-E2, F-E3 rev 2)."""

from __future__ import annotations

import datetime as dt

from triage.flow import Finished, TriageState
from triage.levels import Level
from triage.outcome import Outcome, Reason
from triage.rerun import EpisodeRecord, as_shown, fold, pauses_nudges

MAY_1, MAY_5 = dt.date(2026, 5, 1), dt.date(2026, 5, 5)


def finished(level: Level, rule: str, onset: dt.date | None = None) -> Finished:
    outcome = Outcome(level, (Reason(rule, "code", level),), onset_date=onset)
    return Finished(outcome, TriageState({}, None, 1))


def test_a_rerun_scoring_lower_keeps_the_episode_at_its_higher_level() -> None:
    record = fold(EpisodeRecord(Level.L3, ("R-U2",), MAY_1), finished(Level.L1, "R-R1"))
    assert record.level == Level.L3


def test_a_rerun_scoring_higher_raises_the_episode() -> None:
    record = fold(EpisodeRecord(Level.L1, ("R-R1",), MAY_1), finished(Level.L3, "R-U2"))
    assert record.level == Level.L3


def test_reasons_are_merged_in_order_without_repeats() -> None:
    record = fold(EpisodeRecord(Level.L1, ("R-R1", "R-U2"), None), finished(Level.L3, "R-U2"))
    assert record.reasons == ("R-R1", "R-U2")


def test_the_onset_moves_only_earlier() -> None:
    later = fold(EpisodeRecord(Level.L1, (), MAY_1), finished(Level.L1, "R-R1", MAY_5))
    earlier = fold(EpisodeRecord(Level.L1, (), MAY_5), finished(Level.L1, "R-R1", MAY_1))
    assert (later.onset, earlier.onset) == (MAY_1, MAY_1)


def test_the_first_assessment_takes_the_outcome_as_it_is() -> None:
    record = fold(EpisodeRecord(None, (), None), finished(Level.L2, "R-S1", MAY_5))
    assert record == EpisodeRecord(Level.L2, ("R-S1",), MAY_5)


def test_the_result_is_shown_at_the_episode_level_when_that_stands_higher() -> None:
    shown = as_shown(finished(Level.L1, "R-R1"), EpisodeRecord(Level.L4, (), None))
    assert shown.outcome.level == Level.L4
    assert (
        as_shown(finished(Level.L2, "R-S1"), EpisodeRecord(Level.L1, (), None)).outcome.level
        == Level.L2
    )


def test_nudges_pause_from_l3() -> None:
    assert [pauses_nudges(level) for level in Level] == [False, False, False, True, True]


def test_a_held_level_is_led_by_the_stored_reasons_that_set_it() -> None:
    shown = as_shown(finished(Level.L0, "R-N0"), EpisodeRecord(Level.L2, ("R-R1", "R-S1"), None))
    assert shown.outcome.level == Level.L2
    assert shown.outcome.reasons[0] == Reason("R-S1", "weakness", Level.L2)
    assert [r.rule_id for r in shown.outcome.reasons] == ["R-S1", "R-N0"]  # R-R1 is L1


def test_an_emergency_told_outside_the_questions_is_a_stored_reason_too() -> None:
    shown = as_shown(finished(Level.L1, "R-R1"), EpisodeRecord(Level.L4, ("F-E1",), None))
    assert shown.outcome.reasons[0] == Reason("F-E1", "emergency_sign", Level.L4)
