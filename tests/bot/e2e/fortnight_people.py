"""Scripted people for the simulated fortnight: onboarding with a typed zone, a triage walk
per level, answering each check-in as it arrives, and the dispatcher driving fake time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser, SentMessage
from bot.runner import build_dispatcher
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_triage import CALM, answer, walk

CAT = catalogue_for(None)
# What a person taps at each check-in screen, in order of preference: nothing alarming, no
# change, nothing new, not seen a doctor yet, habits skipped.
CHECKIN_TAPS = ("No, none of these", "Same", "Nothing new", "Not yet", "Skip")
CHECKIN_OPENING = "Checking in on that twitch"
LAST_SCREEN = "General information only"


@dataclass(frozen=True)
class Persona:
    """One scripted person: their level's answers, zone and Telegram id."""

    user_id: int
    zone: str
    answers: dict[str, list[str]]


PERSONAS = {
    "L0": Persona(601, "Europe/London", CALM),
    "L1": Persona(602, "America/New_York", {**CALM, "Q3_DURATION": ["D_2_6W"]}),
    "L2": Persona(603, "Asia/Kolkata", {**CALM, "Q7_EYE_BODY": ["V_RED"]}),
    "L3": Persona(604, "Australia/Lord_Howe", {**CALM, "Q10_CONTEXT": ["M_PPI"]}),
    "L4": Persona(605, "Europe/Berlin", {**CALM, "Q1_EMERGENCY": ["E_BREATH"]}),
}


async def onboard_in_zone(person: ScriptedUser, zone: str) -> None:
    """/start through consent and age, then the zone typed by name, up to question 1."""
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await person.tap("Yes, remind me")
    await read_until(person, "18 or over?")
    await person.tap("I'm 18 or over")
    await read_until(person, "Which country")
    await person.tap("United Kingdom")
    await read_until(person, "Or pick one:")
    await person.send(zone)
    await read_until(person, "All set.")
    await read_until(person, "1/10")


async def triage(person: ScriptedUser, persona: Persona) -> None:
    """Answers the questionnaire to its result (an emergency ends it at the first answer)."""
    if persona.answers["Q1_EMERGENCY"] != ["E_NONE"]:
        await answer(person, "Q1_EMERGENCY", persona.answers["Q1_EMERGENCY"])
        await read_until(person, LAST_SCREEN)
        return
    await walk(person, persona.answers)


async def answer_checkin(person: ScriptedUser, first: SentMessage) -> None:
    """Taps through a check-in from its first screen to its closing words."""
    screen: SentMessage | None = first
    for _ in range(20):
        message = screen or await person.next_message()
        screen = None
        if LAST_SCREEN in (message.text or "") and not message.buttons:
            return
        labels = message.button_labels()
        choice = next((t for t in CHECKIN_TAPS if t in labels), None)
        if choice is not None and not message.edited:
            await person.tap(choice, message=message)
    raise AssertionError(f"the check-in did not finish:\n{person.format_transcript()}")


def nudge_ids_by_wording() -> dict[str, str]:
    """Every nudge line in the catalogue, mapped to its nudge id from the spec."""
    nudges = [key for key in sorted(CAT.keys()) if key.startswith("nudge.")]
    return {CAT.text(key): key.split(".")[1] for key in nudges}


NUDGE_IDS = nudge_ids_by_wording()


PLAN_QUESTION = catalogue_for("en").text("plan_end.question")
L2_BOOKING = catalogue_for("en").text("plan_end.l2_booking")


def what(message: SentMessage) -> str:
    """What a message from the dispatcher is: a check-in, a nudge id, or a digest of ids
    (in name order: the spec sets no order within a digest)."""
    text = message.text or ""
    if CHECKIN_OPENING in text:
        return "check-in"
    if text == PLAN_QUESTION:
        return "plan question"
    if text.startswith(L2_BOOKING):
        # An L2 plan's first nudge repeats the booking action first (spec §3.4).
        return "book a doctor + " + what_nudge(text.removeprefix(L2_BOOKING).lstrip("\n"))
    return what_nudge(text)


def what_nudge(text: str) -> str:
    if text.startswith("• "):
        ids = [NUDGE_IDS[line.removeprefix("• ")] for line in text.split("\n\n")]
        return "digest " + " + ".join(sorted(ids))
    return NUDGE_IDS[text]


def local_stamp(at: dt.datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M")


async def drain(person: ScriptedUser) -> None:
    """Reads whatever the bot is still sending, until it has been quiet for a moment."""
    while True:
        try:
            await person.next_message(timeout=0.3)
        except AssertionError:
            return


async def live_until(
    rig: BotRig, people: dict[str, ScriptedUser], until: dt.datetime
) -> dict[str, list[str]]:
    """Drives fake time by the dispatcher's own next wake-up until `until`; each person
    answers check-ins as they arrive. Returns, per person, "local time  what" lines."""
    dispatcher = build_dispatcher(rig.app.bot, rig.deps)  # type: ignore[attr-defined]
    diary: dict[str, list[str]] = {level: [] for level in people}
    while (wake := await dispatcher.next_wakeup()) is not None and wake <= until:
        rig.clock.set(max(wake, rig.clock.now()))
        read = {level: len(person.transcript()) for level, person in people.items()}
        await rig.tick()
        for level, person in people.items():
            arrived = len(person.transcript()) - read[level]
            diary[level] += await _read(rig, person, PERSONAS[level].zone, arrived)
    return diary


async def _read(rig: BotRig, person: ScriptedUser, zone: str, count: int) -> list[str]:
    """The `count` messages a tick sent the person, as diary lines; a check-in among them
    is answered there and then. Messages sent in the same tick go out concurrently, so
    their lines are in name order."""
    messages = [await person.next_message() for _ in range(count)]
    stamp = local_stamp(rig.clock.now(), zone)
    for message in messages:
        if CHECKIN_OPENING in (message.text or ""):
            await answer_checkin(person, message)
    return sorted(f"{stamp}  {what(message)}" for message in messages)
