"""Fuzzing the real Application with hostile updates (hypothesis).

Two attackers send random and hostile updates of every kind into the running bot (built as
the end-to-end rig builds it, answering through the Bot API stand-in), each parsed by the
same strict parser polling and the webhook use. After every update: no handler raised
anything but a refused button, the victim's rows and chat are untouched, and every person's
row belongs to their own chat. `make test` runs a bounded number of examples; set
FUZZ_EXAMPLES (e.g. 5000) for a longer run.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from telegram.ext import ContextTypes

from bot.bounds import parse_update
from bot.callbacks import BadCallback
from bot.handlers import common
from storage.erase import collect
from storage.models import Episode, TriageSession, User
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.hostile_updates import ATTACKERS, VICTIM, Hostile, hostile_updates
from tests.bot.e2e.steps import onboard
from tests.bot.e2e.test_triage import CALM, walk

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))


@dataclass
class Arena:
    rig: BotRig
    victim_rows: dict[str, Any]
    victim_messages: int
    errors: list[BaseException] = field(default_factory=list)
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10_000))

    async def rows_of(self, user_id: int) -> dict[str, Any]:
        async with self.rig.deps.sessions() as session:
            return await collect(session, user_id)

    async def inconsistencies(self) -> list[str]:
        """Rows that contradict each other: a person tied to another chat, a questionnaire on
        someone else's episode, two questionnaires in progress at once."""
        async with self.rig.deps.sessions() as session:
            users = (await session.scalars(select(User))).all()
            triages = (await session.scalars(select(TriageSession))).all()
            owners = dict((await session.execute(select(Episode.id, Episode.user_id))).all())
        found = [f"user {u.id} in chat {u.chat_id}" for u in users if u.id != u.chat_id]
        found += [
            f"triage {t.id}: episode of another"
            for t in triages
            if owners.get(t.episode_id) != t.user_id
        ]
        active = Counter(t.user_id for t in triages if t.status == "active")
        found += [f"user {user}: {n} active triages" for user, n in active.items() if n > 1]
        return found

    def shown(self, attacker: int) -> dict[str, Any] | None:
        sent = self.rig.api.messages(attacker)
        return self.rig.api.message_json(sent[-1]) if sent else None


@pytest.fixture
async def arena(rig: BotRig) -> Arena:
    """A victim with a finished triage and a plan; one onboarded attacker and one new one."""
    victim = rig.user(user_id=VICTIM)
    await onboard(victim)
    await walk(victim, CALM)
    await rig.tick()
    await onboard(rig.user(user_id=ATTACKERS[0]))
    rig.user(user_id=ATTACKERS[1])
    async with rig.deps.sessions() as session:
        rows = await collect(session, VICTIM)
    arena = Arena(rig, rows, len(rig.api.messages(VICTIM)))

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A refused button is answered gently, and a repeated tap leaves its message as it was:
        # the error handler expects both. Anything else is a failure.
        error = context.error
        if not isinstance(error, BadCallback) and not common.left_as_it_was(error):
            arena.errors.append(context.error or RuntimeError("unknown"))

    rig.app.add_error_handler(record)  # type: ignore[attr-defined]
    return arena


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The bot's state carries over from one example to the next, so a shrunk example would
    # not reproduce: report the first failing update as it was.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hostile=hostile_updates, attacker=st.sampled_from(ATTACKERS))
async def test_hostile_updates_raise_nothing_and_never_touch_another_person(
    arena: Arena, hostile: Hostile, attacker: int
) -> None:
    arena.errors.clear()
    raw = {"update_id": next(arena.update_ids), **hostile.raw(attacker, arena.shown(attacker))}
    if "callback_query" in raw:
        raw["callback_query"]["id"] = query_id = f"fuzz-{raw['update_id']}"
        arena.rig.api.register_query(query_id, [])
    app: Any = arena.rig.app

    update = parse_update(raw, app.bot)
    event(f"{hostile.kind}: {'handled' if update else 'refused by the parser'}")
    if update is not None:
        await app.process_update(update)

    assert arena.errors == [], (raw, [repr(error) for error in arena.errors])
    assert await arena.rows_of(VICTIM) == arena.victim_rows
    assert len(arena.rig.api.messages(VICTIM)) == arena.victim_messages
    assert await arena.inconsistencies() == []
