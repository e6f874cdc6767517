"""The delivery policy on its own: quiet hours, grace, cap, check-in gap, paused people."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.policy import (
    Defer,
    Person,
    Send,
    Skip,
    SkipReason,
    decide_checkin,
    decide_nudge,
    local_day,
    retry_delay,
)
from triage.quiet import QuietHours

BERLIN = ZoneInfo("Europe/Berlin")
GRACE = dt.timedelta(hours=2)


def at(hhmm: str, day: int = 1) -> dt.datetime:
    wall = dt.datetime(2026, 6, day, *map(int, hhmm.split(":")), tzinfo=BERLIN)
    return wall.astimezone(dt.UTC)


def person(**changes: object) -> Person:
    base = Person("Europe/Berlin", "active", None, QuietHours.parse(None, None))
    return Person(**{**base.__dict__, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hhmm", "quiet"),
    [("22:29", False), ("22:30", True), ("02:00", True), ("07:29", True), ("07:30", False)],
)
def test_default_quiet_hours_cross_midnight(hhmm: str, quiet: bool) -> None:
    assert QuietHours.parse(None, None).contains(dt.time.fromisoformat(hhmm)) is quiet


def test_a_nudge_in_quiet_hours_waits_for_their_end_the_next_morning() -> None:
    assert decide_nudge("N_HYDRATE", at("23:00"), at("23:00"), person(), GRACE) == Defer(
        at("07:30", day=2)
    )


def test_the_sleep_nudge_is_sent_at_the_chosen_time_even_in_quiet_hours() -> None:
    assert decide_nudge("N_SLEEP", at("23:00"), at("23:00"), person(), GRACE) == Send()


def test_a_check_in_in_quiet_hours_waits_for_their_end() -> None:
    assert decide_checkin(at("06:00"), at("06:00"), person()) == Defer(at("07:30"))


def test_a_nudge_past_its_grace_is_skipped() -> None:
    assert decide_nudge("N_HYDRATE", at("10:00"), at("12:01"), person(), GRACE) == Skip(
        SkipReason.GRACE
    )


@pytest.mark.parametrize(("minutes", "late"), [(15, False), (16, True), (300, True)])
def test_a_check_in_is_sent_however_late_and_flagged_after_15_minutes(
    minutes: int, late: bool
) -> None:
    now = at("10:00") + dt.timedelta(minutes=minutes)
    assert decide_checkin(at("10:00"), now, person()) == Send(late=late)


@pytest.mark.parametrize(
    ("today", "decision"),
    [(0, Send()), (1, Send()), (2, Send()), (3, Skip(SkipReason.CAP))],
)
def test_three_nudge_messages_a_day_go_out_and_a_fourth_is_capped(
    today: int, decision: object
) -> None:
    assert (
        decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), person(nudges_today=today), GRACE)
        == decision
    )


def test_a_snooze_the_person_asked_for_is_sent_even_at_the_cap() -> None:
    p = person(nudges_today=3)
    assert decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), p, GRACE, snoozed=True) == Send()


def test_a_snooze_that_lands_in_quiet_hours_waits_for_their_end() -> None:
    p = person(nudges_today=3)
    decision = decide_nudge("N_HYDRATE", at("23:00"), at("23:00"), p, GRACE, snoozed=True)
    assert isinstance(decision, Defer)


def test_a_nudge_waits_an_hour_after_a_check_in_that_was_just_sent() -> None:
    p = person(checkins_sent=(at("09:40"),))
    assert decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), p, GRACE) == Defer(at("10:40"))


def test_a_nudge_due_within_an_hour_before_a_check_in_waits_until_an_hour_after_it() -> None:
    p = person(checkins_due=(at("10:30"),))
    assert decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), p, GRACE) == Defer(at("11:30"))


def test_paused_and_blocked_people_get_no_nudges_and_their_check_ins_wait() -> None:
    paused = person(state="paused", paused_until=at("18:00"))
    assert decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), paused, GRACE) == Skip(
        SkipReason.PAUSED
    )
    assert decide_checkin(at("10:00"), at("10:00"), paused) == Defer(at("18:00"))
    blocked = person(state="blocked")
    assert decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), blocked, GRACE) == Skip(
        SkipReason.BLOCKED
    )


def test_a_pause_that_has_ended_no_longer_holds_anything_back() -> None:
    was_paused = person(state="paused", paused_until=at("09:00"))
    assert decide_nudge("N_HYDRATE", at("10:00"), at("10:00"), was_paused, GRACE) == Send()


def test_retries_back_off_exponentially_up_to_fifteen_minutes() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 8)] == [
        30,
        60,
        120,
        240,
        480,
        900,
        900,
    ]
    assert retry_delay(500) == dt.timedelta(minutes=15)


def test_the_local_day_on_a_dst_switch_is_23_hours_long() -> None:
    start, end = local_day(dt.datetime(2026, 3, 29, 12, tzinfo=dt.UTC), "Europe/Berlin")
    assert end - start == dt.timedelta(hours=23)
