"""An episode's history replayed from its rows: levels over time, nudges per local day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.reports.history import Rows, build_history, nudge_days
from storage.models import Delivery
from tests.bot.reports import at, checkins, deliveries, episode, fortnight, triages
from triage.levels import Level


def test_the_level_timeline_shows_the_rise_at_the_rerun_with_its_new_reasons() -> None:
    marks = fortnight().levels
    assert [(m.at.date(), m.level, m.by) for m in marks] == [
        (dt.date(2026, 11, 25), Level.L0, "triage"),
        (dt.date(2026, 12, 7), Level.L1, "triage"),
    ]
    assert marks[1].reasons == ("more_than_one_place", "stiffness_or_cramps")


def test_a_level_raised_at_a_check_in_is_shown_on_that_day() -> None:
    answered = checkins()
    answered[-1].level_after = "L2"
    story = episode()
    story.level = "L2"
    history = build_history(ZoneInfo("Europe/London"), Rows(story, triages(), answered, []), at(14))
    assert (history.levels[-1].at.date(), history.levels[-1].level) == (
        dt.date(2026, 12, 9),
        Level.L2,
    )
    assert history.levels[-1].by == "checkin"


def test_a_rerun_never_lowers_the_level() -> None:
    answered = checkins()
    for row in answered:
        row.level_after = "L2"
    story = episode()
    story.level = "L2"
    history = build_history(ZoneInfo("Europe/London"), Rows(story, triages(), answered, []), at(14))
    assert [m.level for m in history.levels] == [Level.L0, Level.L2]


def test_check_ins_are_in_the_persons_local_time() -> None:
    rows = Rows(episode(), triages(), checkins(), [])
    history = build_history(ZoneInfo("Pacific/Auckland"), rows, at(14))
    assert history.checkins[0].at.isoformat() == "2026-11-28T23:02:00+13:00"
    assert history.opened.date() == dt.date(2026, 11, 25)


def test_nudges_are_tallied_by_their_own_local_day() -> None:
    days = {day.day: day for day in nudge_days(deliveries())}
    assert len(days) == 13  # day 8's were all skipped: nothing went out
    assert (days[dt.date(2026, 11, 26)].done, days[dt.date(2026, 11, 26)].snoozed) == (1, 1)
    assert days[dt.date(2026, 11, 25)].unanswered == 3  # sent, never answered
    assert dt.date(2026, 12, 3) not in days


def test_a_day_with_three_sent_one_done_and_one_snoozed_shows_exactly_that() -> None:
    rows = [
        Delivery(occurrence="2026-11-25T09:00", status="sent", response="done", message_id=1),
        Delivery(occurrence="2026-11-25T13:00", status="sent", response="snoozed", message_id=2),
        Delivery(occurrence="2026-11-25T17:00", status="sent", response=None, message_id=3),
        # What the bot chose not to send is nobody's miss.
        Delivery(occurrence="2026-11-25T18:30", status="skipped", reason="cap"),
        Delivery(occurrence="2026-11-25T20:00", status="skipped", reason="grace"),
    ]
    (day,) = nudge_days(rows)
    assert (day.sent, day.done, day.snoozed, day.stopped, day.unanswered) == (3, 1, 1, 0, 1)


def test_a_message_carrying_two_nudges_counts_once_with_its_answer() -> None:
    rows = [
        Delivery(occurrence="2026-11-25T15:00", status="sent", response="done", message_id=7),
        Delivery(occurrence="2026-11-25T15:00", status="sent", response="done", message_id=7),
        Delivery(occurrence="2026-11-25T17:00", status="sent", response="stopped", message_id=8),
    ]
    (day,) = nudge_days(rows)
    assert (day.sent, day.done, day.stopped, day.unanswered) == (2, 1, 1, 0)


def test_the_latest_answers_are_the_reruns() -> None:
    assert fortnight().answers["Q2_AREA"] == ("A_EYELID", "A_FACE")
    assert fortnight().reasons[-1] == "longer_than_2_weeks"
