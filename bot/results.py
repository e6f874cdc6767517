"""The words of a triage result: level, reasons, advice, medicine line, tips and footer.

All words come from the catalogue; this module only chooses and orders them.
"""

from __future__ import annotations

from bot.catalogue import Catalogue
from bot.replies import say
from storage.models import User
from triage.levels import Level
from triage.outcome import Exit, Outcome

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


def advice_key(outcome: Outcome) -> str:
    # §3.1 step 4: with a known condition the L1 text is replaced by the care-team text.
    if outcome.exit == Exit.EXIT_KNOWN_CONDITION and outcome.level == Level.L1:
        return "exit.known_condition"
    return f"advice.{outcome.level.value}"


def compose_result(
    cat: Catalogue,
    user: User,
    outcome: Outcome,
    next_steps: str | None = None,
    worried: bool = False,
) -> list[str]:
    """The result as the messages a person reads, in order; `worried` when the person typed
    a disease question during the questions (§5.5, answered again here in one line)."""
    phrases = reason_phrases(cat, outcome)
    head = [cat.text("triage_ui.result_title", level=cat.text(f"level.{outcome.level}.name"))]
    if phrases:
        head.append(cat.text("triage_ui.result_reasons", reasons="; ".join(phrases)))
    parts = [say(cat, advice_key(outcome), user, reason=" and ".join(driving(cat, outcome)))]
    if outcome.medicine_related and outcome.level < Level.L4:
        parts.append(say(cat, "medicine_line", user))
    parts.extend(say(cat, f"soft.{prompt}", user) for prompt in outcome.soft_prompts)
    if worried and outcome.level < Level.L3:
        parts.append(cat.text("result_note.worry"))
    tips = [say(cat, f"tip.{tip}", user) for tip in outcome.tips]
    if tips and outcome.level < Level.L3:
        parts.append("\n".join([cat.text("triage_ui.tips_title"), *tips]))
    if outcome.level == Level.L4:
        # An emergency says everything at once: the call comes first, no summary.
        messages = ["\n\n".join(head + parts)]
    else:
        # First the short of it (level, why, the one thing to do now, the numbers), then
        # the details and tips, then the plan.
        now = say(cat, f"result_now.{outcome.level.value}", user)
        messages = ["\n\n".join([*head, now]), "\n\n".join(parts)]
    messages.append(_closing(cat, user, outcome, next_steps))
    return messages


def _closing(cat: Catalogue, user: User, outcome: Outcome, next_steps: str | None) -> str:
    if outcome.level >= Level.L3:
        follow = "triage_ui.paused" if user.consent_reminders_at else "triage_ui.paused_no_checkin"
        lines = [cat.text(follow)]
    elif next_steps:
        lines = [next_steps]
    else:
        lines = [cat.text("triage_ui.next_one_off")]
    if Level.L1 <= outcome.level <= Level.L3:
        # From a routine GP visit up, the one-page summary helps; at L4 only the call matters.
        lines.append(cat.text("result_note.report"))
    lines.append(say(cat, "footer", user))
    return "\n\n".join(lines)
