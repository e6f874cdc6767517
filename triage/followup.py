"""The follow-up check-in policy (spec §4): the episode's state machine, rules F-E1..F-E7,
F-T1..F-T4 and F-N1, and the cadence of check-ins by level (§4.1).

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

from triage.checkins import DEFAULT_QUIET, first_checkin, on_day, outside_quiet
from triage.levels import Level, highest
from triage.outcome import Exit, Outcome
from triage.questions import InvalidAnswer, TriageError
from triage.quiet import QuietHours

SIX_WEEKS = dt.timedelta(weeks=6)
WEEK = dt.timedelta(days=7)
TWO_WEEKS = dt.timedelta(days=14)
EPISODE_WINDOW_DAYS = 90
JSON_VERSION = 1

RED_FLAG_SIGNS: tuple[str, ...] = (
    # §4.2 "new signs": the Q6 and Q7 items, without N_HEAVY, N_TINGLE_LOCAL and the "none"s.
    "N_WEAK",
    "N_WASTING",
    "N_BULBAR",
    "N_NUMB_WIDE",
    "N_BALANCE",
    "N_STIFF",
    "V_DOUBLE",
    "V_DROOP",
    "V_CLOSES",
    "V_RED",
    "S_FEVER",
    "S_LUPUS",
    "S_THYROID",
    "S_DEHYD",
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


@dataclass(frozen=True)
class Decision:
    """The new state, the F-ids that fired, what to do and which catalogue keys to show."""

    state: FollowUpState
    fired: tuple[str, ...]
    actions: frozenset[Action]
    message_keys: tuple[str, ...]


@dataclass
class _Turn:
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


def on_answers(state: FollowUpState, answers: CheckinAnswers, now_local: dt.datetime) -> Decision:
    """Apply one answered check-in: escalation, trend, doctor and the next check-in."""
    _refuse_if_closed(state)
    if answers.safety_positive:
        return _emergency(state, now_local)
    turn = _Turn(replace(state, checkins_done=state.checkins_done + 1, unanswered=0))
    today = now_local.date()
    _new_signs_and_worsening(turn, answers)
    _trend(turn, answers.status)
    _gone(turn, answers, today)
    _two_weeks(turn, answers.status, today)
    _doctor(turn, answers)
    _six_weeks(turn, answers.status, today)
    if not turn.state.closed:
        following = _answered_next(turn.state, now_local, "F-T1" in turn.fired)
        raised_to = turn.state.next_checkin
        if answers.escalated and raised_to is not None and raised_to > now_local:
            # The raise in this check-in started the new level's cadence (§1 first check-in).
            following = raised_to if following is None else min(following, raised_to)
        _schedule(turn, following)
    return turn.decision()


def on_unanswered(state: FollowUpState, now_local: dt.datetime) -> Decision:
    """A check-in went unanswered; the second in a row ends check-ins (F-T4), never the level."""
    _refuse_if_closed(state)
    turn = _Turn(replace(state, unanswered=state.unanswered + 1))
    if turn.state.unanswered >= 2:
        turn.fire("F-T4", Action.STOP_CHECKINS, Action.PAUSE_NUDGES, message="checkin.closing")
        turn.update(closed=True, next_checkin=None)
        return turn.decision()
    # One more try even when the cadence has run out, so that silence always ends with the
    # F-T4 safety-net message rather than nothing.
    if state.level is Level.L4:
        retry: dt.datetime | None = first_checkin(Level.L4, now_local)
    else:
        retry = _cadence(turn.state, now_local, pushed=False)
    turn.update(next_checkin=retry or on_day(now_local.date(), 1))
    return turn.decision()


def on_retriage(
    state: FollowUpState, outcome: Outcome, now_local: dt.datetime | None = None
) -> FollowUpState:
    """Fold a rerun triage (F-E2, F-E3) in: level = max(old, new), reasons merged.

    When the level rises and `now_local` is given, the new level's cadence starts now (its
    first check-in as in §1); without `now_local` the next check-in is left as it was.
    """
    _refuse_if_closed(state)
    level = highest([state.level, outcome.level])
    reasons = state.reasons + tuple(
        code for code in (r.code for r in outcome.reasons) if code not in state.reasons
    )
    onset = min(state.onset_date, outcome.onset_date or state.onset_date)
    counted = _earliest(state.onset_checkin, outcome.onset_date_checkin)
    merged = replace(state, level=level, reasons=reasons, onset_date=onset, onset_checkin=counted)
    if level == state.level:
        return merged
    raised = _restart_at_level(merged, level, now_local.date() if now_local else state.level_since)
    if now_local is None:
        return raised
    return replace(raised, next_checkin=first_checkin(level, now_local))


def episodes_in_90_days(opened_dates: tuple[dt.date, ...] | list[dt.date], today: dt.date) -> int:
    """Episodes opened in the 90 days ending today, today's included (F-R1 feeds R-R7)."""
    return sum(0 <= (today - opened).days < EPISODE_WINDOW_DAYS for opened in opened_dates)


