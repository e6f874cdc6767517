"""Nudges as a person receives them: on time in their zone, with Done · Snooze · Stop."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.models import Delivery, Reminder
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, walk


async def calm_person(rig: BotRig):  # type: ignore[no-untyped-def]
    person = rig.user()
    await onboard(person)
    await walk(person, CALM)
    await rig.tick()  # the bot wakes the dispatcher when a plan is written
    return person


async def test_the_morning_water_check_arrives_at_ten_local_with_its_buttons(rig: BotRig) -> None:
    person = await calm_person(rig)
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))  # 10:00 in London, day 1
    await rig.tick()
    nudge = await person.next_message()
    assert (nudge.text or "").startswith("Water check 💧")  # the first of its rotating words
    assert nudge.button_labels() == ["Done ✔", "Snooze 1 h", "Stop this reminder"]


async def test_done_is_acknowledged_and_recorded_once(rig: BotRig) -> None:
    person = await calm_person(rig)
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    nudge = await person.next_message()
    await person.tap("Done ✔", message=nudge)
    cleared = await person.next_message()
    assert cleared.edited and cleared.buttons == []
    assert person.callback_answers[-1] == "Nice one 👍"
    async with rig.deps.sessions() as session:
        responses = [d.response for d in (await session.execute(select(Delivery))).scalars()]
    assert responses.count("done") == 1


async def test_snooze_sends_it_once_more_an_hour_later_and_stop_ends_that_reminder(
    rig: BotRig,
) -> None:
    person = await calm_person(rig)
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    nudge = await person.next_message()
    await person.tap("Snooze 1 h", message=nudge)
    await person.next_message()  # the buttons go
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC))
    await rig.tick()
    await person.expect_quiet()
    rig.clock.set(dt.datetime(2026, 11, 25, 11, 1, tzinfo=dt.UTC))
    await rig.tick()  # the snoozed water check, and the 11:00 screen break
    arrived = [await person.next_message(), await person.next_message()]
    again = next(m for m in arrived if "💧" in (m.text or ""))  # every water variant has it
    # It is the day's third nudge message, so it carries the rest of the day as a digest.
    assert again.button_labels() == ["Done ✔", "Snooze 1 h", "Stop these reminders"]
    await person.tap("Stop these reminders", message=again)
    await read_until(person, "won't send that again")
    async with rig.deps.sessions() as session:
        hydrate = (
            (await session.execute(select(Reminder).where(Reminder.kind == "N_HYDRATE")))
            .scalars()
            .all()
        )
    assert hydrate and not any(r.active for r in hydrate)


async def test_someone_elses_nudge_button_is_refused(rig: BotRig) -> None:
    person = await calm_person(rig)
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    nudge = await person.next_message()
    stranger = rig.user(user_id=909)
    data = nudge.buttons[0][0].callback_data or ""
    await stranger.tap_data(data, message=nudge)
    await stranger.expect_quiet()
    assert stranger.callback_answers[-1] == "That button is no longer active."


async def test_the_days_third_message_is_a_digest_whose_buttons_answer_for_all_of_it(
    rig: BotRig,
) -> None:
    person = await calm_person(rig)
    for hour in (10, 11, 15):  # water, screen break, then the day's third message
        rig.clock.set(dt.datetime(2026, 11, 25, hour, 0, tzinfo=dt.UTC))
        await rig.tick()
    digest = await read_until(person, "• ")
    assert "💧" in digest and "👀" in digest and "🌙" in digest
    message = person.last
    assert message is not None
    assert message.button_labels() == ["Done ✔", "Snooze 1 h", "Stop these reminders"]
    await person.tap("Done ✔", message=message)
    await person.next_message()
    async with rig.deps.sessions() as session:
        in_it = (
            (
                await session.execute(
                    select(Delivery).where(Delivery.message_id == message.message_id)
                )
            )
            .scalars()
            .all()
        )
    assert len(in_it) == 3 and {d.response for d in in_it} == {"done"}
