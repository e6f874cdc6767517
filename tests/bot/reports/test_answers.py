"""How the report words the answers: the first-given onset, the doctor answers, and each
question with what was asked and said no to."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.catalogue import catalogue_for
from bot.reports.answers import asked, doctor_answers, onset
from bot.reports.pdf import report_sections
from tests.bot.reports import fortnight

CAT = catalogue_for(None)


def test_an_onset_a_re_check_moved_later_is_reported_from_the_first_answer() -> None:
    # Stored before the fix: the day-12 re-check's "3 to 13 days" moved the onset to 04 Dec.
    history = dataclasses.replace(fortnight(), onset_date=dt.date(2026, 12, 4))
    started, given = onset(history)
    assert started == dt.date(2026, 11, 22) and given == ("D_3_13D",)
    rows = dict(report_sections(history, CAT)[0].rows)
    assert rows["Duration so far"] == "about 17 days"


def test_a_none_of_these_answer_lists_everything_said_no_to() -> None:
    text = asked(CAT, "Q7_EYE_BODY", ("S_NONE",))
    assert text.startswith("Said no to all of: " + CAT.text("option.V_DOUBLE"))
    assert "None of these" not in text


def test_ticked_options_are_reported_and_the_rest_said_no_to() -> None:
    text = asked(CAT, "Q6_NERVE", ("N_STIFF",))
    assert text.startswith("Reported: " + CAT.text("option.N_STIFF") + ".")
    assert "Asked about and said no to: " + CAT.text("option.N_WEAK") in text
    assert CAT.text("option.N_STIFF") not in text.split("said no to")[1]


def test_the_doctor_answers_of_check_ins_are_in_the_report_not_yet_included() -> None:
    history = fortnight()
    points = list(history.checkins)
    points[2] = dataclasses.replace(points[2], doctor="not_yet")
    points[4] = dataclasses.replace(points[4], doctor="seen", suggestion="tests")
    history = dataclasses.replace(history, checkins=tuple(points))
    assert doctor_answers(history.checkins, CAT) == [
        "04 Dec: Not yet",
        "09 Dec: Seen (Tests or a referral)",
    ]
    rows = dict(report_sections(history, CAT)[0].rows)
    assert (
        rows["Seen a doctor (check-ins)"] == "04 Dec: Not yet; 09 Dec: Seen (Tests or a referral)"
    )


def test_how_much_it_bothers_them_and_the_strength_check_are_in_the_report() -> None:
    history = fortnight()
    latest = history.assessments[-1]
    answers = {**latest.answers, "Q6_NERVE": ("N_WEAK",), "Q6_WEAK_CHECK": ("W_FEEL",)}
    checked = dataclasses.replace(latest, answers=answers)
    history = dataclasses.replace(history, assessments=(*history.assessments[:-1], checked))
    twitch, _, signs = (dict(section.rows) for section in report_sections(history, CAT)[:3])
    assert twitch["How much it bothers them"] == CAT.text("option.B_MED")
    assert signs["Strength check (stairs, jars, buttons)"] == CAT.text("option.W_FEEL")
