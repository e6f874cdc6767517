"""Turning a set of answers into an Outcome (spec §3.1 steps 2-5 and §3.2)."""

from __future__ import annotations

import datetime as dt

from triage.facts import Answers, Facts, derive, onset_date, onset_date_checkin
from triage.levels import NUDGE_LEVELS, Level, highest
from triage.outcome import Exit, Outcome, Reason
from triage.questions import validate_answers
from triage.rules import ADVICE_EXTRAS, EYELID_SOFT_PROMPT_DURATIONS, MEDICINE_RULE_IDS, fired
from triage.tips import tips_for

EYELID_SOFT_PROMPT = "eyelid_one_week"


def assess(answers: Answers, today: dt.date, episodes_90d: int = 0) -> Outcome:
    """Run every rule over `answers`; the highest level that fired wins (§0.2.2)."""
    validate_answers(answers)
    facts = derive(answers, episodes_90d)
    reasons = tuple(Reason(rule.id, rule.reason, rule.level) for rule in fired(facts))
    level = highest(reason.level for reason in reasons)
    return Outcome(
        level=level,
        reasons=reasons,
        exit=_exit(facts, level),
        onset_date=onset_date(facts.duration, today),
        onset_date_checkin=onset_date_checkin(facts.duration, today),
        soft_prompts=_soft_prompts(facts, level),
        tips=tips_for(facts) if level in NUDGE_LEVELS else (),
        medicine_related=any(reason.rule_id in MEDICINE_RULE_IDS for reason in reasons),
        extras=tuple(ADVICE_EXTRAS[r.rule_id] for r in reasons if r.rule_id in ADVICE_EXTRAS),
    )


def _exit(facts: Facts, level: Level) -> Exit | None:
    # §3.1 step 4: a diagnosed condition goes back to the care team, at L1 or above (R-R11
    # guarantees the floor; the check keeps the rule true even if R-R11's level changes).
    if facts.has("X_KNOWN_DX") and level >= Level.L1:
        return Exit.EXIT_KNOWN_CONDITION
    return None


def _soft_prompts(facts: Facts, level: Level) -> tuple[str, ...]:
    # §3.2 soft prompt: one eyelid, onset in the 3-13 day band (see rules.py for why the band
    # stands in for "at least 7 days"). Not added beside "get advice today" or an emergency,
    # where a "wait a week" line would blur the advice.
    eyelid = facts.has("A_EYELID") and facts.duration in EYELID_SOFT_PROMPT_DURATIONS
    return (EYELID_SOFT_PROMPT,) if eyelid and level in NUDGE_LEVELS else ()
