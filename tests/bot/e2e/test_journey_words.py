"""How much a person reads on the way to a self-care result: onboarding plus a triage that
ends at L0, driven end to end through the stand-in, counted word by word.

Words are counted in every message the bot sends until it falls quiet after the result (an
edit of a message already on screen adds nothing new to read), and in the labels of the
buttons those messages carry. Emoji and punctuation on their own are not words.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser, SentMessage
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_triage import CALM as CALM_TRIAGE
from triage.questions import MAIN_ORDER, QUESTIONS, Kind

CAT = catalogue_for(None)

# A calm eyelid twitch of a few days that annoys: every answer leads to self-care (L0).
CALM = {**CALM_TRIAGE, "Q3_DURATION": ["D_3_13D"], "Q4_BOTHER": ["B_MED"]}
# Half of the 700 words onboarding and the questionnaire took to the result before, the
# review of every answer included; and what follows the result until the bot waits (the
# bedtime question) on top.
MAX_WORDS_TO_RESULT = 350
MAX_WORDS = MAX_WORDS_TO_RESULT + 14
# The buttons carried 583 words before (443 then), plus the review's 23: "See my result" and
# ten "Change N".
MAX_BUTTON_WORDS = 450 + 23
MAX_RESULT_WORDS = 90
MAX_WELCOME_WORDS = 80
MAX_LABEL_WORDS = 6
# The emergency signs keep the spec's red-flag words (§2 Q1), so they may run a little longer.
MAX_EMERGENCY_LABEL_WORDS = 8
# A reader's pace: 200 to 250 words a minute, and 2 to 3 seconds a tap.
READING_WPM = (250, 200)
SECONDS_PER_TAP = (2, 3)


def words(text: str | None) -> int:
    """Words as a reader counts them: emoji and punctuation on their own are not words."""
    return sum(1 for token in (text or "").split() if any(c.isalnum() for c in token))


@dataclass
class Journey:
    """What the person saw and did from /start to the result."""

    messages: list[SentMessage] = field(default_factory=list)
    taps: int = 0
    result: SentMessage | None = None
    setup_taps: int = 0

    @property
    def text_words(self) -> int:
        return sum(words(m.text) for m in self.messages)

    @property
    def button_words(self) -> int:
        return sum(words(label) for m in self.messages for label in m.button_labels())

    def triage(self) -> Journey:
        """The part from the first question on: what /triage costs someone set up already."""
        first = next(i for i, m in enumerate(self.messages) if _question_on(m) == MAIN_ORDER[0])
        return Journey(self.messages[first:], self.taps - self.setup_taps, self.result)

    def minutes(self) -> tuple[float, float]:
        """The fastest and slowest honest reading, every button label read once."""
        read = self.text_words + self.button_words
        fast, slow = (
            read / wpm + self.taps * tap / 60
            for wpm, tap in zip(READING_WPM, SECONDS_PER_TAP, strict=True)
        )
        return fast, slow


async def next_sent(person: ScriptedUser) -> SentMessage:
    while (message := await person.next_message()).edited:
        pass
    return message


async def tap(journey: Journey, person: ScriptedUser, label: str, message: SentMessage) -> None:
    await person.tap(label, message=message)
    journey.taps += 1


async def onboard(journey: Journey, person: ScriptedUser) -> None:
    await person.send("/start")
    for label in (
        CAT.text("onboarding.consent_health_yes"),
        CAT.text("onboarding.consent_reminders_yes"),
        CAT.text("onboarding.age_adult"),
        "United Kingdom",
        "Europe/London",
    ):
        for _ in range(6):
            message = await next_sent(person)
            if any(label in shown for shown in message.button_labels()):
                await tap(journey, person, label, message)
                break
        else:
            raise AssertionError(f"no button {label!r}:\n{person.format_transcript()}")


async def triage_to_result(journey: Journey, person: ScriptedUser) -> SentMessage:
    """Answers each question as it comes; returns the result's first message."""
    for _ in range(20):
        message = await next_sent(person)
        question = _question_on(message)
        if question is None:
            if CAT.text("level.L0.name") in (message.text or ""):
                return message
            if CAT.text("review.see_result") in message.button_labels():
                await tap(journey, person, CAT.text("review.see_result"), message)
            continue
        for option in CALM[question]:
            await tap(journey, person, CAT.text(f"option.{option}"), message)
            if QUESTIONS[question].kind is Kind.MULTI:
                message = await person.next_message()
        if QUESTIONS[question].kind is Kind.MULTI:
            await tap(journey, person, CAT.text("triage_ui.done"), message)
    raise AssertionError(f"no result:\n{person.format_transcript()}")


def _question_on(message: SentMessage) -> str | None:
    text = message.text or ""
    asked = [qid for qid in MAIN_ORDER if CAT.text(f"question.{qid}.text") in text]
    return asked[0] if asked and message.buttons else None


async def settle(person: ScriptedUser) -> None:
    """Reads on until the bot falls quiet (the plan's bedtime question follows the result)."""
    with contextlib.suppress(AssertionError):
        while True:
            await person.next_message(timeout=1.0)


