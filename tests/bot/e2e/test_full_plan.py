"""The largest plan the spec can produce, lived through for a fortnight: every nudge comes at
a time the stored plan lists (to the minute of the bot's clock), never more than three a day,
never folded into a digest or worded for another hour; and a snooze at the cap still comes
an hour later."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.playground.users import ScriptedUser
from bot.runner import build_dispatcher
from scheduler.policy import is_nudge
from scheduler.recurrence import next_occurrence
from storage.models import Reminder
from tests.bot.e2e.fortnight_people import CHECKIN_OPENING, answer_checkin, drain, onboard_in_zone
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.test_triage import CALM, walk
from triage.plan_fit import DAILY_CAP

ZONE = "Europe/London"
EVERYTHING = {
    **CALM,
    "Q8_CAFFEINE": ["C5P"],
    "Q9_TRIGGERS": [
        "TR_SLEEP",
        "TR_EXERCISE",
        "TR_SWEAT",
        "TR_STRESS",
        "TR_ALCOHOL",
        "TR_DIET",
        "TR_SCREENS",
    ],
    "Q10_CONTEXT": ["M_ASTHMA"],
    "Q8_STRONG": ["C_STRONG_Y"],
}
TWO_WEEKS_ON = dt.datetime(2026, 12, 9, 23, 0, tzinfo=dt.UTC)


async def planned_times(rig: BotRig, until: dt.datetime) -> set[dt.datetime]:
    """Every local minute the stored plan says a nudge comes, up to `until`."""
    async with rig.deps.sessions() as session:
        rows = (await session.execute(select(Reminder))).scalars().all()
    found: set[dt.datetime] = set()
    for row in rows:
        if not is_nudge(row.kind) or row.origin_id is not None:
            continue
        schedule = row.schedule.schedule
        after = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
        while (due := next_occurrence(schedule, row.tz, after)) and due.due_at <= until:
            found.add(due.due_at.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None))
            after = due.due_at
    return found


async def live(
    rig: BotRig, person: ScriptedUser, until: dt.datetime
) -> list[tuple[dt.datetime, str]]:
    """Drives the bot's clock by the dispatcher's own wake-ups; (local time, text) of each
    nudge message; check-ins are answered as they come."""
    dispatcher = build_dispatcher(rig.app.bot, rig.deps)  # type: ignore[attr-defined]
    got: list[tuple[dt.datetime, str]] = []
    while (wake := await dispatcher.next_wakeup()) is not None and wake <= until:
        rig.clock.set(max(wake, rig.clock.now()))
        before = len(person.transcript())
        await rig.tick()
        local = rig.clock.now().astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)
        for _ in range(len(person.transcript()) - before):
            message = await person.next_message()
            text = message.text or ""
            if CHECKIN_OPENING in text:
                await answer_checkin(person, message)
            elif message.buttons and "Snooze 1 h" in message.button_labels():
                got.append((local, text))
    return got


async def test_the_largest_plan_arrives_as_listed_three_a_day_for_a_fortnight(
    rig: BotRig,
) -> None:
    person = rig.user(user_id=701)
    await onboard_in_zone(person, ZONE)
    result = await walk(person, EVERYTHING)
    assert "What happens next:" in result
    await drain(person)
    got = await live(rig, person, TWO_WEEKS_ON)
    planned = await planned_times(rig, TWO_WEEKS_ON)
    assert len(got) >= 30  # a busy plan, not an empty one
    for at, text in got:
        on_time = {at.replace(second=0, microsecond=0) - dt.timedelta(minutes=m) for m in (0, 1)}
        assert on_time & planned, (at, text)
        assert not text.startswith("• "), (at, text)  # nothing folded in from later
        assert "2pm" not in text and "about 2" not in text, text
    per_day = Counter(at.date() for at, _ in got)
    assert max(per_day.values()) == DAILY_CAP, per_day


async def test_a_snooze_at_the_days_cap_still_comes_an_hour_later(rig: BotRig) -> None:
    person = rig.user(user_id=702)
    await onboard_in_zone(person, ZONE)
    await walk(person, EVERYTHING)
    await drain(person)
    # Thu 26 Nov: the caffeine step at 09:00, the breathing break at 18:30 and the
    # wind-down at 22:15, the day's third.
    evening = dt.datetime(2026, 11, 26, 22, 16, tzinfo=dt.UTC)
    got = await live(rig, person, evening)
    today = [at for at, _ in got if at.date() == dt.date(2026, 11, 26)]
    assert len(today) == DAILY_CAP
    last = person.transcript()[-1]
    assert "Snooze 1 h" in last.button_labels()
    await person.tap("Snooze 1 h", message=last)
    await person.next_message()
    later = await live(rig, person, evening + dt.timedelta(hours=1, minutes=1))
    # Snoozed at 22:15, the moment the wind-down came: back at 23:15, the cap passed.
    assert [at.strftime("%d %H:%M") for at, _ in later] == ["26 23:15"]
