"""A person part-way through a follow-up, seeded straight into the database, and the
delivery of their due check-in the way the notifier asks for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.playground.users import ScriptedUser, SentMessage
from bot.usecases.checkin import PreparedCheckin, prepare_checkin
from scheduler.ports import Outgoing
from storage.models import CheckIn, Episode, Reminder
from storage.reminders import ReminderRepository
from storage.statuses import EpisodeStatus
from tests import factories
from tests.bot.e2e.harness import BotRig
from triage.flow import Finished, advance, start
from triage.followup import FollowUpState, start_followup
from triage.schedule import CHECKIN, LocalSchedule, PlannedNudge

ZONE = "Europe/London"
# An everyday twitch: one eyelid, a few days, mild, nothing else (lands on L0).
EVERYDAY = {
    "Q1_EMERGENCY": "E_NONE",
    "Q2_AREA": "A_EYELID",
    "Q3_DURATION": "D_3_13D",
    "Q4_BOTHER": "B_LOW",
    "Q5_CHANGE": "T_SAME",
    "Q6_NERVE": "N_NONE",
    "Q7_EYE_BODY": "S_NONE",
    "Q8_CAFFEINE": "C1_2",
    "Q9_TRIGGERS": "TR_NONE",
    "Q10_CONTEXT": "X_NONE",
}


@dataclass(frozen=True)
class Seeded:
    user_id: int
    episode_id: int
    checkin_reminder_id: int
    nudge_reminder_id: int


async def seed_followup(rig: BotRig, person: ScriptedUser, duration: str = "D_3_13D") -> Seeded:
    """An onboarded person whose everyday twitch was triaged now, with a nudge and a check-in."""
    answers = {**EVERYDAY, "Q3_DURATION": duration}
    now = rig.clock.now()
    completed_local = now.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)
    step = start()
    while not isinstance(step, Finished):
        step = advance(step.state, frozenset({answers[step.question.id]}), now.date())
    state = start_followup(step.outcome, completed_local)
    assert state.next_checkin is not None
    async with rig.deps.sessions.begin() as session:
        session.add(factories.consented_user(person.user_id, now, chat_id=person.chat_id, tz=ZONE))
        await session.flush()
        episode = factories.episode(
            person.user_id,
            now,
            level=state.level.value,
            reasons=[],
            answers=step.state,
            followup=state,
            status=EpisodeStatus.OPEN,
        )
        session.add(episode)
        await session.flush()
        reminders = ReminderRepository(session)
        checkin = await reminders.add_checkin(
            person.user_id, episode.id, ZONE, state.next_checkin, now
        )
        schedule = LocalSchedule(times=(dt.time(11),), start=now.date(), end=now.date())
        nudges = await reminders.add_nudges(
            person.user_id, episode.id, ZONE, [PlannedNudge("N_HYDRATE", schedule)], now
        )
        return Seeded(person.user_id, episode.id, checkin.id, nudges[0].id)


async def due_checkin(
    rig: BotRig, seeded: Seeded, *, late: bool = False, at_local: dt.datetime | None = None
) -> PreparedCheckin | None:
    """Moves the clock to the next check-in (or `at_local`) and prepares it as the notifier
    would."""
    at_local = at_local or (await followup(rig, seeded)).next_checkin
    assert at_local is not None
    due = at_local.replace(tzinfo=ZoneInfo(ZONE))
    rig.clock.set(due.astimezone(dt.UTC))
    async with rig.deps.sessions.begin() as session:
        delivery = factories.delivery(
            seeded.checkin_reminder_id,
            due.astimezone(dt.UTC),
            occurrence=at_local.isoformat(timespec="minutes"),
            status="claimed",
            attempts=1,
        )
        session.add(delivery)
        await session.flush()
        delivery_id = delivery.id
    outgoing = Outgoing(
        delivery_id=delivery_id,
        reminder_id=seeded.checkin_reminder_id,
        user_id=seeded.user_id,
        chat_id=seeded.user_id,
        episode_id=seeded.episode_id,
        kind=CHECKIN,
        slot=None,
        local_due=due,
        late=late,
        sequence=0,
    )
    return await prepare_checkin(rig.deps.sessions, rig.clock, outgoing)


async def send_checkin(rig: BotRig, person: ScriptedUser, seeded: Seeded) -> SentMessage:
    """Delivers the due check-in's first screen; returns it as the person sees it."""
    prepared = await due_checkin(rig, seeded)
    assert prepared is not None
    return await deliver(rig, person, prepared)


async def deliver(rig: BotRig, person: ScriptedUser, prepared: PreparedCheckin) -> SentMessage:
    """Sends a prepared check-in as the notifier would; returns it as the person sees it."""
    await rig.app.bot.send_message(  # type: ignore[attr-defined]
        person.chat_id, prepared.text, reply_markup=prepared.markup
    )
    return await person.next_message()


async def followup(rig: BotRig, seeded: Seeded) -> FollowUpState:
    async with rig.deps.sessions() as session:
        episode = await session.get_one(Episode, seeded.episode_id)
        assert episode.followup is not None
        return episode.followup


async def reminder(rig: BotRig, reminder_id: int) -> Reminder:
    async with rig.deps.sessions() as session:
        return await session.get_one(Reminder, reminder_id)


async def checkins(rig: BotRig, seeded: Seeded) -> list[CheckIn]:
    async with rig.deps.sessions() as session:
        query = select(CheckIn).where(CheckIn.episode_id == seeded.episode_id)
        return list((await session.scalars(query.order_by(CheckIn.id))).all())


async def checked_in(rig: BotRig) -> tuple[ScriptedUser, Seeded]:
    """A new person with an everyday twitch triaged now, their first check-in on screen."""
    person = rig.user()
    seeded = await seed_followup(rig, person)
    await send_checkin(rig, person, seeded)
    return person, seeded
