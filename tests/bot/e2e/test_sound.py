"""Quiet where it should be: a nudge arrives without sound, a check-in with sound, and the
/settings switch makes nudges ring."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.bot.e2e.checkin_setup import ZONE, followup, seed_followup
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_nudges import calm_person
from tests.bot.e2e.test_settings import open_settings, user_row


async def test_a_nudge_arrives_silently_until_the_person_asks_for_sound(rig: BotRig) -> None:
    person = await calm_person(rig)
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    assert (await person.next_message()).silent
    await open_settings(person, "🔕 Nudge sound: off")
    await read_until(person, "nudges now ring")
    assert (await user_row(rig)).ring_nudges
    rig.clock.set(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))
    await rig.tick()
    nudge = await person.next_message()
    assert "👀" in (nudge.text or "") and not nudge.silent


async def test_a_check_in_sent_by_the_dispatcher_rings(rig: BotRig) -> None:
    person = rig.user()
    seeded = await seed_followup(rig, person)
    due = (await followup(rig, seeded)).next_checkin
    assert due is not None
    rig.clock.set(due.replace(tzinfo=ZoneInfo(ZONE)).astimezone(dt.UTC))
    await rig.tick()
    message = await read_until(person, "safety question")
    assert message and not person.last.silent  # type: ignore[union-attr]
