"""Questionnaire use cases: what /triage opens, starting one, answering a question, resuming or
restarting, going back, and re-asking a running episode's questions. Each is one transaction;
every answer is saved before the next question is sent, so a restart between two answers
resumes at the same question.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import worry
from bot.catalogue import Catalogue
from bot.countries import needs_country
from bot.plans import describe_plan, pause_nudges, schedule_after_triage
from bot.replies import catalogue
from bot.usecases.onboarding import is_onboarded
from bot.usecases.triage_taps import (
    Tap,
    TapKind,
    decide,
    go_back,
    local_today,
    past_review,
)
from storage.episodes import EpisodeRepository, record_of
from storage.models import Episode, TriageSession, User
from storage.pseudonyms import person
from storage.statuses import EpisodeStatus, TriageStatus
from storage.users import UserRepository
from triage.flow import Finished, current_step, rerun, start
from triage.followup import on_retriage
from triage.levels import Level
from triage.questions import InvalidAnswer, Question
from triage.rerun import as_shown, fold, pauses_nudges
from triage.schedule import PlannedNudge

log = logging.getLogger(__name__)
Sessions = async_sessionmaker[AsyncSession]
EPISODE_WINDOW = dt.timedelta(days=90)
PROGRESS = frozenset({TapKind.TICK, TapKind.NEXT, TapKind.REVIEW, TapKind.BACK, TapKind.CHANGE})
"""Taps that change their session and nothing else: saved as one statement."""


@dataclass(frozen=True)
class Started:
    """A questionnaire just saved, and the question to send."""

    triage: TriageSession
    question: Question


class Opening(StrEnum):
    """What /triage opens, in the order it is checked."""

    NOT_ONBOARDED = "not_onboarded"
    NO_CONSENT = "no_consent"  # health data not consented to
    COUNTRY_FIRST = "country_first"  # §0.4 rev 2: the old "European Union" region, asked once
    IN_PROGRESS = "in_progress"  # carry on, or start again?
    REPEAT_CHECK = "repeat_check"  # §5.6 rev 2: same advice, what would change it, one tip
    NEW = "new"


@dataclass(frozen=True)
class Opened:
    """What /triage opened, for whom, the questionnaire in progress, and the repeated-checking
    answer."""

    opening: Opening
    user: User | None
    active: TriageSession | None = None
    repeat: str | None = None


async def open_questionnaire(
    sessions: Sessions, now: dt.datetime, telegram_id: int, language: str | None
) -> Opened:
    """/triage: what it opens for the person; nothing typed is awaited any more."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        if user is not None:
            user.awaiting = None  # a command moves on: nothing typed is awaited by /settings
        if user is None or not is_onboarded(user):
            return Opened(Opening.NOT_ONBOARDED, user)
        active = await EpisodeRepository(session).active_session(user.id)
        if user.consent_health_at is None:
            return Opened(Opening.NO_CONSENT, user)
        if needs_country(user.country):
            return Opened(Opening.COUNTRY_FIRST, user)
        if active is not None:
            return Opened(Opening.IN_PROGRESS, user, active)
        repeat = await worry.repeat_check_text(session, catalogue(user, language), user, now)
    return Opened(Opening.REPEAT_CHECK if repeat else Opening.NEW, user, repeat=repeat)


async def begin(sessions: Sessions, now: dt.datetime, user: User) -> Started:
    """Opens a new episode (the old one is kept, closed, in history) and its first question."""
    async with sessions.begin() as session:
        episodes = EpisodeRepository(session)
        previous = await episodes.opened_since(user.id, now - EPISODE_WINDOW)
        ask = start(episodes_90d=previous + 1)
        await episodes.close_open(user.id, now)
        episode = await episodes.open(user.id, now)
        triage = await episodes.start_session(user.id, episode.id, ask.question.id, ask.state, now)
    log.info(
        "user %s started triage session %s (episode %s)", person(user.id), triage.id, episode.id
    )
    return Started(triage, ask.question)


async def begin_rerun(
    sessions: Sessions, now: dt.datetime, user: User, episode_id: int, only: tuple[str, ...]
) -> Started | None:
    """Re-asks `only` for a running episode, every answer prefilled (F-E2, F-E3); None when an
    emergency triage stopped at Q1 and there is nothing to refine."""
    async with sessions.begin() as session:
        episodes = EpisodeRepository(session)
        episode = await episodes.get(episode_id)
        assert episode is not None and episode.user_id == user.id
        previous = episode.answers
        assert previous is not None  # only an assessed episode is re-run
        try:
            ask = rerun(previous.answers, only, episodes_90d=previous.episodes_90d)
        except InvalidAnswer:
            return None
        triage = await episodes.start_session(user.id, episode.id, ask.question.id, ask.state, now)
        triage.selection = sorted(ask.state.prefilled(ask.question.id))
    log.info("user %s re-triage session %s (episode %s)", person(user.id), triage.id, episode_id)
    return Started(triage, ask.question)


@dataclass(frozen=True)
class Answered:
    """The person who tapped, their catalogue, and what the tap did."""

    user: User | None
    cat: Catalogue
    tap: Tap


