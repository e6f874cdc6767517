"""Check-in use cases: opening the due check-in for the notifier, answering one of its
screens, going back a screen when "back" is typed, and looking up the re-run offer. Each is
one transaction.

At the end of a check-in the follow-up rules decide (`on_answers`) and the episode, its
reminders and the row are updated together; a new red flag (or "Spread") is assessed as soon
as the new-signs screen is answered (F-E2, F-E3 rev 2) and stored at once (§4.4).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardMarkup

from bot.checkin_screens import BACK, safety_markup
from bot.escalation import escalate_now
from bot.replies import catalogue, say
from bot.results import SILENCE_CLOSING, closing_key
from bot.usecases.checkin_taps import Tap, TapKind, decide, raised
from scheduler.clock import Clock
from scheduler.ports import Outgoing
from storage.checkins import CheckInRepository, CheckInStatus
from storage.episodes import EpisodeRepository
from storage.models import CheckIn, Episode, TriageSession, User
from storage.reminders import ReminderRepository
from storage.statuses import EpisodeStatus
from storage.users import UserRepository
from triage.checkin_flow import assess_after, next_screen
from triage.followup import Action, Decision, FollowUpState, on_answers, on_unanswered
from triage.levels import Level
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedCheckin:
    """A check-in's first screen, and the next one's local time should this go unanswered."""

    text: str
    markup: InlineKeyboardMarkup | None
    next_local: dt.datetime | None


def local_now(user: User | None, now: dt.datetime) -> dt.datetime:
    """The person's naive local wall time: what the follow-up rules count in."""
    zone = zoneinfo.ZoneInfo(user.tz if user and user.tz else "UTC")
    return now.astimezone(zone).replace(tzinfo=None)


# ---- The first screen, asked for by the notifier ------------------------------------------


async def prepare_checkin(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, outgoing: Outgoing
) -> PreparedCheckin | None:
    """Opens the due check-in, or ends check-ins after a second silence (F-T4); None: none due."""
    now = clock.now()
    async with sessions.begin() as session:
        user = await UserRepository(session).get(outgoing.user_id)
        checkins = CheckInRepository(session)
        episode = await _running(checkins, outgoing.episode_id)
        state = _followup(episode)
        if user is None or episode is None or state is None:
            return None
        now_local = local_now(user, now)
        previous = await checkins.still_open(episode.id)
        repeat = next((c for c in previous if c.delivery_id == outgoing.delivery_id), None)
        if repeat is None and previous:
            state = _expire(previous, episode, state, now_local)
            if state.closed:
                await ReminderRepository(session).deactivate(user.id, episode_id=episode.id)
                log.info("check-ins of episode %s ended after silence (F-T4)", episode.id)
                return PreparedCheckin(_closing(user, state.level), None, None)
        row = repeat or await checkins.open(episode.id, outgoing.delivery_id, now)
        return PreparedCheckin(
            _opening(user, outgoing.late),
            safety_markup(catalogue(user), row.id),
            _if_unanswered(state, now_local),
        )


async def _running(checkins: CheckInRepository, episode_id: int | None) -> Episode | None:
    if episode_id is None:
        return None
    episode = await checkins.episode(episode_id, for_update=True)
    return episode if episode is not None and episode.closed_at is None else None


def _followup(episode: Episode | None) -> FollowUpState | None:
    state = episode.followup if episode is not None else None
    return None if state is None or state.closed else state


def _expire(
    previous: Sequence[CheckIn], episode: Episode, state: FollowUpState, now_local: dt.datetime
) -> FollowUpState:
    """The last check-in went unfinished: close its row, and count it as silence (F-T4)
    when the person answered none of it."""
    CheckInRepository.expire(previous)
    if any(CheckInRepository.begun(row) for row in previous):
        # Answered in part (a new red flag reported and acted on among such answers): the
        # person is there, so the silences in a row start again.
        episode.followup = state = replace(state, unanswered=0)
        return state
    decision = on_unanswered(state, now_local)
    episode.followup = decision.state
    return decision.state


def _if_unanswered(state: FollowUpState, now_local: dt.datetime) -> dt.datetime | None:
    # The check-in after a silence is the one that says goodbye (F-T4), so it always comes;
    # the counter is reset here only to ask on_unanswered *when*, not whether.
    return on_unanswered(replace(state, unanswered=0), now_local).state.next_checkin


def _opening(user: User, late: bool) -> str:
    cat = catalogue(user)
    prefix = cat.text("checkin.late") if late else ""
    return f"{prefix}{cat.text('checkin.opening')}\n\n{cat.text('checkin.safety.question')}"


def _closing(user: User, level: Level) -> str:
    cat = catalogue(user)
    goodbye = say(cat, closing_key(SILENCE_CLOSING, level), user)
    return f"{goodbye}\n\n{say(cat, 'footer', user)}"


