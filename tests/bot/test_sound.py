"""Routine nudges arrive silently unless the person asked for them to ring; check-ins and the
plan's questions always ring."""

from __future__ import annotations

import pytest

from bot.sound import silent


@pytest.mark.parametrize("kind", ["N_HYDRATE", "N_SLEEP", "N_WORRY"])
def test_a_routine_nudge_is_silent_by_default(kind: str) -> None:
    assert silent(kind, ring_nudges=False)


def test_a_nudge_rings_for_someone_who_asked_for_sound() -> None:
    assert not silent("N_HYDRATE", ring_nudges=True)


@pytest.mark.parametrize("kind", ["CHECKIN", "PLAN_END"])
@pytest.mark.parametrize("ring", [False, True])
def test_check_ins_and_plan_questions_always_ring(kind: str, ring: bool) -> None:
    assert not silent(kind, ring_nudges=ring)