def _earliest(first: dt.date | None, second: dt.date | None) -> dt.date | None:
    dates = [day for day in (first, second) if day is not None]
    return min(dates) if dates else None


def _refuse_if_closed(state: FollowUpState) -> None:
    if state.closed:
        raise FollowUpClosedError("check-ins for this episode have finished")


def _restart_at_level(state: FollowUpState, level: Level, today: dt.date) -> FollowUpState:
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
    raised = _restart_at_level(state, Level.L4, now_local.date())
    new = replace(
        raised,
        reasons=reasons,
        checkins_done=state.checkins_done + 1,
        unanswered=0,
        next_checkin=first_checkin(Level.L4, now_local),
    )
    return Decision(new, ("F-E1",), frozenset({Action.SHOW_EMERGENCY, Action.PAUSE_NUDGES}), ())


def _new_signs_and_worsening(turn: _Turn, answers: CheckinAnswers) -> None:
    if answers.new_signs:
        turn.fire("F-E2", Action.RETRIAGE_FULL)
    if answers.status in (Status.WORSE, Status.SPREAD):
        turn.fire("F-E3")
        if not answers.new_signs:  # the full rerun already covers Q2, Q5, Q6 and Q7
            turn.actions.add(Action.RETRIAGE_PARTIAL)


def _trend(turn: _Turn, status: Status | None) -> None:
    if status is None:
        return  # monitoring: the trend was not asked
    if status is Status.GONE:
        return  # F-T3 takes over
    if status is not Status.BETTER:
        turn.update(better_streak=0, weekly=False)
        return
    turn.update(better_streak=turn.state.better_streak + 1)
    if turn.state.level >= Level.L2 or turn.state.monitoring:
        return  # see the module docstring: a warning sign's cadence does not relax
    if turn.state.better_streak >= 2:
        turn.fire("F-T2")
        turn.update(weekly=True)
    else:
        turn.fire("F-T1")


def _gone(turn: _Turn, answers: CheckinAnswers, today: dt.date) -> None:
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


def _two_weeks(turn: _Turn, status: Status | None, today: dt.date) -> None:
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
    turn.state = replace(_restart_at_level(state, Level.L1, today), reasons=reasons)


def _doctor(turn: _Turn, answers: CheckinAnswers) -> None:
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


def _not_seen_yet(turn: _Turn) -> None:
    state = turn.state
    if state.level is Level.L4:
        # §4.1 L4: "if 'not yet', repeat L4 text once and stop" (the stop is the cadence's).
        turn.fire("F-E7", Action.SHOW_EMERGENCY)
    elif state.level >= Level.L2 and not state.restated_advice:
        turn.fire("F-E7", Action.RESTATE_ADVICE, message="checkin.restate")
        turn.update(restated_advice=True)


