"""The facts the urgency rules and tips read (spec §3.2 `derived`): every chosen option id,
the number of places twitching, the caffeine bands and the onset dates the Q3 band implies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

ONSET_DAYS_MIN: Mapping[str, int] = MappingProxyType(
    {"D_LT3D": 0, "D_3_13D": 3, "D_2_6W": 14, "D_GT6W": 42, "D_RECUR": 14}
)
"""Q3 option -> the fewest days ago the twitch can have started."""

ONSET_DAYS_MID: Mapping[str, int] = MappingProxyType(
    {"D_LT3D": 1, "D_3_13D": 8, "D_2_6W": 21, "D_GT6W": 42, "D_RECUR": 14}
)
"""Q3 option -> a typical number of days ago within the band (rev 2, for F-E4 only). Counting
the two weeks from the band's lowest day made the check-in escalation come when a twitch
started "2 to 6 weeks ago" was already about 25 days old; the midpoint brings it closer to the
real onset. §7.8 asks a clinician to confirm it."""

ALL_OVER_SITES = 99
"""n_sites when A_ALLOVER is chosen (§3.2)."""

Answers = Mapping[str, frozenset[str]]
"""Question id -> chosen option ids (a single-select answer has one element)."""


@dataclass(frozen=True)
class Facts:
    """What the rules read: every chosen option id plus the §3.2 derived values."""

    chosen: frozenset[str]
    duration: str | None
    n_sites: int
    caffeine_high: bool
    caffeine_moderate: bool
    episodes_90d: int

    def has(self, *option_ids: str) -> bool:
        """True when any of `option_ids` was chosen (option ids are unique across questions)."""
        return not self.chosen.isdisjoint(option_ids)


def derive(answers: Answers, episodes_90d: int = 0) -> Facts:
    """Collect the chosen options and compute n_sites and the caffeine bands (§3.2)."""
    chosen = frozenset().union(*answers.values())
    duration = next(iter(answers.get("Q3_DURATION", ())), None)
    return Facts(
        chosen=chosen,
        duration=duration,
        n_sites=n_sites(answers.get("Q2_AREA", frozenset())),
        caffeine_high="C5P" in chosen or {"C3_4", "C_STRONG_Y"} <= chosen,
        caffeine_moderate="C3_4" in chosen and "C_STRONG_Y" not in chosen,
        episodes_90d=episodes_90d,
    )


def n_sites(areas: frozenset[str]) -> int:
    """Places twitching: one eyelid and both eyes count as one place; all over counts as 99."""
    if "A_ALLOVER" in areas:
        return ALL_OVER_SITES
    eyes = {"A_EYELID", "A_EYES_BOTH"}
    return len(areas - eyes) + (1 if areas & eyes else 0)


def onset_date(duration: str | None, today: dt.date) -> dt.date | None:
    """today - Q3.onset_days_min, or None before Q3 is answered."""
    if duration is None:
        return None
    return today - dt.timedelta(days=ONSET_DAYS_MIN[duration])


def onset_date_checkin(duration: str | None, today: dt.date) -> dt.date | None:
    """today - Q3.onset_days_mid (rev 2): the onset F-E4 counts two weeks from."""
    if duration is None:
        return None
    return today - dt.timedelta(days=ONSET_DAYS_MID[duration])


Predicate = Callable[[Facts], bool]
"""A condition over the facts: when a rule fires or a tip applies."""
