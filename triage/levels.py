"""Urgency levels (spec §1): ordered, so the highest one that fired wins."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Level(StrEnum):
    """The five urgency levels, L0 (self-care) to L4 (emergency)."""

    L0 = "L0"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"

    @property
    def rank(self) -> int:
        return int(self.value[1])

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank


def highest(levels: Iterable[Level], floor: Level = Level.L0) -> Level:
    """The highest of `levels`, never below `floor` (spec §0.2: the highest urgency wins)."""
    return max([floor, *levels], key=lambda level: level.rank)


NUDGE_LEVELS = frozenset({Level.L0, Level.L1, Level.L2})
"""Levels at which lifestyle nudges may be scheduled (spec §0.2.6 and §3.4)."""
