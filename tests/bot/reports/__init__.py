"""A simulated fortnight of one episode, as the rows the reports are built from.

Day 0 (25 Nov 2026, London): triage at self-care level. Check-ins on days 3, 6, 9 and 12:
same, better, same, then worse with stiffness, which reruns part of the triage (day 12) and
raises the level; on day 14 the twitch is still there (F-E4). Three nudges a day, answered
Done most days, sometimes snoozed, sometimes left.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.reports.history import History, Rows, build_history
from storage.models import CheckIn, Delivery, Episode, TriageSession
from storage.statuses import CheckInStatus, DeliveryStatus, EpisodeStatus, TriageStatus
from tests import factories
from triage.flow import TriageState
from triage.followup_state import FollowUpState
from triage.levels import Level

LONDON = ZoneInfo("Europe/London")
DAY0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
FIRST = {
    "Q1_EMERGENCY": ["E_NONE"],
    "Q2_AREA": ["A_EYELID"],
    "Q3_DURATION": ["D_3_13D"],
    "Q4_BOTHER": ["B_MED"],
    "Q5_CHANGE": ["T_SAME"],
    "Q6_NERVE": ["N_TINGLE_LOCAL"],
    "Q7_EYE_BODY": ["S_NONE"],
    "Q8_CAFFEINE": ["C3_4"],
    "Q8_STRONG": ["C_STRONG_N"],
    "Q9_TRIGGERS": ["TR_SLEEP", "TR_STRESS"],
    "Q10_CONTEXT": ["X_NONE"],
}
RERUN = {**FIRST, "Q2_AREA": ["A_EYELID", "A_FACE"], "Q6_NERVE": ["N_STIFF"]}
STATUSES = {3: "same", 6: "better", 9: "same", 12: "worse", 14: "same"}
LEVELS = {3: "L0", 6: "L0", 9: "L0", 12: "L0", 14: "L1"}
HABITS = {"caffeine": "c3_4", "sleep": "5_6", "fluids": "no"}


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return DAY0.replace(hour=hour, minute=minute) + dt.timedelta(days=day)


def assessed(answers: dict[str, list[str]]) -> TriageState:
    """A finished triage with these answers, the person's second episode in 90 days."""
    return TriageState({qid: frozenset(picks) for qid, picks in answers.items()}, None, 1)


def episode() -> Episode:
    return factories.episode(
        501,
        DAY0,
        id=1,
        onset_date=dt.date(2026, 11, 22),
        level="L1",
        reasons=["R-0", "R-R2", "R-R3"],
        answers=assessed(RERUN),
        followup=FollowUpState(
            level=Level.L1,
            reasons=("no_red_flags", "more_than_one_place", "longer_than_2_weeks"),
            onset_date=dt.date(2026, 11, 22),
            opened=DAY0.date(),
            level_since=at(14).date(),
        ),
        status=EpisodeStatus.OPEN,
    )


def triages() -> list[TriageSession]:
    return [
        factories.triage_session(
            501,
            1,
            DAY0,
            status=TriageStatus.FINISHED,
            answers=assessed(FIRST),
        ),
        factories.triage_session(
            501,
            1,
            at(12, 10, 5),
            status=TriageStatus.FINISHED,
            answers=assessed(RERUN),
        ),
    ]


def checkins() -> list[CheckIn]:
    rows = []
    for day, status in STATUSES.items():
        answers: dict[str, object] = {"safety": False, "status": status, "habits": HABITS}
        if day == 12:
            answers["new_signs"] = ["N_STIFF"]
        rows.append(
            factories.checkin(
                1,
                at(day),
                status=CheckInStatus.ANSWERED,
                answers=answers,
                level_after=LEVELS[day],
                completed_at=at(day, 10, 2),
            )
        )
    return rows


def deliveries() -> list[Delivery]:
    rows = []
    for day in range(14):
        for slot, hour in enumerate((9, 13, 17)):
            local = (DAY0 + dt.timedelta(days=day)).astimezone(LONDON).date()
            response = (
                ["done", "done", "snoozed", None, "stopped"][(day + slot) % 5] if day % 5 else None
            )
            rows.append(
                factories.delivery(
                    1,
                    at(day, hour),
                    occurrence=f"{local.isoformat()}T{hour:02}:00",
                    status=DeliveryStatus.SENT if day != 8 else DeliveryStatus.SKIPPED,
                    response=response,
                )
            )
    return rows


def fortnight(now: dt.datetime | None = None) -> History:
    rows = Rows(episode(), triages(), checkins(), deliveries())
    return build_history(LONDON, rows, now or at(14, 12))
