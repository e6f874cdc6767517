"""Onboarding use cases: /start, an answer to a step, a country or zone typed or shared, and
where a person stands once onboarding is done. The step is a column on the user row, saved
before each reply, so a restart between two taps carries on where the person was.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cities, places
from bot.screens import country
from storage.episodes import EpisodeRepository
from storage.models import TriageSession, User, UserState
from storage.pseudonyms import person
from storage.reminders import ReminderRepository
from storage.users import UserRepository

log = logging.getLogger(__name__)
Sessions = async_sessionmaker[AsyncSession]


class Step(StrEnum):
    INTRO = "intro"
    CONSENT_HEALTH = "consent_health"
    CONSENT_REMINDERS = "consent_reminders"
    AGE = "age"
    COUNTRY = "country"
    TIMEZONE = "timezone"
    DONE = "done"
    DECLINED = "declined"
    UNDER18 = "under18"


RESTARTABLE = {Step.INTRO, Step.DECLINED, Step.UNDER18}
# Back goes one step up; the answers given stay until answered again.
PREVIOUS = {
    Step.CONSENT_REMINDERS: Step.CONSENT_HEALTH,
    Step.AGE: Step.CONSENT_REMINDERS,
    Step.COUNTRY: Step.AGE,
    Step.TIMEZONE: Step.COUNTRY,
}
ASKING = frozenset(PREVIOUS) | {Step.CONSENT_HEALTH}
"""The steps that wait on an answer."""
BACK = "back"


def is_onboarded(user: User | None) -> bool:
    return user is not None and user.onboarding_step == Step.DONE


async def start(
    sessions: Sessions, now: dt.datetime, telegram_id: int, chat_id: int, language: str | None
) -> User:
    """/start: the person's row, created on the first visit; an ended onboarding starts over,
    and someone who blocked the bot and came back gets their reminders again from now."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get_or_create(telegram_id, chat_id, language, now)
        if user.onboarding_step in RESTARTABLE:
            user.onboarding_step = Step.CONSENT_HEALTH
        if user.state == UserState.BLOCKED:
            await ReminderRepository(session).reactivate_user(user.id, now)
            log.info("user %s came back after blocking the bot", person(user.id))
    return user


async def answer(
    sessions: Sessions, now: dt.datetime, telegram_id: int, chat_id: int, step: str, value: str
) -> tuple[User, bool]:
    """A tap on a step's button; False when it does not answer the step the person is at."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get_or_create(telegram_id, chat_id, None, now)
        applied = step == user.onboarding_step and apply(user, Step(step), value, now)
    return user, applied


def apply(user: User, step: Step, value: str, now: dt.datetime) -> bool:
    """Records an answer to `step`; False when the value is not one the step offers."""
    if value == BACK and step in PREVIOUS:
        user.onboarding_step = PREVIOUS[step]
    elif step == Step.CONSENT_HEALTH and value in ("yes", "no"):
        user.consent_health_at = now if value == "yes" else None
        user.onboarding_step = Step.CONSENT_REMINDERS if value == "yes" else Step.DECLINED
    elif step == Step.CONSENT_REMINDERS and value in ("yes", "no"):
        user.consent_reminders_at = now if value == "yes" else None
        user.onboarding_step = Step.AGE
    elif step == Step.AGE and value in ("adult", "minor"):
        user.adult = value == "adult"
        user.onboarding_step = Step.COUNTRY if user.adult else Step.UNDER18
    elif step == Step.COUNTRY and country.valid(value):
        set_country(user, value)
    elif step == Step.TIMEZONE and (zone := cities.picked(tuple(value.split("/")), user.country)):
        set_zone(user, zone)
    else:
        return False
    return True


def right_after(user: User, step: str, value: str) -> bool:
    """Whether the person stands at the step a tap on `step` (with `value`) leads to: for the
    retry of a tap whose replica crashed after saving it, the next question may never have
    been sent. A person who has answered anything since has it."""
    if value == BACK:
        return PREVIOUS.get(Step(step)) == user.onboarding_step
    return PREVIOUS.get(Step(user.onboarding_step)) == step


def set_country(user: User, value: str) -> None:
    user.country = country.stored(value)
    user.onboarding_step = Step.TIMEZONE


def set_zone(user: User, name: str) -> None:
    user.tz = name
    user.onboarding_step = Step.DONE


async def save_place(sessions: Sessions, user_id: int, code: str, zone: str | None) -> User:
    """A country typed or pinned at the country step; a pin gives the zone too."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user
        if user.onboarding_step == Step.COUNTRY:
            set_country(user, code)
            if zone is not None:
                set_zone(user, zone)
    log.info("user %s chose a country", person(user_id))
    return user


async def save_zone(sessions: Sessions, user_id: int, zone: str) -> User:
    """A zone typed or pinned at the time-zone step."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user
        if user.onboarding_step == Step.TIMEZONE:
            set_zone(user, zone)
    log.info("user %s set a time zone", person(user_id))
    return user


async def save_pin(
    sessions: Sessions, user_id: int, zone: str | None
) -> tuple[User | None, str | None]:
    """A location shared during onboarding, as the time zone found at it: at the country step
    it answers both questions (the zone's country and the zone), at the time-zone step the
    zone. The person, and the catalogue key saying why nothing was saved, or None."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        if user is None or user.onboarding_step not in (Step.COUNTRY, Step.TIMEZONE):
            return user, "error.not_understood"
        what = "chose a country" if user.onboarding_step == Step.COUNTRY else "set a time zone"
        refusal = _pinned(user, zone)
    if refusal is None:
        log.info("user %s %s", person(user_id), what)
    return user, refusal


def _pinned(user: User, zone: str | None) -> str | None:
    """Applies a pin to the person's step; the catalogue key of the refusal, or None."""
    if user.onboarding_step == Step.TIMEZONE:
        if zone is None:
            return "onboarding.timezone_not_found"
        set_zone(user, zone)
        return None
    code = places.country_of_zone(zone)
    if code is None or zone is None:
        return "country.at_sea"
    set_country(user, code)
    set_zone(user, zone)
    return None


@dataclass(frozen=True)
class Progress:
    """Where a person who finished onboarding stands in the questionnaire."""

    active: TriageSession | None  # the questionnaire in progress, if any
    begun: bool  # whether any questionnaire was ever begun
    untouched: bool  # nothing answered or ticked: its first question may never have arrived


async def in_progress(sessions: Sessions, user_id: int) -> Progress:
    """The questionnaire the person is in the middle of, and whether they ever began one."""
    async with sessions.begin() as session:
        episodes = EpisodeRepository(session)
        active = await episodes.active_session(user_id)
        begun = active is not None or await episodes.latest(user_id) is not None
        untouched = active is not None and not active.selection and not active.answers.answers
        return Progress(active, begun, untouched)
