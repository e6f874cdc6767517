"""What a finished triage decides: the level, every reason that fired, and the exit if any."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from triage.levels import Level

MAX_SHOWN_REASONS = 3


class Exit(StrEnum):
    """Exit states of spec §1."""

    EXIT_UNDER18 = "EXIT_UNDER18"
    EXIT_KNOWN_CONDITION = "EXIT_KNOWN_CONDITION"
    EXIT_NO_CONSENT = "EXIT_NO_CONSENT"


@dataclass(frozen=True)
class Reason:
    """One rule that fired: its spec id (R-U2), its reason code and its level."""

    rule_id: str
    code: str
    level: Level


@dataclass(frozen=True)
class Outcome:
    """The result of `assess`: level = the highest that fired; reasons highest first."""

    level: Level
    reasons: tuple[Reason, ...]
    exit: Exit | None = None
    onset_date: dt.date | None = None
    onset_date_checkin: dt.date | None = None
    soft_prompts: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    medicine_related: bool = False
    extras: tuple[str, ...] = field(default=())

    @property
    def shown_reasons(self) -> tuple[Reason, ...]:
        """At most three reasons, highest level first (spec §3.1 step 3)."""
        return self.reasons[:MAX_SHOWN_REASONS]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reason.rule_id for reason in self.reasons)
