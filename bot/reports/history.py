"""One episode's story, gathered for the chart and the GP report: the triage answers, the
check-ins, the urgency level and when it changed, and the nudges per day, in the person's
local time.

`load_history` reads the rows; `build_history` is pure and turns them into a `History`.
There is no table of level changes, so the timeline is replayed from what is stored: each
finished triage session of the episode is assessed again from its saved answers (a rerun
keeps the higher level, F-N1), and each answered check-in carries the level after it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.episodes import EpisodeRepository
from storage.models import CheckIn, Delivery, Episode, Reminder, TriageSession, User
from storage.reminders import NOT_NUDGES
from storage.statuses import CheckInStatus, DeliveryResponse, DeliveryStatus, TriageStatus
from triage.assess import assess
from triage.levels import Level, highest
from triage.questions import TriageError
from triage.rules import ALL_RULES

REASON_OF_RULE = {rule.id: rule.reason for rule in ALL_RULES}


@dataclass(frozen=True)
class CheckinPoint:
    """One answered check-in. `status` is None when only the safety screen was asked."""

    at: dt.datetime
    status: str | None
    safety_positive: bool
    new_signs: tuple[str, ...]
    doctor: str | None
    habits: Mapping[str, str]
    level: Level | None
    suggestion: str | None = None


@dataclass(frozen=True)
class LevelMark:
    """The level from `at` on, set by a triage or a check-in, and the reasons that came with it."""

    at: dt.datetime
    level: Level
    reasons: tuple[str, ...]
    by: str = "triage"


@dataclass(frozen=True)
class NudgeDay:
    """Nudge messages the bot sent on one local day, and what the person did with them.

    Only messages that went out count: one the bot chose not to send (quiet hours, the
    daily cap, an outage) is nobody's miss.
    """

    day: dt.date
    sent: int
    done: int
    snoozed: int
    stopped: int

    @property
    def unanswered(self) -> int:
        return self.sent - self.done - self.snoozed - self.stopped


@dataclass(frozen=True)
class Assessment:
    """One finished triage of the episode: when, and the answers given."""

    at: dt.datetime
    answers: Mapping[str, tuple[str, ...]]
    episodes_90d: int = 0


MIN_CHECKINS = 2
"""Check-ins that asked how the twitch is, before /history draws a chart."""


@dataclass(frozen=True)
class History:
    zone: ZoneInfo
    now: dt.datetime
    opened: dt.datetime
    closed: dt.datetime | None
    onset_date: dt.date | None
    level: Level
    reasons: tuple[str, ...]
    assessments: tuple[Assessment, ...]
    checkins: tuple[CheckinPoint, ...] = ()
    levels: tuple[LevelMark, ...] = ()
    nudges: tuple[NudgeDay, ...] = field(default=())

    @property
    def answers(self) -> Mapping[str, tuple[str, ...]]:
        """The latest triage answers."""
        return self.assessments[-1].answers if self.assessments else {}

    @property
    def statuses(self) -> tuple[CheckinPoint, ...]:
        """Check-ins that asked how the twitch is."""
        return tuple(point for point in self.checkins if point.status is not None)

    @property
    def chartable(self) -> bool:
        """Whether the chart has a line to draw: it takes two check-ins that asked."""
        return len(self.statuses) >= MIN_CHECKINS


def local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone)


def zone_of(user: User) -> ZoneInfo:
    return ZoneInfo(user.tz or "UTC")


async def load_history(session: AsyncSession, user_id: int, now: dt.datetime) -> History | None:
    """The latest assessed episode of the person, or None when there is none."""
    user = await session.get(User, user_id)
    episode = await EpisodeRepository(session).latest(user_id) if user else None
    if user is None or episode is None:
        return None
    checkins = await session.scalars(
        select(CheckIn)
        .where(CheckIn.episode_id == episode.id, CheckIn.status == CheckInStatus.ANSWERED)
        .order_by(CheckIn.completed_at, CheckIn.id)
    )
    triages = await session.scalars(
        select(TriageSession)
        .where(
            TriageSession.episode_id == episode.id, TriageSession.status == TriageStatus.FINISHED
        )
        .order_by(TriageSession.updated_at, TriageSession.id)
    )
    deliveries = await session.scalars(
        select(Delivery)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .where(Reminder.episode_id == episode.id, Reminder.kind.not_in(NOT_NUDGES))
        # A snooze's second message is the same nudge again, not another one.
        .where(Reminder.origin_id.is_(None), Delivery.status == DeliveryStatus.SENT)
    )
    rows = Rows(episode, list(triages), list(checkins), list(deliveries))
    return build_history(zone_of(user), rows, now)


@dataclass(frozen=True)
class Rows:
    """The stored rows one history is built from."""

    episode: Episode
    triages: Sequence[TriageSession]
    checkins: Sequence[CheckIn]
    deliveries: Sequence[Delivery]


def build_history(zone: ZoneInfo, rows: Rows, now: dt.datetime) -> History:
    """The episode's story in the zone `zone`."""
    episode = rows.episode
    assessments = tuple(_assessment(t, zone) for t in rows.triages) or _fallback(episode, zone)
    points = tuple(_point(row, zone) for row in rows.checkins if row.completed_at is not None)
    reasons = _reasons(episode)
    return History(
        zone=zone,
        now=local(now, zone),
        opened=local(episode.opened_at, zone),
        closed=local(episode.closed_at, zone) if episode.closed_at else None,
        onset_date=episode.onset_date,
        level=Level(episode.level or Level.L0),
        reasons=reasons,
        assessments=assessments,
        checkins=points,
        levels=level_marks(assessments, points, Level(episode.level or Level.L0), reasons),
        nudges=nudge_days(rows.deliveries),
    )


