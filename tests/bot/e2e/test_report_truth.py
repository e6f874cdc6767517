"""The GP report says what the person said: the start they gave at the first triage stands
after a re-check, every warning-sign question shows what was asked and said no to, and the
doctor answers from check-ins are there."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser
from tests.bot.e2e.harness import START, BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, SEE_RESULT, episode_of, walk

CAT = catalogue_for(None)
# A calf twitch for 3 to 13 days, mild, nothing else.
CALF = {**CALM, "Q2_AREA": ["A_LEG"], "Q3_DURATION": ["D_3_13D"], "Q9_TRIGGERS": ["TR_EXERCISE"]}


async def report_text(person: ScriptedUser) -> str:
    await person.send("/report")
    sent = await person.next_message()
    reader = PdfReader(io.BytesIO(sent.file or b""))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


async def recheck_a_week_later(rig: BotRig, person: ScriptedUser) -> None:
    """A week on, the check-in says "worse" and the person answers the re-check as before."""
    rig.clock.set(START + dt.timedelta(days=7))
    await person.send("/checkin")
    await read_until(person, "quick safety question")
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap("Worse")
    await read_until(person, "Anything new from this list?")
    await person.tap("Nothing new")
    await read_until(person, "habit snapshot")
    await person.tap("Skip")
    await read_until(person, "go through a few of the questions again")
    await person.tap("Go through them again")
    await keep_prefilled(person)


async def keep_prefilled(person: ScriptedUser) -> None:
    """Goes through a prefilled re-check keeping every answer, to its result."""
    for _ in range(40):
        message = await person.next_message()
        text = message.text or ""
        if "General information only" in text:
            return
        labels = message.button_labels()
        if message.edited or not labels or "Result:" in text:
            continue
        # Done on a list, and "See my result" on the review of every answer.
        done = [label for label in labels if label in ("Done ✔", SEE_RESULT)]
        kept = [label for label in labels if label.startswith("✅")]
        await person.tap((done or kept)[0], message=message)
    raise AssertionError("the re-check did not finish")


async def test_a_re_check_keeps_the_start_given_at_the_first_triage(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person, reminders=True)
    await walk(person, CALF)
    assert (await episode_of(rig, person.user_id)).onset_date == dt.date(2026, 11, 22)
    await recheck_a_week_later(rig, person)
    assert (await episode_of(rig, person.user_id)).onset_date == dt.date(2026, 11, 22)
    text = await report_text(person)
    assert "around 22 Nov 2026 (3 to 13 days ago)" in text
    assert "about 10 days" in text


async def test_the_report_shows_what_was_asked_and_said_no_to_never_none_of_these(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await walk(person, CALF)
    text = await report_text(person)
    assert "None of these" not in text
    assert "Said no to all of: " + CAT.text("option.E_BREATH") in text
    assert CAT.text("option.N_WEAK") in text and CAT.text("option.V_DOUBLE") in text
    assert "Reported: " + CAT.text("option.TR_EXERCISE") in text
    assert "Asked about and said no to: " + CAT.text("option.TR_SLEEP") in text
