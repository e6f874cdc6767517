"""The plan's lines (the result's "My plan"): a series a full plan leaves out on a few days
names them; on many, it says how many, so the line stays readable."""

from __future__ import annotations

import datetime as dt

from bot.catalogue import catalogue_for
from bot.plans import describe_plan
from triage.schedule import LocalSchedule, PlannedNudge

CAT = catalogue_for("en")
MONDAY = dt.date(2026, 11, 30)


def _hydrate(skipped: int) -> PlannedNudge:
    days = frozenset(MONDAY + dt.timedelta(days=2 * n) for n in range(skipped))
    schedule = LocalSchedule((dt.time(10, 0),), MONDAY, MONDAY + dt.timedelta(days=13), skip=days)
    return PlannedNudge("N_HYDRATE", schedule)


def test_a_series_left_out_on_a_few_days_names_them() -> None:
    text = describe_plan(CAT, (_hydrate(2),), None)
    assert text is not None
    assert "not on Mon 30 Nov and Wed 02 Dec" in text


def test_a_series_left_out_on_many_days_says_how_many_instead_of_listing_them() -> None:
    text = describe_plan(CAT, (_hydrate(6),), None)
    assert text is not None
    assert "not on 6 of its days" in text
    assert "Mon 30 Nov" not in text


def test_the_pharmacist_reminder_line_names_the_persons_doctor_in_their_countrys_words() -> None:
    talk = PlannedNudge("N_MED_TALK", LocalSchedule((dt.time(10, 0),), MONDAY, dates=(MONDAY,)))
    uk, us = (
        describe_plan(CAT, (talk,), None, country="GB"),
        describe_plan(CAT, (talk,), None, country="US"),
    )
    assert uk is not None and us is not None
    assert "pharmacist or GP" in uk and "pharmacist or doctor" in us
