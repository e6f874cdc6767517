"""What the person is told after keeping the lighter weekly version (spec §3.4)."""

from __future__ import annotations

from bot.catalogue import Catalogue
from bot.screens.preferences import what
from bot.usecases.plan_end import Answer, first_day, first_local
from triage.schedule import PlannedNudge


def describe(cat: Catalogue, planned: list[PlannedNudge]) -> str:
    """ "Water check: Tuesdays at 10:00 and 15:00" ... and when the next one comes."""
    lines = [cat.text("plan_end.kept")]
    for item in planned:
        day = first_day(item.schedule).strftime("%A")
        times = " and ".join(t.strftime("%H:%M") for t in item.schedule.times)
        lines.append(
            "• "
            + cat.text("plan_end.kept_line", what=what(cat, item.nudge_id), day=day, times=times)
        )
    when = first_local(planned).strftime("%a %d %b at %H:%M")
    lines.append(cat.text("plan_end.kept_next", when=when))
    return "\n".join(lines)


def reply(cat: Catalogue, answer: Answer) -> str:
    if answer.outcome == "kept" and answer.planned:
        return describe(cat, list(answer.planned))
    if answer.outcome == "kept":
        return cat.text("plan_end.kept_nothing")
    return cat.text("plan_end.declined")
