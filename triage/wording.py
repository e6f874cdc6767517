"""When and how advice is worded (spec §4.4 rev 2).

Pure decisions the edge renders: whether a "contact your GP surgery today" is honest at the
person's local time, which word names their doctor, which closing follows "Booked", which
caffeine tip fits a pregnancy, and whether a medicine line belongs. The caller passes the
person's local time; nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from triage.facts import Answers
from triage.levels import Level
from triage.outcome import Outcome

SURGERY_OPENS = dt.time(8, 0)
SURGERY_CLOSES = dt.time(18, 0)
SATURDAY = 5
CLOSED_EVERYWHERE = frozenset({(1, 1), (12, 25), (12, 26)})
"""(month, day) of the public holidays treated as closed in every country: New Year's Day,
Christmas Day and the day after. Where a surgery is in fact open, pointing to the urgent service
is the conservative error; where it is closed, "contact your GP surgery today" would not be."""

GP_COUNTRIES = frozenset({"GB", "IE", "AU", "NZ"})
"""§4.4: "GP" in the UK, Ireland, Australia and New Zealand; "your doctor" elsewhere."""

CONTEXT_QUESTION = "Q10_CONTEXT"
PREGNANT = "X_PREGNANT"
MEDICINE_OPTIONS = frozenset(
    {"M_NEWMED", "M_PPI", "M_DIURETIC", "M_ASTHMA", "M_STIM", "M_ANTIDEP", "M_STEROID"}
)
CAFFEINE_TIP = "caffeine"
PREGNANCY_CAFFEINE_TIP = "caffeine_pregnancy"


class Clinician(StrEnum):
    """The word for the person's own doctor."""

    GP = "gp"
    DOCTOR = "doctor"


class L3Route(StrEnum):
    """Where "get advice today" sends the person at this moment."""

    SURGERY_TODAY = "in_hours"
    URGENT_SERVICE_NOW = "out_of_hours"


class Closing(StrEnum):
    """How a check-in answered "Booked" ends."""

    ROUTINE = "routine"
    GO_TODAY = "go_today"


def surgery_open(local: dt.datetime, holidays: frozenset[dt.date] = frozenset()) -> bool:
    """Whether a GP surgery or doctor's office is open: a weekday, 08:00 to 18:00 local time,
    not a public holiday (the fixed ones above, and any the caller knows of)."""
    if local.weekday() >= SATURDAY or local.date() in holidays:
        return False
    if (local.month, local.day) in CLOSED_EVERYWHERE:
        return False
    return SURGERY_OPENS <= local.time() < SURGERY_CLOSES


def l3_route(local: dt.datetime, holidays: frozenset[dt.date] = frozenset()) -> L3Route:
    """§4.4: "contact your GP surgery today" only in surgery hours; otherwise the urgent
    service now (NHS 111 in England, the out-of-hours or urgent-care service elsewhere)."""
    if surgery_open(local, holidays):
        return L3Route.SURGERY_TODAY
    return L3Route.URGENT_SERVICE_NOW


def clinician(country: str | None) -> Clinician:
    """§4.4 words by country: "GP" only where people say it."""
    return Clinician.GP if country in GP_COUNTRIES else Clinician.DOCTOR


def closing_after_booked(level: Level) -> Closing:
    """§4.4: after "Booked" at L3 or L4 the closing says to go today or call, never the
    routine "see your GP"."""
    return Closing.GO_TODAY if level >= Level.L3 else Closing.ROUTINE


def is_pregnant(answers: Answers) -> bool:
    return PREGNANT in answers.get(CONTEXT_QUESTION, frozenset())


def gave_medicine_answer(answers: Answers) -> bool:
    """Whether the person ticked any medicine in Q10."""
    return bool(answers.get(CONTEXT_QUESTION, frozenset()) & MEDICINE_OPTIONS)


def tips_for_person(tips: tuple[str, ...], answers: Answers) -> tuple[str, ...]:
    """The outcome's tips, with the pregnancy caffeine limit (about 200 mg a day, [S24]) in
    place of the general "2–3 drinks" tip for someone who said they are pregnant."""
    if not is_pregnant(answers):
        return tips
    swapped = (PREGNANCY_CAFFEINE_TIP if tip == CAFFEINE_TIP else tip for tip in tips)
    return tuple(dict.fromkeys(swapped))  # the rules may already have given it


def shows_medicine_line(outcome: Outcome, answers: Answers) -> bool:
    """§4.4: a medicine line only after a medicine answer, and never beside an emergency."""
    return outcome.medicine_related and gave_medicine_answer(answers) and outcome.level < Level.L4