async def journey_to_self_care(rig: BotRig) -> tuple[Journey, ScriptedUser]:
    person, journey = rig.user(), Journey()
    await onboard(journey, person)
    journey.setup_taps = journey.taps
    journey.result = await triage_to_result(journey, person)
    await settle(person)
    journey.messages = [m for m in person.transcript() if not m.edited and not m.deleted]
    return journey, person


def emergency_labels() -> set[str]:
    return {CAT.text(f"option.{o}") for o in QUESTIONS["Q1_EMERGENCY"].option_ids}


async def test_the_self_care_journey_reads_in_half_the_words_it_took(rig: BotRig) -> None:
    journey, _ = await journey_to_self_care(rig)
    welcome, result = journey.messages[0], journey.result
    assert result is not None
    labels = [label for m in journey.messages for label in m.button_labels()]
    longest = max((label for label in labels if label not in emergency_labels()), key=words)
    fast, slow = journey.minutes()
    lo, hi = journey.triage().minutes()
    print(
        f"\nL0 journey: {len(journey.messages)} messages, {journey.text_words} words in "
        f"messages, {journey.button_words} words on buttons, {journey.taps} taps; welcome "
        f"{words(welcome.text)} words; result's first message {words(result.text)} words; "
        f"longest button {words(longest)} words ({longest!r}); "
        f"{fast:.1f} to {slow:.1f} minutes to read and tap; the triage alone "
        f"{journey.triage().text_words} + {journey.triage().button_words} words, "
        f"{journey.triage().taps} taps, {lo:.1f} to {hi:.1f} minutes"
    )
    assert words(welcome.text) < MAX_WELCOME_WORDS, welcome.text
    assert words(result.text) < MAX_RESULT_WORDS, result.text
    to_result = journey.messages[: journey.messages.index(result) + 1]
    assert sum(words(m.text) for m in to_result) <= MAX_WORDS_TO_RESULT
    assert journey.text_words <= MAX_WORDS
    assert journey.button_words <= MAX_BUTTON_WORDS
    assert words(longest) <= MAX_LABEL_WORDS, longest
    assert max(map(words, emergency_labels())) <= MAX_EMERGENCY_LABEL_WORDS


async def test_none_of_these_sits_first_on_every_list_and_each_instruction_is_said_once(
    rig: BotRig,
) -> None:
    journey, _ = await journey_to_self_care(rig)
    lists = [m for m in journey.messages if CAT.text("triage_ui.done") in m.button_labels()]
    with_none = [m for m in lists if CAT.text("option.E_NONE") in m.button_labels()]
    assert len(lists) == 6 and len(with_none) == 5
    assert {m.button_labels().index(CAT.text("option.E_NONE")) for m in with_none} == {0}
    hints = [(m.text or "").count(CAT.text("triage_ui.pick_all")) for m in lists]
    assert hints == [1, 0, 0, 0, 0, 0]  # on the first list, then the Done button is known
    for message in lists:
        assert not re.findall("apply", message.text or "", flags=re.IGNORECASE), message.text


async def test_help_states_the_time_a_triage_takes_to_read_and_tap(rig: BotRig) -> None:
    journey, person = await journey_to_self_care(rig)
    fast, slow = journey.triage().minutes()
    await person.send("/help")
    help_text = (await person.next_message()).text or ""
    stated = re.search(r"/triage: .*?\((\d+) to (\d+) minutes", help_text)
    assert stated is not None, help_text
    assert (int(stated[1]), int(stated[2])) == (round(fast), round(slow)), (fast, slow)


async def test_the_details_wait_behind_why_tips_and_my_plan(rig: BotRig) -> None:
    journey, person = await journey_to_self_care(rig)
    result = journey.result
    assert result is not None
    assert "General information only, not a diagnosis" in (result.text or "")
    assert "999" in (result.text or "")
    buttons = ["why", "tips", "plan"]
    assert result.button_labels() == [CAT.text(f"result_details.{b}") for b in buttons]
    shown = {}
    for button in buttons:
        await person.tap(CAT.text(f"result_details.{button}"), message=result)
        shown[button] = (await next_sent(person)).text or ""
    assert shown["why"].startswith("Twitches like this are very common")
    assert "Call 999 for any sudden weakness" in shown["why"]
    assert shown["tips"].startswith(CAT.text("triage_ui.tips_title"))
    assert CAT.text("tip.sleep") in shown["tips"]
    assert shown["plan"].startswith(CAT.text("triage_ui.next_plan"))
    assert "check in" in shown["plan"]


async def test_a_detail_of_a_result_a_newer_triage_replaced_says_so_and_sends_nothing(
    rig: BotRig,
) -> None:
    journey, person = await journey_to_self_care(rig)
    old = journey.result
    assert old is not None
    await person.send("/triage")
    again = await next_sent(person)  # §5.6: nothing new within a day, with the way on
    await person.tap(CAT.text("repeat_check.again"), message=again)
    await read_until(person, "1/10")
    await person.tap(CAT.text("result_details.why"), message=old)
    while not (said := await person.next_callback_answer()):
        pass  # the earlier taps were answered silently
    assert said == CAT.text("result_details.gone")
    await person.expect_quiet()
