"""Nudges as a person receives them: on time in their zone, with Done · Snooze · Stop."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from storage.models import Delivery, Reminder, User
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
    assert person.callback_answers[-1] == "Okay, I'll remind you again in an hour."
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC))
    await rig.tick()
    await person.expect_quiet()
    rig.clock.set(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))
    await rig.tick()  # the snoozed water check lands on the 11:00 screen break
    again = await person.next_message()
    # The person's own snooze collided with a planned nudge: one message carries both.
    assert "💧" in (again.text or "") and "👀" in (again.text or "")
    assert again.button_labels() == ["Done ✔", "Snooze 1 h", "Stop these reminders"]
    await person.expect_quiet()
    await person.tap("Stop these reminders", message=again)
    await read_until(person, "won't send that again")
    async with rig.deps.sessions() as session:
        hydrate = (
            (await session.execute(select(Reminder).where(Reminder.kind == "N_HYDRATE")))
            .scalars()
            .all()
        )
    assert hydrate and not any(r.active for r in hydrate if r.origin_id is None)


async def test_a_snooze_into_quiet_hours_says_when_it_will_come_and_comes_then(
    rig: BotRig,
) -> None:
    person = await calm_person(rig)
    async with rig.deps.sessions.begin() as session:
        await session.execute(update(User).values(quiet_start="10:30", quiet_end="12:00"))
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    nudge = await person.next_message()
    await person.tap("Snooze 1 h", message=nudge)
    await person.next_message()  # the buttons go
    expected = "Okay, I'll remind you again at 12:00, when your quiet hours end."
    assert person.callback_answers[-1] == expected
    rig.clock.set(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))
    await rig.tick()
    await person.expect_quiet()
    rig.clock.set(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
    await rig.tick()
    texts = []
    while True:
        try:
            texts.append((await person.next_message(timeout=0.3)).text or "")
        except AssertionError:
            break
    assert any("💧" in text for text in texts), texts


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


async def test_a_day_brings_at_most_three_nudge_messages_each_at_its_planned_time(
    rig: BotRig,
) -> None:
    person = await calm_person(rig)
    seen = []
    for hour, minute in ((10, 0), (11, 0), (15, 0), (15, 30), (22, 15)):
        rig.clock.set(dt.datetime(2026, 11, 25, hour, minute, tzinfo=dt.UTC))
        await rig.tick()
        while True:
            try:
                message = await person.next_message(timeout=0.3)
            except AssertionError:
                break
            seen.append((f"{hour:02}:{minute:02}", message.text or ""))
    assert [at for at, _ in seen] == ["10:00", "11:00", "22:15"]
    assert not any(text.startswith("• ") for _, text in seen)  # nothing folded in early
