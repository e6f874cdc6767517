"""The words of a triage result: level, reasons, advice, medicine line, tips and footer.

All words come from the catalogue; this module only chooses and orders them. The timing and
wording choices of spec §4.4 (out-of-hours L3, words by country, the pregnancy caffeine tip,
medicine lines only after a medicine answer) are the core's, in triage.wording.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping

from bot.catalogue import Catalogue
from bot.replies import say
from storage.models import User
from triage.levels import Level
from triage.outcome import Exit, Outcome
from triage.wording import (
    Clinician,
    Closing,
    L3Route,
    clinician,
    closing_after_booked,
    l3_route,
    shows_medicine_line,
    tips_for_person,
)

NO_REASON_RULE = "R-0"


def reason_phrases(cat: Catalogue, outcome: Outcome) -> list[str]:
    return [
        cat.text(f"reason.{reason.code}")
        for reason in outcome.shown_reasons
        if reason.rule_id != NO_REASON_RULE
    ]


def driving(cat: Catalogue, outcome: Outcome) -> list[str]:
    """The phrases of the reasons at the outcome's own level: the advice names what set it."""
    return [
        cat.text(f"reason.{reason.code}")
        for reason in outcome.shown_reasons
        if reason.level == outcome.level and reason.rule_id != NO_REASON_RULE
    ]


def advice_key(outcome: Outcome, local: dt.datetime | None = None) -> str:
    """The advice for the outcome; at L3 with the person's local time known, the out-of-hours
    words outside surgery hours (§4.4)."""
    # §3.1 step 4: with a known condition the L1 text is replaced by the care-team text.
    if outcome.exit == Exit.EXIT_KNOWN_CONDITION and outcome.level == Level.L1:
        return "exit.known_condition"
    if outcome.level == Level.L3 and local and l3_route(local) == L3Route.URGENT_SERVICE_NOW:
        return "out_of_hours.advice"
    return f"advice.{outcome.level.value}"


def level_name(cat: Catalogue, user: User | None, level: Level) -> str:
    """The level's name, in the person's country's words where they differ ("GP" or not)."""
    country = user.country if user else None
    if clinician(country) == Clinician.DOCTOR and cat.has(f"level_doctor.{level.value}"):
        return cat.text(f"level_doctor.{level.value}")
    return cat.text(f"level.{level.value}.name")


def in_country_words(cat: Catalogue, user: User | None) -> Catalogue:
    """`cat` with every level named in the person's country's words, for what names levels
    by their catalogue key: /history's summary and chart, the /report page, the /export
    glossary."""
    return cat.with_messages({f"level.{lv.value}.name": level_name(cat, user, lv) for lv in Level})


def local_time(user: User, now: dt.datetime) -> dt.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))


