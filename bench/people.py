"""What the people of bench/updates.py do, through the stand-in's scripted users.

Latencies are measured on the stand-in's clock: from the moment a person acts to the moment
the bot's answer reaches the stand-in (`SentMessage.at`), so the script's own scheduling is
not counted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser, SentMessage

CAT = catalogue_for(None)
# A calm eyelid twitch: ten questions, four of them multi-select (a tick, then Done).
ANSWERS = [
    ("Q1_EMERGENCY", "E_NONE"),
    ("Q2_AREA", "A_EYELID"),
    ("Q3_DURATION", "D_LT3D"),
    ("Q4_BOTHER", "B_LOW"),
    ("Q5_CHANGE", "T_SAME"),
    ("Q6_NERVE", "N_NONE"),
    ("Q7_EYE_BODY", "S_NONE"),
    ("Q8_CAFFEINE", "C1_2"),
    ("Q9_TRIGGERS", "TR_SCREENS"),
    ("Q10_CONTEXT", "X_NONE"),
]
MULTI = {"Q1_EMERGENCY", "Q2_AREA", "Q6_NERVE", "Q7_EYE_BODY", "Q9_TRIGGERS", "Q10_CONTEXT"}
QUESTIONS = [CAT.text(f"question.{qid}.text") for qid, _ in ANSWERS]
RESULT = "Result:"
# After the last answer, a review of every answer with "See my result" (spec §2, rev 2).
REVIEW, SEE_RESULT = CAT.text("review.title"), CAT.text("review.see_result")
# A triage soon after the last one is offered, not forced: "Go through the questions anyway".
SAME, AGAIN = CAT.text("repeat_check.same"), CAT.text("repeat_check.again")
WAIT = 120.0


@dataclass
class Record:
    """What a group of people measured."""

    steps: list[float] = field(default_factory=list)  # an answer → the next question (or result)
    ticks: list[float] = field(default_factory=list)  # a tick → the question edited
    starts: list[float] = field(default_factory=list)  # /start → the first answer
    first: list[float] = field(default_factory=list)  # /triage → the first question
    done: list[float] = field(default_factory=list)  # when each step's answer arrived

    def per_second(self, since: float, until: float) -> float:
        """Steps (or echoes) answered per second between `since` and `until`."""
        return sum(1 for at in self.done if since <= at < until) / (until - since)


async def new_message(person: ScriptedUser, fragments: list[str]) -> SentMessage:
    """The next new (not edited) message containing one of `fragments`."""
    while True:
        message = await person.next_message(timeout=WAIT)
        text = message.text or ""
        if not message.edited and any(fragment in text for fragment in fragments):
            return message


async def _edited(person: ScriptedUser) -> SentMessage:
    while not (message := await person.next_message(timeout=WAIT)).edited:
        pass
    return message


async def _tap(person: ScriptedUser, label: str) -> float:
    started = time.monotonic()
    await person.tap(label)
    return started


async def onboard(person: ScriptedUser, record: Record) -> None:
    """/start through consent, age, country and zone, up to the first question on screen."""
    started = time.monotonic()
    await person.send("/start")
    record.starts.append((await person.next_message(timeout=WAIT)).at - started)
    await new_message(person, ["store and use your answers"])
    await person.tap("I agree")
    await new_message(person, ["reminders and check-ins?"])
    await person.tap("Yes, remind me")
    await new_message(person, ["18 or over?"])
    await person.tap("I'm 18 or over")
    await new_message(person, ["Which country"])
    await person.tap("United Kingdom")
    await new_message(person, ["Or pick one:"])
    await person.tap("Europe/London")
    await new_message(person, [QUESTIONS[0]])


async def triage(person: ScriptedUser, record: Record, think: Callable[[], float]) -> None:
    """Answers the ten questions from the first one on screen, through to the result."""
    for n, (question_id, option) in enumerate(ANSWERS):
        await asyncio.sleep(think())
        started = await _tap(person, CAT.text(f"option.{option}"))
        if question_id in MULTI:
            record.ticks.append((await _edited(person)).at - started)
            started = await _tap(person, CAT.text("triage_ui.done"))
        following = [QUESTIONS[n + 1]] if n + 1 < len(ANSWERS) else [REVIEW]
        arrived = (await new_message(person, following)).at
        record.steps.append(arrived - started)
        record.done.append(arrived)
    started = await _tap(person, SEE_RESULT)
    arrived = (await new_message(person, [RESULT])).at
    record.steps.append(arrived - started)
    record.done.append(arrived)


async def triages(
    person: ScriptedUser, until: float, record: Record, think: Callable[[], float] = lambda: 0.0
) -> None:
    """Triage after triage until `until`; the first starts from the question on screen."""
    while True:
        await triage(person, record, think)
        if time.monotonic() >= until:
            return
        started = time.monotonic()
        await begin_again(person)
        record.first.append(time.monotonic() - started)


async def begin_again(person: ScriptedUser) -> None:
    """/triage after a result, past the repeated-checking answer, to the first question."""
    await person.send("/triage")
    if SAME in ((await new_message(person, [QUESTIONS[0], SAME])).text or ""):
        await person.tap(AGAIN)
        await new_message(person, [QUESTIONS[0]])


async def echo_chat(person: ScriptedUser, until: float, record: Record) -> None:
    """Says something and waits for the echo, again and again until `until`."""
    while time.monotonic() < until:
        started = time.monotonic()
        await person.send("hello")
        arrived = (await person.next_message(timeout=WAIT)).at
        record.steps.append(arrived - started)
        record.done.append(arrived)