def _six_weeks(turn: _Turn, status: Status | None, today: dt.date) -> None:
    # F-E6: seen, still there at 6 weeks -> suggest the GP again, then stop [S1].
    state = turn.state
    if state.closed or not state.seen or status is Status.GONE or today < state.horizon:
        return
    turn.fire("F-E6", Action.SUGGEST_GP_AGAIN, message="checkin.gp_again")
    _schedule(turn, None, final_message=None)


def _schedule(
    turn: _Turn, next_checkin: dt.datetime | None, final_message: str | None = "checkin.finished"
) -> None:
    if next_checkin is not None:
        turn.update(next_checkin=next_checkin)
        return
    turn.actions.add(Action.STOP_CHECKINS)
    if final_message is not None:
        turn.messages.append(final_message)
    turn.update(closed=True, next_checkin=None)


def _answered_next(
    state: FollowUpState, now_local: dt.datetime, pushed: bool
) -> dt.datetime | None:
    """The next check-in after an answered one: the cadence, and any F-T3 confirmation."""
    cadence = _cadence(state, now_local, pushed)
    if state.gone_since is None or on_day(state.gone_since, 7) <= now_local:
        return cadence
    confirm = on_day(state.gone_since, 7)
    if state.level < Level.L2 or state.seen or cadence is None:
        return confirm
    return min(cadence, confirm)


def _cadence(state: FollowUpState, now_local: dt.datetime, pushed: bool) -> dt.datetime | None:
    """§4.1: the next check-in by level and flags; None when the cadence has run out."""
    today = now_local.date()
    if state.monitoring or (state.seen and state.level >= Level.L2):
        return _weekly(today, state.horizon)
    if state.seen or state.level is Level.L4:
        return None  # L1: "until the user reports being seen"; L4: once
    if state.level is Level.L3:
        due = outside_quiet(now_local + dt.timedelta(hours=24))
        return due if today < state.horizon else None
    if state.level is Level.L2:
        in_two_daily = (today - state.level_since).days < 9
        return on_day(today, 2) if in_two_daily else _weekly(today, state.horizon)
    return _day_numbered(state, today, pushed)


# §4.1 day numbers, counted from level_since (day 0).
_DAYS = {Level.L0: (3, 6, 9, 12, 14), Level.L1: (2, 7, 14)}


def _day_numbered(state: FollowUpState, today: dt.date, pushed: bool) -> dt.datetime | None:
    """L0 and L1: the listed days, F-T1's extra day, F-T2's weekly; L1 then weekly."""
    # L0 ends at day 14, where F-E4 either raised it to L1 or the twitch has gone.
    end = state.level_since + TWO_WEEKS if state.level is Level.L0 else state.horizon
    if state.weekly:
        return _weekly(today, end)
    elapsed = (today - state.level_since).days
    listed = [n for n in _DAYS[state.level] if n > elapsed]
    if not listed:
        return _weekly(today, end) if state.level is Level.L1 else None
    return on_day(state.level_since, listed[0] + (1 if pushed else 0))


def _weekly(today: dt.date, end: dt.date) -> dt.datetime | None:
    """A week from today, never past `end`; None once `end` is reached."""
    if today >= end:
        return None
    return on_day(min(today + WEEK, end), 0)


def expected_checkins(state: FollowUpState) -> tuple[dt.datetime, ...]:
    """The check-ins the cadence brings if nothing changes (local): the nudge plan is fitted
    around them. L0 and L1 by their listed days; other levels by the first one only."""
    if state.next_checkin is None:
        return ()
    if state.level in _DAYS:
        listed = (on_day(state.level_since, n) for n in _DAYS[state.level])
        return tuple(sorted({state.next_checkin, *listed}))
    if state.level is Level.L2:  # +24 h, then every 2 days at 10:00 for the first 9 days
        found, day = [state.next_checkin], state.next_checkin.date()
        while (day - state.level_since).days < 9:
            found.append(on_day(day, 2))
            day += dt.timedelta(days=2)
        return tuple(found)
    return (state.next_checkin,)
