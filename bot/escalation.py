"""A check-in's escalation at once (spec §4.3 F-E2, F-E3 rev 2; §4.4 screen order), stored
and worded.

The decision is the core's (`triage.escalation.escalate`); this module loads what it needs
from the episode, stores what it changed in the tap's transaction (level, reasons, answers,
follow-up state, the moved check-in, paused nudges at L3 and above), and words the advice
that is shown before any other screen.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.plans import pause_nudges
from bot.replies import say
from bot.results import advice_key, driving, level_name, reason_phrases
from storage.checkins import CheckInRepository
from storage.models import CheckIn, Delivery, Episode, User
from storage.reminders import ReminderRepository
from triage.escalation import Escalation, escalate, is_due
from triage.flow import TriageState
from triage.followup import FollowUpState
from triage.levels import Level

log = logging.getLogger(__name__)


async def escalate_now(
    session: AsyncSession, user: User, row: CheckIn, episode: Episode, now: dt.datetime
) -> Escalation | None:
    """Assesses the check-in's new signs at once and stores the result; None if nothing new."""
    now_local = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).replace(tzinfo=None)
    given = CheckInRepository.answers(row)
    if not is_due(given.new_signs, given.status) or not episode.followup:
        return None
    previous = episode.answers or TriageState({}, None)
    escalation = escalate(episode.followup, previous, given.new_signs, given.status, now_local)
    assert escalation is not None
    episode.followup = escalation.state
    episode.level = escalation.state.level.value
    episode.reasons = list(dict.fromkeys([*episode.reasons, *escalation.outcome.rule_ids]))
    episode.answers = escalation.answers
    CheckInRepository.note_escalation(row, escalation.rose)
    if escalation.rose:
        await _follow_the_new_level(session, user, row, escalation.state, now)
    log.info(
        "check-in %s of episode %s assessed at once: %s, level %s",
        row.id,
        episode.id,
        ",".join(escalation.fired),
        escalation.state.level,
    )
    return escalation


async def _follow_the_new_level(
    session: AsyncSession, user: User, row: CheckIn, state: FollowUpState, now: dt.datetime
) -> None:
    # Stored now, so that a person who stops here keeps the escalation and its check-in.
    delivery = await session.get(Delivery, row.delivery_id) if row.delivery_id else None
    if delivery is not None:
        reminders = ReminderRepository(session)
        await reminders.reschedule_checkin(delivery.reminder_id, state.next_checkin, now)
    if state.level >= Level.L3:
        await pause_nudges(session, user.id)  # §0.2.6: no nudges at L3 or L4


def advice(cat: Catalogue, user: User, escalation: Escalation) -> str:
    """The raised level's advice, as a triage result words it at the person's local time of
    the check-in (§4.4: "get advice today" outside surgery hours), with the footer (§5.3)."""
    outcome = escalation.outcome
    phrases = reason_phrases(cat, outcome)
    parts = [cat.text("checkin_ui.raised", level=level_name(cat, user, outcome.level))]
    if phrases:
        parts.append(cat.text("triage_ui.result_reasons", reasons="; ".join(phrases)))
    reason = " and ".join(driving(cat, outcome))
    parts.append(say(cat, advice_key(outcome, escalation.at), user, reason=reason))
    parts.extend(say(cat, f"extra.{extra}", user) for extra in outcome.extras)
    parts.append(say(cat, "footer", user))
    return "\n\n".join(parts)
