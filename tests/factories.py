"""One place that builds rows for the storage and scheduler tests: people, episodes, triage
sessions, reminders, deliveries and check-ins, with the columns a test does not care about
filled in. Builders return unsaved rows; `add` saves them and `add_person` seeds a person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import CheckIn, Delivery, Episode, Reminder, TriageSession, User
from storage.schedules import ReminderSchedule
from storage.statuses import DeliveryStatus, UserState
from triage.flow import TriageState, start
from triage.schedule import LocalSchedule

NOW = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)
CALM_ANSWERS = TriageState(
    {
        "Q1_EMERGENCY": frozenset({"E_NONE"}),
        "Q2_AREA": frozenset({"A_EYELID"}),
        "Q3_DURATION": frozenset({"D_LT3D"}),
        "Q4_BOTHER": frozenset({"B_LOW"}),
        "Q5_CHANGE": frozenset({"T_SAME"}),
        "Q6_NERVE": frozenset({"N_NONE"}),
        "Q7_EYE_BODY": frozenset({"S_NONE"}),
        "Q8_CAFFEINE": frozenset({"C0"}),
        "Q9_TRIGGERS": frozenset({"TR_NONE"}),
        "Q10_CONTEXT": frozenset({"X_NONE"}),
    },
    None,
    1,
)
"""A finished questionnaire of a calm eyelid twitch: no rule above L0 fires."""
DAILY_AT_TEN = ReminderSchedule(LocalSchedule(times=(dt.time(10),), start=dt.date(2026, 1, 1)))


def user(user_id: int, at: dt.datetime = NOW, **columns: Any) -> User:
    """A person who has finished onboarding; `chat_id` defaults to the user id."""
    values: dict[str, Any] = {
        "chat_id": user_id,
        "onboarding_step": "done",
        "tz": "Europe/Berlin",
        "created_at": at,
        "last_seen_at": at,
    }
    return User(id=user_id, **(values | columns))


def consented_user(user_id: int, at: dt.datetime = NOW, **columns: Any) -> User:
    """An adult in the UK, onboarded, who consented at `at` to health data and reminders."""
    consents: dict[str, Any] = {
        "language": "en",
        "country": "GB",
        "adult": True,
        "consent_health_at": at,
        "consent_reminders_at": at,
    }
    return user(user_id, at, **(consents | columns))


def episode(user_id: int, at: dt.datetime = NOW, **columns: Any) -> Episode:
    return Episode(user_id=user_id, opened_at=at, **columns)


def triage_session(
    user_id: int, episode_id: int, at: dt.datetime = NOW, **columns: Any
) -> TriageSession:
    """A triage session holding a fresh interview's answers (none yet)."""
    values: dict[str, Any] = {
        "step": "done",
        "answers": start().state,
        "created_at": at,
        "updated_at": at,
    }
    return TriageSession(user_id=user_id, episode_id=episode_id, **(values | columns))


def reminder(
    user_id: int, episode_id: int | None = None, at: dt.datetime = NOW, **columns: Any
) -> Reminder:
    """An active water nudge, daily at 10:00 UTC, due at `at`."""
    values: dict[str, Any] = {
        "kind": "N_HYDRATE",
        "schedule": DAILY_AT_TEN,
        "tz": "UTC",
        "active": True,
        "sent_count": 0,
        "created_at": at,
        "next_due_at": at,
    }
    return Reminder(user_id=user_id, episode_id=episode_id, **(values | columns))


def delivery(reminder_id: int, due: dt.datetime = NOW, **columns: Any) -> Delivery:
    """A sent delivery of the occurrence due at `due` (its minute is the occurrence key)."""
    values: dict[str, Any] = {"occurrence": f"{due:%Y-%m-%dT%H:%M}", "status": DeliveryStatus.SENT}
    return Delivery(reminder_id=reminder_id, due_at=due, **(values | columns))


def checkin(episode_id: int, at: dt.datetime = NOW, **columns: Any) -> CheckIn:
    values: dict[str, Any] = {"step": "done", "answers": {}, "selection": []}
    return CheckIn(episode_id=episode_id, created_at=at, **(values | columns))


async def add(session: AsyncSession, *rows: object) -> None:
    """Save `rows` in order, so a later row may refer to an earlier one's id."""
    for row in rows:
        session.add(row)
        await session.flush()


async def add_person(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    now: dt.datetime,
    *,
    tz: str = "Europe/Berlin",
    state: str = UserState.ACTIVE,
    paused_until: dt.datetime | None = None,
) -> None:
    """A person in their own transaction, reached at a chat id of their own."""
    async with sessions.begin() as session:
        session.add(
            user(
                user_id,
                now,
                chat_id=user_id + 500_000,
                tz=tz,
                state=state,
                paused_until=paused_until,
            )
        )
