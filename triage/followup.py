"""The follow-up check-in policy (spec §4): the episode's state machine, rules F-E1..F-E7,
F-T1..F-T4 and F-N1, and the cadence of check-ins by level (§4.1).

This module starts a follow-up, lists a check-in's screens, and folds in an unanswered
check-in (F-T4) and a rerun triage; its parts live beside it: the values and their JSON in
`triage.followup_state`, the rules of an answered check-in in `triage.followup_rules`, and the
cadence in `triage.followup_cadence`.

Pure: every function takes the person's local wall time (`now_local`, naive) and returns a
new state plus what the caller must do (`Decision.actions`) and say (`message_keys`, keys of
bot/catalogue/en/reminders.toml). The caller persists `FollowUpState.to_json()` on the episode.

Choices the spec leaves open, made conservatively:

* F-N1: no function here ever lowers `level`; raising it restarts that level's cadence from
  `level_since`. A retriage that lands on the same level keeps the current cadence (F-E5:
  "never re-escalate to the same level for the same reason").
* "6 weeks" (L1 weekly, L2 after being seen, monitoring, F-E6) counts from `level_since`.
* L2: +24 h, then every 2 days while fewer than 9 days have passed at L2 (4 more check-ins),
  then weekly to 6 weeks: the spec does not say to stop before the person is seen.
* L3: +24 h until advice is reported, for at most 6 weeks. L4: one check-in; after it the
  check-ins stop unless the person reports being seen.
* Being seen (F-E5) stops check-ins at L1 unless the clinician said "keep an eye on it"
  (monitoring); at L2 and above check-ins go weekly to 6 weeks.
* F-T1/F-T2 relax the cadence only below L2: at L2 and above the check-ins follow up a
  warning sign, not the twitch, so a twitch getting better does not space them out. For the
  same reason, at L2 and above before being seen, a "Gone" keeps the level's cadence running
  until the F-T3 confirmation a week later.
* Monitoring asks the safety screen only, except at its last check-in (6 weeks) and while an
  F-T3 confirmation is due, which also ask the status (F-E6 and F-T3 need it).
* A new red-flag sign alongside "Gone" is not a clean "Gone": the retriage comes first.
* F-T4 stops check-ins and nudges (PAUSE_NUDGES); it does not mark the episode resolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from triage.checkins import DEFAULT_QUIET, first_checkin, on_day
from triage.followup_cadence import expected_checkins, next_by_cadence
from triage.followup_rules import (
    Action,
    Decision,
    FollowUpClosedError,
    Turn,
    on_answers,
    refuse_if_closed,
    restart_at_level,
)
from triage.followup_state import (
    HABITS,
    RED_FLAG_SIGNS,
    CheckinAnswers,
    Doctor,
    FollowUpState,
    Status,
    Suggestion,
)
from triage.levels import Level, highest
from triage.outcome import Exit, Outcome
from triage.quiet import QuietHours

__all__ = [  # the follow-up's public face; its parts live in the modules named above
    "EPISODE_WINDOW_DAYS",
    "HABITS",
    "RED_FLAG_SIGNS",
    "Action",
    "CheckinAnswers",
    "Decision",
    "Doctor",
    "FollowUpClosedError",
    "FollowUpState",
    "Status",
    "Suggestion",
    "episodes_in_90_days",
    "expected_checkins",
    "on_answers",
    "on_retriage",
    "on_unanswered",
    "questions_for",
    "start_followup",
]

EPISODE_WINDOW_DAYS = 90


def start_followup(
    outcome: Outcome, completed_local: dt.datetime, quiet: QuietHours = DEFAULT_QUIET
) -> FollowUpState:
    """The follow-up of a triage that finished at `completed_local` (naive local); the first
    check-in keeps out of the person's own quiet hours."""
    if outcome.exit in (Exit.EXIT_UNDER18, Exit.EXIT_NO_CONSENT):
        raise ValueError(f"{outcome.exit} has no follow-up")
    floor = Level.L1 if outcome.exit is Exit.EXIT_KNOWN_CONDITION else Level.L0
    level = highest([outcome.level], floor)
    today = completed_local.date()
    return FollowUpState(
        level=level,
        reasons=tuple(reason.code for reason in outcome.reasons),
        onset_date=outcome.onset_date or today,
        onset_checkin=outcome.onset_date_checkin or outcome.onset_date or today,
        opened=today,
        level_since=today,
        next_checkin=first_checkin(level, completed_local, quiet),
    )


def questions_for(state: FollowUpState) -> tuple[str, ...]:
    """The check-in screens to ask, in order (§4.2); () once check-ins have finished."""
    if state.closed:
        return ()
    if state.monitoring:
        last = state.next_checkin is not None and state.next_checkin.date() >= state.horizon
        confirming = state.gone_since is not None  # F-T3 needs the status to close
        return ("safety", "status") if last or confirming else ("safety",)
    doctor = ("doctor",) if state.level >= Level.L1 and not state.seen else ()
    # §4.4 rev 2: no habit snapshot at L3 or L4 before the person says they were seen.
    habits = ("habits",) if state.level < Level.L3 or state.seen else ()
    return ("safety", "status", "new_signs", *doctor, *habits)


def on_unanswered(state: FollowUpState, now_local: dt.datetime) -> Decision:
    """A check-in went unanswered; the second in a row ends check-ins (F-T4), never the level."""
    refuse_if_closed(state)
    turn = Turn(replace(state, unanswered=state.unanswered + 1))
    if turn.state.unanswered >= 2:
        turn.fire("F-T4", Action.STOP_CHECKINS, Action.PAUSE_NUDGES, message="checkin.closing")
        turn.update(closed=True, next_checkin=None)
        return turn.decision()
    # One more try even when the cadence has run out, so that silence always ends with the
    # F-T4 safety-net message rather than nothing.
    if state.level is Level.L4:
        retry: dt.datetime | None = first_checkin(Level.L4, now_local)
    else:
        retry = next_by_cadence(turn.state, now_local, pushed=False)
    turn.update(next_checkin=retry or on_day(now_local.date(), 1))
    return turn.decision()


def on_retriage(
    state: FollowUpState, outcome: Outcome, now_local: dt.datetime | None = None
) -> FollowUpState:
    """Fold a rerun triage (F-E2, F-E3) in: level = max(old, new), reasons merged.

    When the level rises and `now_local` is given, the new level's cadence starts now (its
    first check-in as in §1); without `now_local` the next check-in is left as it was.
    """
    refuse_if_closed(state)
    level = highest([state.level, outcome.level])
    reasons = state.reasons + tuple(
        code for code in (r.code for r in outcome.reasons) if code not in state.reasons
    )
    onset = min(state.onset_date, outcome.onset_date or state.onset_date)
    counted = _earliest(state.onset_checkin, outcome.onset_date_checkin)
    merged = replace(state, level=level, reasons=reasons, onset_date=onset, onset_checkin=counted)
    if level == state.level:
        return merged
    raised = restart_at_level(merged, level, now_local.date() if now_local else state.level_since)
    if now_local is None:
        return raised
    return replace(raised, next_checkin=first_checkin(level, now_local))


def episodes_in_90_days(opened_dates: tuple[dt.date, ...] | list[dt.date], today: dt.date) -> int:
    """Episodes opened in the 90 days ending today, today's included (F-R1 feeds R-R7)."""
    return sum(0 <= (today - opened).days < EPISODE_WINDOW_DAYS for opened in opened_dates)


def _earliest(first: dt.date | None, second: dt.date | None) -> dt.date | None:
    dates = [day for day in (first, second) if day is not None]
    return min(dates) if dates else None
