"""No person can stall the others (issue 14): one person's flood of messages, while another
runs a triage, leaves the other's steps about as quick as when the bot is quiet."""

from __future__ import annotations

import statistics
import time

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until

CAT = catalogue_for(None)
# One answer per question, in the order they come; a multi-select is a tick, then Done.
STEPS = [
    ("Q1_EMERGENCY", "E_NONE"),
    ("Q2_AREA", "A_EYELID"),
    ("Q3_DURATION", "D_LT3D"),
    ("Q4_BOTHER", "B_LOW"),
    ("Q5_CHANGE", "T_SAME"),
    ("Q6_NERVE", "N_NONE"),
    ("Q7_EYE_BODY", "S_NONE"),
    ("Q8_CAFFEINE", "C1_2"),
]
MULTI = {"Q1_EMERGENCY", "Q2_AREA", "Q6_NERVE", "Q7_EYE_BODY"}


async def next_question(person: ScriptedUser) -> None:
    """Waits for the next new message (edits of the answered question come first)."""
    while (await person.next_message()).edited:
        pass


async def timed_steps(person: ScriptedUser, flooder: ScriptedUser | None = None) -> list[float]:
    """Seconds from each tap to what it brings (the tick, or the next question)."""
    taken = []
    for question_id, option in STEPS:
        if flooder is not None:
            for n in range(60):
                await flooder.send(f"hello {n}")
        started = time.monotonic()
        await person.tap(CAT.text(f"option.{option}"))
        if question_id in MULTI:
            await person.next_message()
            taken.append(time.monotonic() - started)
            started = time.monotonic()
            await person.tap(CAT.text("triage_ui.done"))
        await next_question(person)
        taken.append(time.monotonic() - started)
    return taken


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


async def test_a_flood_from_one_person_leaves_anothers_triage_as_quick_as_when_quiet(
    rig: BotRig,
) -> None:
    quiet_person, busy_person, flooder = rig.user(601), rig.user(602), rig.user(603)
    for person in (quiet_person, busy_person, flooder):
        await onboard(person)
    quiet = await timed_steps(quiet_person)
    for n in range(500 - 60 * len(STEPS)):
        await flooder.send(f"hello {n}")
    busy = await timed_steps(busy_person, flooder)
    # Generous on a shared machine: a floor of 50 ms under the quiet figure.
    assert p99(busy) <= 2 * max(p99(quiet), 0.05), (quiet, busy)
    await read_until(flooder, "faster than I can read them", limit=40)