async def answer(
    sessions: Sessions,
    now: dt.datetime,
    telegram_id: int,
    language: str | None,
    fields: tuple[int, str, str, bool | None],
) -> Answered:
    """An answer or a tick, validated against the stored session and saved; at the last
    question the outcome and its plan are stored too."""
    session_id, question_id, option_id, wanted = fields
    async with sessions.begin() as session:
        triage, user = await EpisodeRepository(session).session_and_user(session_id, telegram_id)
        tap = decide(user, triage, question_id, option_id, now, wanted)
        if tap.kind == TapKind.REVIEW and await _at_emergency(session, tap):
            tap = past_review(tap)
        cat = catalogue(user, language)
        if tap.kind in PROGRESS and tap.session is not None:
            ticks_only = tap.kind == TapKind.TICK
            await EpisodeRepository(session).save_progress(tap.session, ticks_only=ticks_only)
        elif tap.kind == TapKind.FINISHED:
            assert user and tap.session and isinstance(tap.step, Finished)
            tap = await _finish(session, cat, user, tap, now)
        elif tap.kind == TapKind.CLOSED and tap.just_after and user is not None:
            tap = await _finished_as_stored(session, user, tap, now)
    return Answered(user, cat, tap)


async def _finished_as_stored(session: AsyncSession, user: User, tap: Tap, now: dt.datetime) -> Tap:
    """The result a finished session gave, at its episode's level: for the retry of the
    finishing tap of a replica that crashed, which may have died before sending it."""
    assert tap.session
    state = tap.session.answers
    step = current_step(state, local_today(user, now))
    episode = await session.get(Episode, tap.session.episode_id)
    if not isinstance(step, Finished) or episode is None:
        return replace(tap, just_after=False)
    return replace(tap, step=as_shown(step, record_of(episode)))


async def _at_emergency(session: AsyncSession, tap: Tap) -> bool:
    assert tap.session
    episode = await session.get(Episode, tap.session.episode_id)
    return episode is not None and episode.level == Level.L4.value


async def _finish(
    session: AsyncSession, cat: Catalogue, user: User, tap: Tap, now: dt.datetime
) -> Tap:
    assert tap.session and isinstance(tap.step, Finished)
    episode = await session.get(Episode, tap.session.episode_id)
    assert episode is not None
    plan = await _record_outcome(session, user, episode, tap.step, now)
    ticked = frozenset().union(*tap.step.state.answers.values())
    shown = as_shown(tap.step, record_of(episode))
    return replace(tap, step=shown, next_steps=describe_plan(cat, *plan, ticked, user.country))


async def _record_outcome(
    session: AsyncSession, user: User, episode: Episode, finished: Finished, now: dt.datetime
) -> tuple[tuple[PlannedNudge, ...], dt.datetime | None]:
    """Stores the outcome on the episode, then its plan; a re-triage (F-E2/F-E3) folds into
    the running follow-up instead, and the level never drops (F-N1)."""
    rerun = bool(episode.followup)
    record = fold(record_of(episode), finished)
    assert record.level is not None  # a folded record always has the outcome's level
    episode.level, episode.reasons = record.level.value, list(record.reasons)
    episode.onset_date, episode.answers = record.onset, finished.state
    episode.status = EpisodeStatus.OPEN
    if not rerun:
        answers = finished.state.answers
        return await schedule_after_triage(session, user, episode, finished.outcome, answers, now)
    local = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).replace(tzinfo=None)
    assert episode.followup is not None  # a re-run refines an episode already followed up
    state = on_retriage(episode.followup, finished.outcome, local)
    episode.followup = state
    if pauses_nudges(state.level):
        await pause_nudges(session, user.id)
    return (), None


async def resume_or_restart(
    sessions: Sessions, telegram_id: int, session_id: int, choice: str
) -> tuple[User | None, TriageSession | None]:
    """Carry on, or drop the questionnaire in progress; the session is None when the button is
    not the person's own or the questionnaire is over."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        triage = await EpisodeRepository(session).session_by_id(session_id)
        usable = (
            user and triage and triage.user_id == user.id and triage.status == TriageStatus.ACTIVE
        )
        if usable and choice == "restart":
            assert triage
            triage.status = TriageStatus.ABANDONED
    return user, triage if usable else None


async def in_progress(
    sessions: Sessions, user_id: int, *, worry_typed: bool = False
) -> TriageSession | None:
    """The person's questionnaire in progress; `worry_typed` notes a typed disease question
    (§5.5), which its result answers in a line."""
    async with sessions.begin() as session:
        triage = await EpisodeRepository(session).active_session(user_id)
        if triage is not None and worry_typed:
            triage.worry_typed = True
    return triage


async def typed_back(sessions: Sessions, now: dt.datetime, session_id: int) -> Tap:
    """Typing "back" does what the Back button does."""
    async with sessions.begin() as session:
        triage = await EpisodeRepository(session).session_by_id(session_id)
        assert triage is not None
        return go_back(triage, now)
