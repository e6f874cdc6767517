"""How the report words the person's answers: every question with what was reported and what
was asked and said no to (never a bare "None of these"), the onset as first given, and the
doctor answers from the check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from bot.catalogue import Catalogue
from bot.reports.history import Assessment, CheckinPoint, History
from triage.questions import QUESTIONS
from triage.rules import onset_date

DURATION = "Q3_DURATION"


def options(cat: Catalogue, picks: Iterable[str]) -> str:
    return "; ".join(cat.text(f"option.{pick}") for pick in picks)


def asked(cat: Catalogue, question_id: str, picks: Sequence[str]) -> str:
    """What the person reported, then what they were asked about and said no to."""
    if not picks:
        return cat.text("report.answer.not_asked")
    question = QUESTIONS[question_id]
    ticked = [pick for pick in picks if not pick.endswith("_NONE")]
    others = [option.id for option in question.options if not option.exclusive]
    declined = [option for option in others if option not in picks]
    parts = [cat.text("report.answer.reported", options=options(cat, ticked))] if ticked else []
    if declined:
        key = "report.answer.said_no" if ticked else "report.answer.said_no_to_all"
        parts.append(cat.text(key, options=options(cat, declined)))
    return " ".join(parts)


def onset(history: History) -> tuple[dt.date | None, tuple[str, ...]]:
    """The earliest start the person gave, and the answer it came from: a later re-check
    saying "3 to 13 days" does not move a start given a week before."""
    given = [_given_onset(assessment) for assessment in history.assessments]
    dated = [(when, picks) for when, picks in given if when is not None]
    if history.onset_date is not None:
        dated.append((history.onset_date, ()))
    if not dated:
        return None, ()
    earliest = min(when for when, _ in dated)
    picks = next((p for when, p in dated if when == earliest and p), ())
    return earliest, picks


def _given_onset(assessment: Assessment) -> tuple[dt.date | None, tuple[str, ...]]:
    picks = tuple(assessment.answers.get(DURATION, ()))
    return onset_date(picks[0] if picks else None, assessment.at.date()), picks


def doctor_answers(points: Sequence[CheckinPoint], cat: Catalogue) -> list[str]:
    """ "03 Dec: Not yet", "10 Dec: Seen (Tests or a referral)" for each check-in that asked."""
    found = []
    for point in points:
        if point.doctor is None:
            continue
        text = cat.text(f"checkin.doctor.options.{point.doctor}")
        if point.suggestion:
            text += f" ({cat.text(f'checkin.suggestion.options.{point.suggestion}')})"
        found.append(f"{point.at:%d %b}: {text}")
    return found
