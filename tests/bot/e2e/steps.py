"""Scripted steps a person takes, shared by the end-to-end tests."""

from __future__ import annotations

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser

CAT = catalogue_for(None)


async def read_until(user: ScriptedUser, fragment: str, limit: int = 8) -> str:
    """Reads the bot's messages until one contains `fragment`; returns its text."""
    seen = []
    for _ in range(limit):
        message = await user.next_message()
        text = message.text or message.caption or ""
        seen.append(text)
        if fragment in text:
            return text
    raise AssertionError(f"no message containing {fragment!r}; saw: {seen}")


async def onboard(
    user: ScriptedUser, *, reminders: bool = True, country: str = "United Kingdom"
) -> None:
    """/start through consent, age, country and zone, up to the first triage question."""
    await user.send("/start")
    await read_until(user, "store and use your answers")
    await user.tap("I agree")
    await read_until(user, "reminders and check-ins?")
    await user.tap("Yes, remind me" if reminders else "No reminders")
    await read_until(user, "18 or over?")
    await user.tap("I'm 18 or over")
    await read_until(user, "Which country")
    await user.tap(country)
    await read_until(user, "Or pick one:")
    await user.tap("Europe/London" if country == "United Kingdom" else "Europe/Berlin")
    await read_until(user, "All set.")
    await read_until(user, "1/10")


async def see_result(user: ScriptedUser) -> str:
    """After the last answer: the review of every answer, then "See my result"; returns the
    result's first message."""
    await read_until(user, CAT.text("review.title"))
    await user.tap(CAT.text("review.see_result"))
    return await read_until(user, "Result:")
