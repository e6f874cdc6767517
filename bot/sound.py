"""Which reminders arrive without sound: routine nudges, unless the person asked for them to
ring in /settings. Check-ins, the plan's questions and anything about a raised level always
ring. Pure: the notifier passes the result as `disable_notification`."""

from __future__ import annotations

NUDGE_PREFIX = "N_"  # nudge kinds are the spec's ids: N_HYDRATE, N_SLEEP, ...


def silent(kind: str, ring_nudges: bool) -> bool:
    """True when a reminder of `kind` should arrive without sound."""
    return kind.startswith(NUDGE_PREFIX) and not ring_nudges
