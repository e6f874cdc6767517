"""Three people replayed: what the result and plan say comes only from what they ticked or
typed. An eyelid twitch with five coffees; a calf twitch three weeks into running, worried
about ALS; a hand that is truly weaker."""

from __future__ import annotations

from sqlalchemy import select

from bot.catalogue import catalogue_for
from storage.models import Reminder
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, answer, walk

CAT = catalogue_for(None)
EYELID = {**CALM, "Q3_DURATION": ["D_3_13D"], "Q8_CAFFEINE": ["C5P"], "Q9_TRIGGERS": ["TR_NONE"]}
EYELID["Q8_STRONG"] = ["C_STRONG_N"]
RUNNER = {
    **CALM,
    "Q2_AREA": ["A_LEG"],
    "Q3_DURATION": ["D_2_6W"],
    "Q4_BOTHER": ["B_HIGH"],
    "Q9_TRIGGERS": ["TR_EXERCISE"],
}
WEAKER = {
    **CALM,
    "Q2_AREA": ["A_ARM"],
    "Q3_DURATION": ["D_2_6W"],
    "Q4_BOTHER": ["B_HIGH"],
    "Q6_NERVE": ["N_WEAK"],
    "Q6_WEAK_CHECK": ["W_TRUE"],
    "Q9_TRIGGERS": ["TR_STRESS"],
}
WORRY_LINE = CAT.text("result_note.worry")
REPORT_LINE = CAT.text("result_note.report")


async def kinds(rig: BotRig) -> set[str]:
    async with rig.deps.sessions() as session:
        return {row.kind for row in (await session.scalars(select(Reminder))).all()}


async def test_the_eyelid_with_five_coffees_gets_no_report_offer_and_no_borrowed_reason(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    result = await walk(person, EYELID)
    assert "because" not in result.split("What happens next:")[1]
    assert REPORT_LINE not in result and WORRY_LINE not in result


async def test_the_runner_hears_about_exercise_not_sweating_and_the_als_worry_is_answered(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, "2/10")
    await person.send("could this be ALS?")
    await read_until(person, "only a clinician who examines you")
    await read_until(person, "2/10")
    result = await walk(person, RUNNER)
    plan = result.split("What happens next:")[1]
    assert "because you've been exercising hard" in plan
    assert "sweating" not in plan
    assert WORRY_LINE in result
    assert REPORT_LINE in result  # three weeks: a routine GP visit (L1)


async def test_a_hand_truly_weaker_gets_no_worry_tips_and_is_offered_the_report(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    result = await walk(person, WEAKER)
    assert CAT.text("level.L2.name") in result
    assert REPORT_LINE in result and WORRY_LINE not in result
    assert "worry" not in result.split("What happens next:")[1].lower()
    assert "N_WORRY" not in await kinds(rig)
