"""Health worry through the real Application (spec §5.5 and §5.6, rev 2): the disease question
answered by the person's level, and repeated checking within 24 hours."""

from __future__ import annotations

import datetime as dt

from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, CAT, walk

ON_PPI = {**CALM, "Q10_CONTEXT": ["M_PPI"]}  # long-term acid-reflux tablets: L3 (R-U7)
WATER_TABLETS = {**CALM, "Q10_CONTEXT": ["M_DIURETIC"]}  # L2 (R-S10)


async def test_a_disease_question_at_l3_restates_get_advice_today_and_never_routine(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    assert CAT.text("level.L3.name") in await walk(person, ON_PPI)
    await person.send("could this be ALS?")
    text = await read_until(person, "can't tell what's causing a twitch")
    assert "get advice from a health professional today" in text
    assert "that still stands" in text and "111" in text and "999" in text
    assert "routine" not in text and "most twitches aren't caused" not in text


async def test_a_disease_question_at_l2_restates_seeing_a_doctor_within_days(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    assert CAT.text("level.L2.name") in await walk(person, WATER_TABLETS)
    await person.send("could this be ALS?")
    text = await read_until(person, "can't tell what's causing a twitch")
    assert "see a doctor within the next few days, and that still stands" in text
    assert "routine" not in text


async def test_a_disease_question_at_l0_keeps_the_routine_answer(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    assert CAT.text("level.L0.name") in await walk(person, CALM)
    await person.send("could this be ALS?")
    text = await read_until(person, "can't tell what's causing a twitch")
    assert "routine GP appointment" in text


async def test_a_second_triage_within_a_day_gets_the_same_advice_and_can_still_go_ahead(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await walk(person, ON_PPI)
    rig.clock.advance(dt.timedelta(hours=3))
    await person.send("/triage")
    text = await read_until(person, "my advice is the same")
    assert "still stands" in text and "get advice from a health professional today" in text
    assert "checking a twitch again and again" in text
    assert person.last is not None
    assert person.last.button_labels() == ["Go through the questions anyway"]
    await person.tap("Go through the questions anyway")
    await read_until(person, "1/10")


async def test_a_triage_a_day_later_starts_at_once(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await walk(person, CALM)
    rig.clock.advance(dt.timedelta(hours=25))
    await person.send("/triage")
    await read_until(person, "1/10")