def compose_result(
    cat: Catalogue,
    user: User,
    outcome: Outcome,
    next_steps: str | None = None,
    worried: bool = False,
    *,
    answers: Mapping[str, frozenset[str]] | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """The whole result as messages, in order: at L4 the call and everything with it at once;
    below it the short of it, then what "Why?", "Tips" and "My plan" show.

    With `now`, the advice fits the person's local time; with `answers`, tips and the medicine
    line fit what they said; `worried` when the person typed a disease question during the
    questions (§5.5, answered again in one line)."""
    if outcome.level == Level.L4:
        return [_emergency(cat, user, outcome, now), _closing(cat, user, outcome)]
    tips = tips_message(cat, user, outcome, answers)
    plan = next_steps or cat.text("triage_ui.next_one_off")
    return [
        first_message(cat, user, outcome, worried, now=now),
        why_message(cat, user, outcome, answers=answers, now=now),
        *([tips] if tips else []),
        plan,
    ]


def first_message(
    cat: Catalogue,
    user: User,
    outcome: Outcome,
    worried: bool = False,
    *,
    now: dt.datetime | None = None,
) -> str:
    """The short of a result below L4: the level, one line of why, the one thing to do now,
    and the numbers; the details wait behind buttons."""
    title = cat.text("triage_ui.result_title", level=level_name(cat, user, outcome.level))
    phrases = reason_phrases(cat, outcome) or [cat.text("reason.no_red_flags")]
    lines = [title, cat.text("triage_ui.result_reasons", reasons="; ".join(phrases))]
    local = local_time(user, now) if now else None
    if advice_key(outcome, local) == "out_of_hours.advice":
        lines.append(say(cat, "result_now.out_of_hours", user))
    else:
        lines.append(say(cat, f"result_now.{outcome.level.value}", user))
    # A rule's own call-now line (R-U9, R-U10) belongs with the short of it.
    lines.extend(say(cat, f"extra.{extra}", user) for extra in outcome.extras)
    if worried and outcome.level < Level.L3:
        lines.append(cat.text("result_note.worry"))
    lines.append(_closing(cat, user, outcome))
    return "\n\n".join(lines)


def why_message(
    cat: Catalogue,
    user: User,
    outcome: Outcome,
    *,
    answers: Mapping[str, frozenset[str]] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """ "Why?": the level's full advice, naming what set it, with the medicine line and the
    rules' own prompts."""
    local = local_time(user, now) if now else None
    reason = " and ".join(driving(cat, outcome))
    parts = [say(cat, advice_key(outcome, local), user, reason=reason)]
    medicine = (
        shows_medicine_line(outcome, answers)
        if answers is not None
        else outcome.medicine_related and outcome.level < Level.L4
    )
    if medicine:
        parts.append(say(cat, "medicine_line", user))
    parts.extend(say(cat, f"soft.{prompt}", user) for prompt in outcome.soft_prompts)
    return "\n\n".join(parts)


def tips_message(
    cat: Catalogue,
    user: User,
    outcome: Outcome,
    answers: Mapping[str, frozenset[str]] | None = None,
) -> str | None:
    """ "Tips": the self-care tips that fit the answers, below L3 only (spec §0.2.6)."""
    if outcome.level >= Level.L3:
        return None
    shown = tips_for_person(outcome.tips, answers) if answers is not None else outcome.tips
    tips = [say(cat, f"tip.{tip}", user) for tip in shown]
    return "\n".join([cat.text("triage_ui.tips_title"), *tips]) if tips else None


def _emergency(cat: Catalogue, user: User, outcome: Outcome, now: dt.datetime | None) -> str:
    # An emergency says everything at once: the call comes first, no summary.
    head = [cat.text("triage_ui.result_title", level=level_name(cat, user, outcome.level))]
    if phrases := reason_phrases(cat, outcome):
        head.append(cat.text("triage_ui.result_reasons", reasons="; ".join(phrases)))
    extras = [say(cat, f"extra.{extra}", user) for extra in outcome.extras]
    return "\n\n".join([*head, *extras, why_message(cat, user, outcome, now=now)])


def _closing(cat: Catalogue, user: User, outcome: Outcome) -> str:
    lines = []
    if user.consent_reminders_at is not None:
        if outcome.level >= Level.L3:
            lines.append(cat.text("triage_ui.paused"))
    elif outcome.level < Level.L4:  # without reminders there are none to pause
        lines.append(cat.text("triage_ui.next_one_off"))
    if Level.L1 <= outcome.level <= Level.L3:
        # From a routine GP visit up, the one-page summary helps; at L4 only the call matters.
        lines.append(cat.text("result_note.report"))
    lines.append(say(cat, "footer", user))
    return "\n\n".join(lines)


ROUTINE_CLOSING = "checkin.finished"
ROUTINE_RESTATE = "checkin.restate"
SILENCE_CLOSING = "checkin.closing"
_SAID_TODAY = {
    ROUTINE_CLOSING: "checkin.last.go_today",
    ROUTINE_RESTATE: "checkin.today.restate",
    SILENCE_CLOSING: "checkin.silence.go_today",
}


def closing_key(key: str, level: Level) -> str:
    """§4.4: the last check-in's closing, the goodbye after two silences (F-T4), and advice
    restated to someone not yet seen (F-E7), match the level; at L3 or L4 they say to be seen
    today, never the routine "see your GP" or "book an appointment"."""
    if closing_after_booked(level) == Closing.GO_TODAY:
        return _SAID_TODAY.get(key, key)
    return key