# ---- A tap on a screen ------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """The person who tapped, and what the tap did."""

    user: User | None
    tap: Tap

    @property
    def moved_reminders(self) -> bool:
        return self.tap.kind == TapKind.FINISHED or self.tap.escalation is not None


async def answer(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    telegram_id: int,
    checkin_id: int,
    screen: str,
    options: tuple[str, ...],
) -> Answered:
    """Saves a tap on a check-in screen, assessing new signs at once and finishing at the end."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        checkins = CheckInRepository(session)
        row = await checkins.get(checkin_id, for_update=True)
        episode = await checkins.episode(row.episode_id) if row else None
        tap = decide(user, row, episode, screen, options)
        answered = tap.kind in (TapKind.NEXT, TapKind.FINISHED)
        if answered and assess_after(screen, row.step if row else None):
            assert user and row and episode
            tap = await _assess_at_once(session, user, row, episode, screen, tap, now)
        if tap.kind == TapKind.FINISHED:
            assert user and row and episode
            await _finish(session, user, row, episode, tap, now)
    return Answered(user, tap)


async def _assess_at_once(
    session: AsyncSession,
    user: User,
    row: CheckIn,
    episode: Episode,
    screen: str,
    tap: Tap,
    now: dt.datetime,
) -> Tap:
    """F-E2/F-E3: a raised level is stored now and changes which screens follow (§4.4)."""
    escalation = await escalate_now(session, user, row, episode, now)
    if escalation is None or not escalation.rose:
        return tap
    following = next_screen(escalation.state, row.answers, screen)
    if following is None:
        return raised(tap, TapKind.FINISHED, escalation)
    row.step = following
    return raised(tap, TapKind.NEXT, escalation)


async def _finish(
    session: AsyncSession, user: User, row: CheckIn, episode: Episode, tap: Tap, now: dt.datetime
) -> None:
    """Applies the rules and stores everything they changed, in the tap's transaction."""
    state = episode.followup
    assert state is not None  # a check-in is only asked during a follow-up
    decision = on_answers(state, CheckInRepository.answers(row), local_now(user, now))
    CheckInRepository.finish(row, decision.state.level, now)
    episode.followup = decision.state
    episode.level = decision.state.level.value
    if Action.CLOSE_EPISODE in decision.actions:
        episode.closed_at, episode.status = now, EpisodeStatus.CLOSED
    await _update_reminders(session, user.id, episode.id, row, decision, now)
    tap.decision, tap.episode_id = decision, episode.id
    # The rules fired and the level are health data: they stay in the database.
    log.info("check-in %s of episode %s answered", row.id, episode.id)


async def _update_reminders(
    session: AsyncSession,
    user_id: int,
    episode_id: int,
    row: CheckIn,
    decision: Decision,
    now: dt.datetime,
) -> None:
    reminders = ReminderRepository(session)
    delivery = await CheckInRepository(session).delivery(row.delivery_id)
    if delivery is not None:
        await reminders.reschedule_checkin(delivery.reminder_id, decision.state.next_checkin, now)
    if Action.PAUSE_NUDGES in decision.actions:
        # F-E1 and F-T4 pause nudges; F-T3's close lets them run out their plan (spec §4.3).
        kinds = {r.kind for r in await reminders.for_user(user_id) if r.kind != CHECKIN}
        await reminders.deactivate(user_id, kinds=kinds, episode_id=episode_id)


async def typed_back(
    sessions: async_sessionmaker[AsyncSession], telegram_id: int
) -> Answered | None:
    """Typing "back" during a check-in: its previous screen; None when no check-in is open."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        checkins = CheckInRepository(session)
        newest = await checkins.newest_open_of(user.id) if user else None
        row = await checkins.get(newest.id, for_update=True) if newest else None
        if row is None or row.status != CheckInStatus.OPEN:
            return None
        episode = await checkins.episode(row.episode_id)
        return Answered(user, decide(user, row, episode, row.step, (BACK,)))


# ---- The re-run offer ---------------------------------------------------------------------


@dataclass(frozen=True)
class RerunOffer:
    """Who answered the offer, the episode it is about if it is theirs and still running, and
    the questionnaire already in progress, if any."""

    user: User | None
    episode: Episode | None
    active: TriageSession | None


async def rerun_offer(
    sessions: async_sessionmaker[AsyncSession], telegram_id: int, checkin_id: int
) -> RerunOffer:
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        checkins = CheckInRepository(session)
        row = await checkins.get(checkin_id)
        episode = await checkins.episode(row.episode_id) if row else None
        active = await EpisodeRepository(session).active_session(user.id) if user else None
    mine = user is not None and episode is not None and episode.user_id == user.id
    running = episode if mine and episode is not None and not episode.closed_at else None
    return RerunOffer(user, running, active)