def _assessment(row: TriageSession, zone: ZoneInfo) -> Assessment:
    state = row.answers
    return Assessment(
        at=local(row.updated_at, zone),
        answers={qid: tuple(sorted(picks)) for qid, picks in state.answers.items()},
        episodes_90d=state.episodes_90d,
    )


def _fallback(episode: Episode, zone: ZoneInfo) -> tuple[Assessment, ...]:
    """An episode whose triage session is gone still has its last answers."""
    answers = episode.answers.answers if episode.answers else {}
    at = local(episode.opened_at, zone)
    return (Assessment(at, {qid: tuple(sorted(picks)) for qid, picks in answers.items()}),)


def _point(row: CheckIn, zone: ZoneInfo) -> CheckinPoint:
    saved = row.answers
    assert row.completed_at is not None
    return CheckinPoint(
        at=local(row.completed_at, zone),
        status=saved.get("status"),
        safety_positive=bool(saved.get("safety")),
        new_signs=tuple(saved.get("new_signs", ())),
        doctor=saved.get("doctor"),
        habits=dict(saved.get("habits", {})),
        level=Level(row.level_after) if row.level_after else None,
        suggestion=saved.get("suggestion"),
    )


def _reasons(episode: Episode) -> tuple[str, ...]:
    """Reason codes: the episode's fired rules, then any the follow-up added (F-E4)."""
    codes = [REASON_OF_RULE[rid] for rid in episode.reasons if rid in REASON_OF_RULE]
    codes += [str(code) for code in (episode.followup.reasons if episode.followup else ())]
    return tuple(dict.fromkeys(codes))


def level_marks(
    assessments: Sequence[Assessment],
    points: Sequence[CheckinPoint],
    final: Level,
    reasons: Sequence[str],
) -> tuple[LevelMark, ...]:
    """The level over time: each triage keeps the higher level, each check-in sets its own."""
    both: list[Assessment | CheckinPoint] = [*assessments, *points]
    events = sorted(both, key=lambda event: event.at)
    marks: list[LevelMark] = []
    seen: set[str] = set()
    for event in events:
        level, codes = _level_at(event, marks[-1].level if marks else None, reasons, seen)
        if level is not None and (not marks or level != marks[-1].level or codes):
            by = "checkin" if isinstance(event, CheckinPoint) else "triage"
            marks.append(LevelMark(event.at, level, codes, by))
        seen.update(codes)
    if marks and final != marks[-1].level:
        marks.append(LevelMark(events[-1].at, final, _unseen(reasons, seen), "checkin"))
    return tuple(marks)


def _level_at(
    event: Assessment | CheckinPoint,
    before: Level | None,
    reasons: Sequence[str],
    seen: set[str],
) -> tuple[Level | None, tuple[str, ...]]:
    if isinstance(event, CheckinPoint):
        rose = event.level is not None and before is not None and event.level > before
        return event.level, _unseen(reasons, seen) if rose else ()
    answers = {qid: frozenset(picks) for qid, picks in event.answers.items()}
    try:
        outcome = assess(answers, event.at.date(), event.episodes_90d)
    except TriageError:  # answers from an older questionnaire: the stored level stands
        return before, ()
    level = highest([outcome.level, *([before] if before else [])])
    codes = tuple(r.code for r in outcome.reasons if r.code not in seen)
    return level, codes


def _unseen(reasons: Sequence[str], seen: set[str]) -> tuple[str, ...]:
    return tuple(code for code in reasons if code not in seen)


def nudge_days(deliveries: Iterable[Delivery]) -> tuple[NudgeDay, ...]:
    """Sent nudge messages per local day (the occurrence's own wall date, in its zone).

    A message carrying several nudges counts once, with the answer its buttons gave.
    """
    answers: dict[tuple[dt.date, int], DeliveryResponse | None] = {}
    for row in deliveries:
        if row.status != DeliveryStatus.SENT:
            continue
        day = dt.date.fromisoformat(row.occurrence[:10])
        message = row.message_id if row.message_id is not None else -id(row)
        answers.setdefault((day, message), row.response)
    tally: dict[dt.date, Counter[str | None]] = {}
    for (day, _), response in answers.items():
        tally.setdefault(day, Counter())[response] += 1
    return tuple(
        NudgeDay(
            day,
            counts.total(),
            counts[DeliveryResponse.DONE],
            counts[DeliveryResponse.SNOOZED],
            counts[DeliveryResponse.STOPPED],
        )
        for day, counts in sorted(tally.items())
    )
