"""The rules applied to one answered check-in (spec §4.2, §4.3): F-E1..F-E7 and F-T1..F-T3,
each firing by its spec id and saying what the caller must do and show.

The choices the spec leaves open are listed in triage.followup's docstring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from triage.checkins import first_checkin
from triage.followup_cadence import next_after_answer
from triage.followup_state import (
    TWO_WEEKS,
    WEEK,
    CheckinAnswers,
    Doctor,
    FollowUpState,
    Status,
    Suggestion,
)
from triage.levels import Level
from triage.questions import TriageError


class Action(StrEnum):
    """What the caller must do after a check-in.

    STOP_CHECKINS ends check-ins only; PAUSE_NUDGES stops every nudge. CLOSE_EPISODE marks
    the episode resolved. RETRIAGE_FULL reruns Q2–Q10 prefilled (F-E2), RETRIAGE_PARTIAL
    reruns Q2, Q5, Q6 and Q7 (F-E3); either way the caller then calls `on_retriage`.
    """

    SHOW_EMERGENCY = "show_emergency"
    PAUSE_NUDGES = "pause_nudges"
    RETRIAGE_FULL = "retriage_full"
    RETRIAGE_PARTIAL = "retriage_partial"
    RAISE_TO_L1 = "raise_to_l1"
    MONITORING = "monitoring"
    SUGGEST_GP_AGAIN = "suggest_gp_again"
    RESTATE_ADVICE = "restate_advice"
    CONFIRM_GONE = "confirm_gone"
    CLOSE_EPISODE = "close_episode"
    STOP_CHECKINS = "stop_checkins"


class FollowUpClosedError(TriageError):
    """A check-in event arrived for an episode whose check-ins have finished."""


@dataclass(frozen=True)
class Decision:
    """The new state, the F-ids that fired, what to do and which catalogue keys to show."""

    state: FollowUpState
    fired: tuple[str, ...]
    actions: frozenset[Action]
    message_keys: tuple[str, ...]


@dataclass
class Turn:
    """The decision being built during one check-in; frozen into a Decision at the end."""

    state: FollowUpState
    fired: list[str] = field(default_factory=list)
    actions: set[Action] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)

    def fire(self, rule_id: str, *actions: Action, message: str | None = None) -> None:
        self.fired.append(rule_id)
        self.actions.update(actions)
        if message is not None:
            self.messages.append(message)

    def update(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]

    def decision(self) -> Decision:
        return Decision(
            self.state, tuple(self.fired), frozenset(self.actions), tuple(self.messages)
        )


def on_answers(state: FollowUpState, answers: CheckinAnswers, now_local: dt.datetime) -> Decision:
    """Apply one answered check-in: escalation, trend, doctor and the next check-in."""
    refuse_if_closed(state)
    if answers.safety_positive:
        return _emergency(state, now_local)
    turn = Turn(replace(state, checkins_done=state.checkins_done + 1, unanswered=0))
    today = now_local.date()
    _new_signs_and_worsening(turn, answers)
    _trend(turn, answers.status)
    _gone(turn, answers, today)
    _two_weeks(turn, answers.status, today)
    _doctor(turn, answers)
    _six_weeks(turn, answers.status, today)
    if not turn.state.closed:
        following = next_after_answer(turn.state, now_local, "F-T1" in turn.fired)
        raised_to = turn.state.next_checkin
        if answers.escalated and raised_to is not None and raised_to > now_local:
            # The raise in this check-in started the new level's cadence (§1 first check-in).
            following = raised_to if following is None else min(following, raised_to)
        _schedule(turn, following)
    return turn.decision()


def refuse_if_closed(state: FollowUpState) -> None:
    if state.closed:
        raise FollowUpClosedError("check-ins for this episode have finished")


def restart_at_level(state: FollowUpState, level: Level, today: dt.date) -> FollowUpState:
    """A higher level is a new concern: its cadence and the doctor question start again."""
    return replace(
        state,
        level=level,
        level_since=today,
        seen=False,
        monitoring=False,
        weekly=False,
        restated_advice=False,
        better_streak=0,
        gone_since=None,
    )


def _emergency(state: FollowUpState, now_local: dt.datetime) -> Decision:
    # F-E1: the L4 text now, every nudge paused, one check-in +12 h in daytime.
    reasons = (
        state.reasons if "emergency_sign" in state.reasons else (*state.reasons, "emergency_sign")
    )
    raised = restart_at_level(state, Level.L4, now_local.date())
    new = replace(
        raised,
        reasons=reasons,
        checkins_done=state.checkins_done + 1,
        unanswered=0,
        next_checkin=first_checkin(Level.L4, now_local),
    )
    return Decision(new, ("F-E1",), frozenset({Action.SHOW_EMERGENCY, Action.PAUSE_NUDGES}), ())


def _new_signs_and_worsening(turn: Turn, answers: CheckinAnswers) -> None:
    if answers.new_signs:
        turn.fire("F-E2", Action.RETRIAGE_FULL)
    if answers.status in (Status.WORSE, Status.SPREAD):
        turn.fire("F-E3")
        if not answers.new_signs:  # the full rerun already covers Q2, Q5, Q6 and Q7
            turn.actions.add(Action.RETRIAGE_PARTIAL)


def _trend(turn: Turn, status: Status | None) -> None:
    if status is None:
        return  # monitoring: the trend was not asked
    if status is Status.GONE:
        return  # F-T3 takes over
    if status is not Status.BETTER:
        turn.update(better_streak=0, weekly=False)
        return
    turn.update(better_streak=turn.state.better_streak + 1)
    if turn.state.level >= Level.L2 or turn.state.monitoring:
        return  # see triage.followup's docstring: a warning sign's cadence does not relax
    if turn.state.better_streak >= 2:
        turn.fire("F-T2")
        turn.update(weekly=True)
    else:
        turn.fire("F-T1")


def _gone(turn: Turn, answers: CheckinAnswers, today: dt.date) -> None:
    state = turn.state
    if answers.status is None or (state.level is Level.L4 and not state.seen):
        return  # monitoring does not ask; L4's single check-in has its own rule (§4.1)
    if answers.status is not Status.GONE or answers.new_signs:
        turn.update(gone_since=None)
    elif state.gone_since is None:
        turn.fire("F-T3", Action.CONFIRM_GONE, message="checkin.after_gone")
        turn.update(gone_since=today)
    elif today >= state.gone_since + WEEK:
        turn.fire(
            "F-T3", Action.CLOSE_EPISODE, Action.STOP_CHECKINS, message="checkin.confirmed_gone"
        )
        turn.update(closed=True, next_checkin=None)


def _two_weeks(turn: Turn, status: Status | None, today: dt.date) -> None:
    # F-E4: still there two weeks after onset -> at least L1 [S1]. Rev 2 counts from
    # onset_date_checkin, the middle of the Q3 band, rather than its lowest day.
    state = turn.state
    if turn.state.closed or status is Status.GONE or state.level >= Level.L1:
        return
    if today < (state.onset_checkin or state.onset_date) + TWO_WEEKS:
        return
    turn.fire("F-E4", Action.RAISE_TO_L1, message="checkin.day14")
    reasons = state.reasons
    if "longer_than_2_weeks" not in reasons:
        reasons = (*reasons, "longer_than_2_weeks")
    turn.state = replace(restart_at_level(state, Level.L1, today), reasons=reasons)


def _doctor(turn: Turn, answers: CheckinAnswers) -> None:
    state = turn.state
    if state.closed or answers.doctor is None:
        return
    if answers.doctor is Doctor.SEEN:
        keep_an_eye = answers.suggestion is Suggestion.KEEP_AN_EYE
        if keep_an_eye:
            turn.fire("F-E5", Action.MONITORING, message="checkin.monitoring")
        else:
            turn.fire("F-E5")
        turn.update(seen=True, monitoring=keep_an_eye)
    elif answers.doctor in (Doctor.NOT_YET, Doctor.DONT_WANT):
        _not_seen_yet(turn)


def _not_seen_yet(turn: Turn) -> None:
    state = turn.state
    if state.level is Level.L4:
        # §4.1 L4: "if 'not yet', repeat L4 text once and stop" (the stop is the cadence's).
        turn.fire("F-E7", Action.SHOW_EMERGENCY)
    elif state.level >= Level.L2 and not state.restated_advice:
        turn.fire("F-E7", Action.RESTATE_ADVICE, message="checkin.restate")
        turn.update(restated_advice=True)


def _six_weeks(turn: Turn, status: Status | None, today: dt.date) -> None:
    # F-E6: seen, still there at 6 weeks -> suggest the GP again, then stop [S1].
    state = turn.state
    if state.closed or not state.seen or status is Status.GONE or today < state.horizon:
        return
    turn.fire("F-E6", Action.SUGGEST_GP_AGAIN, message="checkin.gp_again")
    _schedule(turn, None, final_message=None)


def _schedule(
    turn: Turn, next_checkin: dt.datetime | None, final_message: str | None = "checkin.finished"
) -> None:
    if next_checkin is not None:
        turn.update(next_checkin=next_checkin)
        return
    turn.actions.add(Action.STOP_CHECKINS)
    if final_message is not None:
        turn.messages.append(final_message)
    turn.update(closed=True, next_checkin=None)
