"""The check-in state machine of spec §4: cadences, rules F-E1..F-E7, F-T1..F-T4, F-N1, F-R1."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.followup import (
    HABITS,
    RED_FLAG_SIGNS,
    Action,
    CheckinAnswers,
    Decision,
    Doctor,
    FollowUpClosedError,
    FollowUpState,
    Status,
    Suggestion,
    episodes_in_90_days,
    on_answers,
    on_retriage,
    on_unanswered,
    questions_for,
    start_followup,
)
from triage.levels import Level
from triage.outcome import Exit, Outcome, Reason
from triage.questions import QUESTIONS, InvalidAnswer

CATALOGUE = Path(__file__).parents[2] / "bot" / "catalogue" / "en" / "reminders.toml"
DAY0 = dt.date(2026, 3, 2)  # a Monday
COMPLETED = dt.datetime.combine(DAY0, dt.time(9))  # naive local wall time, as in the core


def day(n: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(DAY0 + dt.timedelta(days=n), dt.time(hour))


def outcome(level: Level, *codes: str, exit: Exit | None = None) -> Outcome:
    reasons = tuple(Reason(f"R-{code}", code, level) for code in codes or ("some_reason",))
    return Outcome(level=level, reasons=reasons, exit=exit, onset_date=DAY0)


def started(level: Level, **changes: object) -> FollowUpState:
    return replace(start_followup(outcome(level), COMPLETED), **changes)  # type: ignore[arg-type]


def answer(
    status: Status | None = Status.SAME,
    *,
    signs: frozenset[str] = frozenset(),
    doctor: Doctor | None = None,
    suggestion: Suggestion | None = None,
    safety: bool = False,
) -> CheckinAnswers:
    return CheckinAnswers(safety, status, signs, doctor, suggestion, {})


def at_next(state: FollowUpState, given: CheckinAnswers) -> Decision:
    """Answer the check-in at the time it was due."""
    assert state.next_checkin is not None
    return on_answers(state, given, state.next_checkin)


def days_of_checkins(state: FollowUpState, given: CheckinAnswers) -> list[int]:
    """Answer every check-in the same way until they stop; the day of each check-in."""
    seen: list[int] = []
    while not state.closed and len(seen) < 100:
        assert state.next_checkin is not None
        seen.append((state.next_checkin.date() - DAY0).days)
        state = at_next(state, given).state
    return seen


# ---- starting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "first"),
    [
        pytest.param(Level.L0, day(3), id="L0-day-3"),
        pytest.param(Level.L1, day(2), id="L1-day-2"),
        pytest.param(Level.L2, day(1, 9), id="L2-plus-24h"),
        pytest.param(Level.L3, day(0, 13), id="L3-plus-4h"),
        pytest.param(Level.L4, day(0, 21), id="L4-plus-12h"),
    ],
)
def test_follow_up_starts_with_the_levels_first_check_in(level: Level, first: dt.datetime) -> None:
    state = start_followup(outcome(level, "weakness"), COMPLETED)
    assert (state.level, state.reasons, state.next_checkin) == (level, ("weakness",), first)
    assert (state.opened, state.level_since, state.closed) == (DAY0, DAY0, False)


def test_a_known_condition_is_followed_up_as_at_least_routine() -> None:
    known = outcome(Level.L0, "known_condition", exit=Exit.EXIT_KNOWN_CONDITION)
    assert start_followup(known, COMPLETED).level is Level.L1


def test_an_under_18_exit_has_no_follow_up() -> None:
    with pytest.raises(ValueError, match="no follow-up"):
        start_followup(outcome(Level.L0, exit=Exit.EXIT_UNDER18), COMPLETED)


# ---- cadences (§4.1) -------------------------------------------------------------------


def test_self_care_checks_on_days_3_6_9_12_14_then_routine_if_still_there() -> None:
    days = days_of_checkins(started(Level.L0), answer(Status.SAME))
    # Day 14 raises to L1 (F-E4), whose cadence restarts: day 2, 7, 14 after, then weekly.
    assert days[:5] == [3, 6, 9, 12, 14]
    assert days[5:8] == [16, 21, 28]


def test_routine_checks_on_days_2_7_14_then_weekly_until_6_weeks() -> None:
    assert days_of_checkins(started(Level.L1), answer(doctor=Doctor.BOOKED)) == [
        2,
        7,
        14,
        21,
        28,
        35,
        42,
    ]


def test_a_few_days_level_checks_after_24h_then_every_2_days_4_times_then_weekly() -> None:
    days = days_of_checkins(started(Level.L2), answer(doctor=Doctor.BOOKED))
    assert days == [1, 3, 5, 7, 9, 16, 23, 30, 37, 42]


def test_get_advice_today_checks_after_4h_then_daily_until_advice_is_reported() -> None:
    state = started(Level.L3)
    decision = at_next(state, answer(doctor=Doctor.BOOKED))
    assert decision.state.next_checkin == day(1, 13)
    days = days_of_checkins(state, answer(doctor=Doctor.BOOKED))
    assert days[:4] == [0, 1, 2, 3]
    assert days[-1] == 42  # for at most 6 weeks


def test_emergency_level_checks_in_once_and_then_stops() -> None:
    decision = at_next(started(Level.L4), answer(Status.SAME, doctor=Doctor.BOOKED))
    assert decision.state.closed
    assert Action.STOP_CHECKINS in decision.actions
    assert decision.message_keys == ("checkin.finished",)


def test_when_check_ins_run_out_a_safety_net_message_is_shown() -> None:
    state = started(Level.L1, level_since=DAY0 - dt.timedelta(days=35))
    decision = on_answers(state, answer(doctor=Doctor.BOOKED), day(7))
    assert decision.state.closed and decision.state.next_checkin is None
    assert decision.message_keys == ("checkin.finished",)


# ---- which screens are asked (§4.2) ----------------------------------------------------


@pytest.mark.parametrize(
    ("state", "screens"),
    [
        pytest.param(
            started(Level.L0), ("safety", "status", "new_signs", "habits"), id="L0-no-doctor"
        ),
        pytest.param(
            started(Level.L1),
            ("safety", "status", "new_signs", "doctor", "habits"),
            id="L1-asks-doctor",
        ),
        pytest.param(
            started(Level.L2, seen=True),
            ("safety", "status", "new_signs", "habits"),
            id="seen-no-doctor",
        ),
        pytest.param(
            started(Level.L1, seen=True, monitoring=True, next_checkin=day(14)),
            ("safety",),
            id="monitoring-safety-only",
        ),
        pytest.param(
            started(Level.L1, seen=True, monitoring=True, next_checkin=day(42)),
            ("safety", "status"),
            id="monitoring-last-asks-status",
        ),
        pytest.param(started(Level.L1, closed=True), (), id="closed-asks-nothing"),
    ],
)
def test_check_in_screens_depend_on_level_and_mode(
    state: FollowUpState, screens: tuple[str, ...]
) -> None:
    assert questions_for(state) == screens


def test_red_flag_signs_are_the_q6_and_q7_items_without_the_benign_and_none_options() -> None:
    listed = QUESTIONS["Q6_NERVE"].option_ids + QUESTIONS["Q7_EYE_BODY"].option_ids
    benign = {"N_TINGLE_LOCAL", "N_HEAVY", "N_NONE", "S_NONE"}
    assert set(RED_FLAG_SIGNS) == set(listed) - benign


def test_a_check_in_answer_outside_the_lists_is_refused() -> None:
    with pytest.raises(InvalidAnswer):
        answer(signs=frozenset({"N_HEAVY"}))
    with pytest.raises(InvalidAnswer):
        CheckinAnswers(False, Status.SAME, habits={"sleep": "12"})


# ---- escalation (F-E1..F-E7) -------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(started(Level.L0), id="from-L0"),
        pytest.param(started(Level.L2), id="from-L2"),
        pytest.param(started(Level.L1, seen=True, monitoring=True), id="from-monitoring"),
    ],
)
def test_f_e1_a_positive_safety_screen_shows_the_emergency_text_and_pauses_nudges(
    state: FollowUpState,
) -> None:
    decision = on_answers(state, answer(None, safety=True), day(3, 14))
    assert decision.fired == ("F-E1",)
    assert decision.actions == {Action.SHOW_EMERGENCY, Action.PAUSE_NUDGES}
    assert decision.state.level is Level.L4
    assert "emergency_sign" in decision.state.reasons
    assert not decision.state.monitoring
    assert decision.state.next_checkin == day(4, 8)  # +12 h is 02:00: moved to the morning


def test_f_e2_a_new_red_flag_sign_reruns_the_whole_questionnaire() -> None:
    decision = at_next(started(Level.L0), answer(Status.SAME, signs=frozenset({"N_WEAK"})))
    assert "F-E2" in decision.fired
    assert Action.RETRIAGE_FULL in decision.actions
    assert Action.RETRIAGE_PARTIAL not in decision.actions


@pytest.mark.parametrize("status", [Status.WORSE, Status.SPREAD], ids=str)
def test_f_e3_worse_or_spreading_reruns_area_change_and_sign_questions(status: Status) -> None:
    decision = at_next(started(Level.L0), answer(status))
    assert decision.fired == ("F-E3",)
    assert decision.actions == {Action.RETRIAGE_PARTIAL}


def test_f_e3_with_a_new_sign_asks_for_the_full_rerun_only() -> None:
    decision = at_next(started(Level.L0), answer(Status.WORSE, signs=frozenset({"V_DROOP"})))
    assert Action.RETRIAGE_FULL in decision.actions
    assert Action.RETRIAGE_PARTIAL not in decision.actions


def test_f_e4_still_there_two_weeks_after_onset_becomes_a_routine_gp_visit() -> None:
    state = started(Level.L0, onset_checkin=DAY0 - dt.timedelta(days=12))
    decision = at_next(state, answer(Status.SAME))  # day 3 = onset + 15 days
    assert "F-E4" in decision.fired
    assert Action.RAISE_TO_L1 in decision.actions
    assert decision.message_keys == ("checkin.day14",)
    assert decision.state.level is Level.L1
    assert "longer_than_2_weeks" in decision.state.reasons
    assert decision.state.next_checkin == day(5)  # L1's "have you booked?" two days on
    assert "doctor" in questions_for(decision.state)


def test_f_e4_does_not_fire_when_the_twitch_has_gone() -> None:
    state = started(Level.L0, onset_checkin=DAY0 - dt.timedelta(days=12))
    decision = at_next(state, answer(Status.GONE))
    assert "F-E4" not in decision.fired
    assert decision.state.level is Level.L0


def test_f_e4_does_not_fire_before_two_weeks() -> None:
    decision = at_next(started(Level.L0), answer(Status.SAME))  # day 3, onset day 0
    assert "F-E4" not in decision.fired and decision.state.level is Level.L0


def test_f_e5_keep_an_eye_on_it_switches_to_weekly_safety_only_monitoring() -> None:
    seen = answer(Status.SAME, doctor=Doctor.SEEN, suggestion=Suggestion.KEEP_AN_EYE)
    decision = at_next(started(Level.L1), seen)
    assert decision.fired == ("F-E5",)
    assert decision.actions == {Action.MONITORING}
    assert decision.message_keys == ("checkin.monitoring",)
    assert decision.state.monitoring and decision.state.seen
    assert decision.state.next_checkin == day(9)
    assert questions_for(decision.state) == ("safety",)


def test_f_e5_seen_at_routine_level_with_tests_planned_ends_check_ins() -> None:
    seen = answer(Status.SAME, doctor=Doctor.SEEN, suggestion=Suggestion.TESTS)
    decision = at_next(started(Level.L1), seen)
    assert "F-E5" in decision.fired
    assert decision.state.closed and Action.STOP_CHECKINS in decision.actions


def test_f_e5_seen_at_a_few_days_level_goes_weekly_without_the_doctor_question() -> None:
    seen = answer(Status.SAME, doctor=Doctor.SEEN, suggestion=Suggestion.OTHER)
    decision = at_next(started(Level.L2), seen)
    assert decision.state.next_checkin == day(8)
    assert "doctor" not in questions_for(decision.state)


def test_f_e6_seen_and_still_there_at_six_weeks_suggests_the_gp_again_and_stops() -> None:
    state = started(Level.L1, seen=True, monitoring=True, next_checkin=day(42))
    decision = at_next(state, answer(Status.SAME))
    assert decision.fired == ("F-E6",)
    assert decision.actions == {Action.SUGGEST_GP_AGAIN, Action.STOP_CHECKINS}
    assert decision.message_keys == ("checkin.gp_again",)
    assert decision.state.closed


def test_f_e6_does_not_fire_when_the_twitch_has_gone_by_six_weeks() -> None:
    state = started(Level.L1, seen=True, monitoring=True, next_checkin=day(42))
    decision = at_next(state, answer(Status.GONE))
    assert "F-E6" not in decision.fired


def test_monitoring_runs_weekly_to_six_weeks_then_suggests_the_gp() -> None:
    state = started(Level.L1, seen=True, monitoring=True, next_checkin=day(7))
    days = days_of_checkins(state, answer(None))
    assert days == [7, 14, 21, 28, 35, 42]


@pytest.mark.parametrize("doctor", [Doctor.NOT_YET, Doctor.DONT_WANT], ids=str)
@pytest.mark.parametrize("level", [Level.L2, Level.L3], ids=str)
def test_f_e7_not_yet_seen_at_a_higher_level_restates_the_advice_once(
    level: Level, doctor: Doctor
) -> None:
    first = at_next(started(level), answer(doctor=doctor))
    assert "F-E7" in first.fired
    assert first.actions == {Action.RESTATE_ADVICE}
    assert first.message_keys == ("checkin.restate",)
    second = at_next(first.state, answer(doctor=doctor))
    assert "F-E7" not in second.fired and second.message_keys == ()
    assert questions_for(second.state)[0] == "safety"


def test_f_e7_is_not_for_a_routine_visit() -> None:
    decision = at_next(started(Level.L1), answer(doctor=Doctor.DONT_WANT))
    assert decision.fired == () and decision.message_keys == ()


def test_emergency_level_not_yet_seen_repeats_the_emergency_text_once_and_stops() -> None:
    decision = at_next(started(Level.L4), answer(Status.SAME, doctor=Doctor.NOT_YET))
    assert "F-E7" in decision.fired
    assert {Action.SHOW_EMERGENCY, Action.STOP_CHECKINS} <= decision.actions
    assert decision.state.closed


def test_emergency_level_seen_by_a_clinician_goes_weekly() -> None:
    decision = at_next(started(Level.L4), answer(Status.SAME, doctor=Doctor.SEEN))
    assert not decision.state.closed
    assert decision.state.next_checkin == day(7)


# ---- the twitch's trend (F-T1..F-T4) -------------------------------------------------------


def test_f_t1_better_pushes_the_next_check_in_a_day_later() -> None:
    decision = at_next(started(Level.L0), answer(Status.BETTER))
    assert decision.fired == ("F-T1",)
    assert decision.state.next_checkin == day(7)  # day 6 + 1


def test_f_t2_better_twice_in_a_row_switches_to_weekly() -> None:
    once = at_next(started(Level.L0), answer(Status.BETTER))
    twice = at_next(once.state, answer(Status.BETTER))
    assert twice.fired == ("F-T2",)
    assert twice.state.weekly
    assert twice.state.next_checkin == day(14)  # a week after day 7


def test_better_then_same_resets_the_streak_and_the_usual_days_return() -> None:
    once = at_next(started(Level.L0), answer(Status.BETTER))
    same = at_next(once.state, answer(Status.SAME))
    assert same.state.better_streak == 0
    assert same.state.next_checkin == day(9)


def test_a_better_twitch_does_not_space_out_check_ins_about_a_warning_sign() -> None:
    decision = at_next(started(Level.L3), answer(Status.BETTER, doctor=Doctor.BOOKED))
    assert "F-T1" not in decision.fired
    assert decision.state.next_checkin == day(1, 13)


def test_f_t3_gone_asks_once_more_a_week_later_then_closes() -> None:
    first = at_next(started(Level.L0), answer(Status.GONE))
    assert first.fired == ("F-T3",)
    assert first.actions == {Action.CONFIRM_GONE}
    assert first.message_keys == ("checkin.after_gone",)
    assert first.state.next_checkin == day(10)
    confirmed = at_next(first.state, answer(Status.GONE))
    assert confirmed.actions == {Action.CLOSE_EPISODE, Action.STOP_CHECKINS}
    assert confirmed.message_keys == ("checkin.confirmed_gone",)
    assert confirmed.state.closed
    assert Action.PAUSE_NUDGES not in confirmed.actions  # nudges run out their plan


def test_f_t3_gone_when_seen_and_told_to_keep_an_eye_is_still_confirmed_a_week_later() -> None:
    seen = answer(Status.GONE, doctor=Doctor.SEEN, suggestion=Suggestion.KEEP_AN_EYE)
    first = at_next(started(Level.L1), seen)
    assert first.state.monitoring and first.state.next_checkin == day(9)
    assert questions_for(first.state) == ("safety", "status")
    confirmed = at_next(first.state, answer(Status.GONE))
    assert confirmed.state.closed and Action.CLOSE_EPISODE in confirmed.actions


def test_f_t3_a_twitch_that_came_back_resumes_the_check_ins() -> None:
    first = at_next(started(Level.L0), answer(Status.GONE))
    back = at_next(first.state, answer(Status.SAME))
    assert back.state.gone_since is None and not back.state.closed
    assert back.state.next_checkin == day(12)


def test_f_t3_at_a_few_days_level_keeps_its_cadence_until_the_week_is_up() -> None:
    first = at_next(started(Level.L2), answer(Status.GONE, doctor=Doctor.BOOKED))
    assert first.state.next_checkin == day(3)  # the L2 cadence comes before day 8
    within = at_next(first.state, answer(Status.GONE, doctor=Doctor.BOOKED))
    assert not within.state.closed
    later = on_answers(within.state, answer(Status.GONE, doctor=Doctor.BOOKED), day(8))
    assert later.state.closed and Action.CLOSE_EPISODE in later.actions


def test_gone_with_a_new_sign_is_not_a_clean_gone() -> None:
    decision = at_next(started(Level.L0), answer(Status.GONE, signs=frozenset({"N_WEAK"})))
    assert "F-T3" not in decision.fired and decision.state.gone_since is None


def test_f_t4_one_missed_check_in_keeps_the_follow_up_going() -> None:
    decision = on_unanswered(started(Level.L0), day(3, 12))
    assert decision.fired == ()
    assert decision.state.unanswered == 1
    assert decision.state.next_checkin == day(6)


def test_f_t4_two_missed_check_ins_end_check_ins_and_nudges_with_a_safety_net() -> None:
    once = on_unanswered(started(Level.L2), day(1, 12))
    twice = on_unanswered(once.state, day(3, 12))
    assert twice.fired == ("F-T4",)
    assert twice.actions == {Action.STOP_CHECKINS, Action.PAUSE_NUDGES}
    assert twice.message_keys == ("checkin.closing",)
    assert twice.state.closed and twice.state.level is Level.L2


def test_f_t4_an_answer_in_between_resets_the_count() -> None:
    once = on_unanswered(started(Level.L0), day(3, 12))
    answered = at_next(once.state, answer(Status.SAME))
    again = on_unanswered(answered.state, day(9, 12))
    assert again.fired == () and not again.state.closed


def test_a_missed_emergency_check_in_is_tried_once_more() -> None:
    decision = on_unanswered(started(Level.L4), day(0, 21))
    assert decision.state.next_checkin == day(1, 9)


def test_events_after_the_follow_up_closed_are_refused() -> None:
    closed = started(Level.L0, closed=True)
    with pytest.raises(FollowUpClosedError):
        on_answers(closed, answer(), day(3))
    with pytest.raises(FollowUpClosedError):
        on_unanswered(closed, day(3))


# ---- retriage and the level (F-E2/F-E3 follow-through, F-N1) ----------------------------


def test_a_retriage_that_raises_the_level_restarts_that_levels_cadence() -> None:
    state = started(Level.L0)
    raised = on_retriage(state, outcome(Level.L3, "vision_change"), day(3, 10))
    assert raised.level is Level.L3
    assert raised.reasons == ("some_reason", "vision_change")
    assert raised.next_checkin == day(3, 14)
    assert raised.level_since == day(3).date()


def test_a_retriage_with_a_lower_level_never_lowers_it() -> None:
    state = started(Level.L2)
    kept = on_retriage(state, outcome(Level.L0, "no_red_flags"), day(1, 10))
    assert kept.level is Level.L2
    assert kept.next_checkin == state.next_checkin


def test_a_retriage_at_the_same_level_keeps_monitoring() -> None:
    state = started(Level.L1, seen=True, monitoring=True, next_checkin=day(14))
    kept = on_retriage(state, outcome(Level.L1, "some_reason"), day(7))
    assert kept.monitoring and kept.next_checkin == day(14)


def test_a_retriage_without_a_time_raises_the_level_but_keeps_the_next_check_in() -> None:
    state = started(Level.L0)
    raised = on_retriage(state, outcome(Level.L2, "weakness"))
    assert raised.level is Level.L2 and raised.next_checkin == state.next_checkin


STATUSES = st.one_of(st.none(), st.sampled_from(Status))
ANSWERS = st.builds(
    CheckinAnswers,
    safety_positive=st.sampled_from((False, False, False, False, True)),
    status=STATUSES,
    new_signs=st.frozensets(st.sampled_from(RED_FLAG_SIGNS), max_size=2),
    doctor=st.one_of(st.none(), st.sampled_from(Doctor)),
    suggestion=st.one_of(st.none(), st.sampled_from(Suggestion)),
    habits=st.just({}),
)
EVENTS = st.lists(
    st.one_of(
        ANSWERS,
        st.just("unanswered"),
        st.sampled_from(Level),
    ),
    max_size=25,
)


@settings(max_examples=600, deadline=None)
@given(start=st.sampled_from(Level), events=EVENTS, gaps=st.lists(st.integers(0, 9), min_size=25))
def test_f_n1_no_sequence_of_check_ins_silence_or_retriage_lowers_the_level(
    start: Level, events: list[CheckinAnswers | str | Level], gaps: list[int]
) -> None:
    state = started(start)
    now = COMPLETED
    for event, gap in zip(events, gaps, strict=False):
        if state.closed:
            break
        before = state.level
        if isinstance(event, Level):  # a rerun triage, shortly after the check-in asked for it
            now += dt.timedelta(minutes=gap)
            state = on_retriage(state, outcome(event), now)
            assert state.level >= before
            continue
        now = max(now, state.next_checkin or now) + dt.timedelta(hours=gap)
        if isinstance(event, CheckinAnswers):
            state = on_answers(state, event, now).state
        else:
            state = on_unanswered(state, now).state
        assert state.level >= before
        assert state.closed or (state.next_checkin is not None and state.next_checkin > now)


# ---- storage and F-R1 ------------------------------------------------------------------


def test_the_state_survives_a_json_round_trip() -> None:
    state = started(
        Level.L2,
        reasons=("weakness", "longer_than_2_weeks"),
        checkins_done=3,
        better_streak=1,
        unanswered=1,
        gone_since=DAY0 + dt.timedelta(days=4),
        seen=True,
        monitoring=True,
        weekly=True,
        restated_advice=True,
        level_since=DAY0 + dt.timedelta(days=2),
        next_checkin=day(9, 8),
    )
    stored = json.loads(json.dumps(state.to_json()))
    assert FollowUpState.from_json(stored) == state


def test_a_closed_state_without_dates_survives_a_json_round_trip() -> None:
    state = started(Level.L0, closed=True, next_checkin=None)
    assert FollowUpState.from_json(json.loads(json.dumps(state.to_json()))) == state


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param({"v": 99}, id="unknown-version"),
        pytest.param({"level": "L9"}, id="unknown-level"),
        pytest.param({"checkins_done": True}, id="flag-for-a-counter"),
        pytest.param({"seen": 1}, id="number-for-a-flag"),
        pytest.param({"opened": "yesterday"}, id="bad-date"),
        pytest.param({"reasons": "weakness"}, id="reasons-not-a-list"),
    ],
)
def test_a_damaged_stored_state_is_refused(broken: dict[str, object]) -> None:
    with pytest.raises(InvalidAnswer):
        FollowUpState.from_json({**started(Level.L1).to_json(), **broken})


@pytest.mark.parametrize(
    ("opened", "count"),
    [
        pytest.param([DAY0], 1, id="today-counts"),
        pytest.param(
            [DAY0 - dt.timedelta(days=89), DAY0 - dt.timedelta(days=30), DAY0],
            3,
            id="three-in-90-days",
        ),
        pytest.param([DAY0 - dt.timedelta(days=90), DAY0], 1, id="90-days-ago-is-outside"),
        pytest.param([], 0, id="none"),
    ],
)
def test_f_r1_counts_episodes_opened_in_the_last_90_days(opened: list[dt.date], count: int) -> None:
    assert episodes_in_90_days(opened, DAY0) == count


# ---- the words -------------------------------------------------------------------------


def catalogue() -> dict[str, object]:
    with CATALOGUE.open("rb") as handle:
        checkin = tomllib.load(handle)["checkin"]
    assert isinstance(checkin, dict)
    return checkin


MESSAGE_KEYS = (
    "opening",
    "late",
    "after_gone",
    "confirmed_gone",
    "day14",
    "closing",
    "finished",
    "restate",
    "monitoring",
    "gp_again",
)


@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_every_check_in_message_has_words(key: str) -> None:
    assert str(catalogue()[key]).strip()


@pytest.mark.parametrize(
    ("screen", "values"),
    [
        pytest.param("status", [s.value for s in Status], id="status"),
        pytest.param("doctor", [d.value for d in Doctor], id="doctor"),
        pytest.param("suggestion", [s.value for s in Suggestion], id="suggestion"),
    ],
)
def test_every_check_in_option_has_a_label(screen: str, values: list[str]) -> None:
    screen_words = catalogue()[screen]
    assert isinstance(screen_words, dict)
    assert sorted(screen_words["options"]) == sorted(values)
    assert screen_words["question"]


@pytest.mark.parametrize("habit", sorted(HABITS))
def test_every_habit_question_and_option_has_words(habit: str) -> None:
    habits = catalogue()["habits"]
    assert isinstance(habits, dict)
    assert list(habits[habit]["options"]) == list(HABITS[habit])
    assert habits[habit]["question"]


def test_the_silence_and_finish_messages_carry_the_emergency_number() -> None:
    words = catalogue()
    for key in ("closing", "finished", "restate"):
        assert "{emergency}" in str(words[key])


def test_f_e4_rev2_counts_two_weeks_from_the_middle_of_the_onset_band() -> None:
    # "3 to 13 days ago" on day 0: the lowest day would put the escalation on day 11, when
    # the twitch could be 24 days old; the band's middle (8 days) puts it on day 6.
    middle = Outcome(
        level=Level.L0,
        reasons=(Reason("R-0", "no_red_flags", Level.L0),),
        onset_date=DAY0 - dt.timedelta(days=3),
        onset_date_checkin=DAY0 - dt.timedelta(days=8),
    )
    state = start_followup(middle, COMPLETED)
    assert state.onset_checkin == DAY0 - dt.timedelta(days=8)
    assert "F-E4" not in on_answers(state, answer(Status.SAME), day(5)).fired
    assert "F-E4" in on_answers(state, answer(Status.SAME), day(6)).fired


def test_f_e4_in_a_state_saved_before_rev2_counts_from_the_onset_date() -> None:
    saved = started(Level.L0, onset_date=DAY0 - dt.timedelta(days=12)).to_json()
    saved.pop("onset_checkin")
    state = FollowUpState.from_json(saved)
    assert state.onset_checkin is None
    assert "F-E4" in at_next(state, answer(Status.SAME)).fired
