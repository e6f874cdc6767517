"""Escalation at once during a check-in (spec §4.3 F-E2 and F-E3, rev 2).

A new red-flag sign ticked at a check-in, or a twitch that has spread, is assessed in the same
check-in: the sign is folded into the episode's previous answers as its Q6 or Q7 option
("Spread" as Q5's T_SPREADING), every rule runs again, and the level becomes the higher of
the old and the new (F-N1). The caller stores the result before the next screen is sent, so
a person who stops part way keeps the escalation, and shows the new advice before any other
screen (§4.4). A prefilled re-run is offered afterwards; it can only refine, never lower.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from triage.assess import assess
from triage.flow import TriageState, settle
from triage.followup import RED_FLAG_SIGNS, FollowUpState, Status, on_retriage
from triage.outcome import Outcome

SIGN_QUESTION: Mapping[str, str] = MappingProxyType(
    {sign: "Q6_NERVE" if sign.startswith("N_") else "Q7_EYE_BODY" for sign in RED_FLAG_SIGNS}
)
"""Each check-in sign -> the question whose option it is (the option id is the sign's own)."""

_NONE_OF_THESE = {"Q6_NERVE": "N_NONE", "Q7_EYE_BODY": "S_NONE"}


@dataclass(frozen=True)
class Escalation:
    """What the new signs changed: the rules that fired, the answers, the outcome and state.

    `rose` is True when the level went up: the new advice is then shown at once. `at` is the
    person's local time of the assessment, which the advice's wording depends on (§4.4).
    """

    fired: tuple[str, ...]
    answers: TriageState
    outcome: Outcome
    state: FollowUpState
    rose: bool
    at: dt.datetime | None = None


def is_due(new_signs: frozenset[str], status: Status | None) -> bool:
    """Whether this check-in's answers call for an assessment at once (F-E2, F-E3)."""
    return bool(new_signs) or status is Status.SPREAD


def with_signs(
    previous: Mapping[str, frozenset[str]], new_signs: frozenset[str], status: Status | None
) -> dict[str, frozenset[str]]:
    """The previous answers with the check-in's signs ticked on their Q6/Q7 screens."""
    answers = dict(previous)
    for sign in sorted(new_signs):
        question = SIGN_QUESTION[sign]
        earlier = answers.get(question, frozenset()) - {_NONE_OF_THESE[question]}
        answers[question] = earlier | {sign}
    if "N_WEAK" in new_signs:
        # The check-in's option reads "truly weaker", which is Q6's clarifier answered W_TRUE.
        answers["Q6_WEAK_CHECK"] = frozenset({"W_TRUE"})
    if status is Status.SPREAD:
        answers["Q5_CHANGE"] = frozenset({"T_SPREADING"})  # F-E3 rev 2
    return answers


def escalate(
    state: FollowUpState,
    previous: TriageState,
    new_signs: frozenset[str],
    status: Status | None,
    now_local: dt.datetime,
) -> Escalation | None:
    """Assess at once with the previous answers plus the new signs; None when nothing is new."""
    if not is_due(new_signs, status):
        return None
    answers = settle(with_signs(previous.answers, new_signs, status), previous.episodes_90d)
    outcome = assess(answers.answers, now_local.date(), answers.episodes_90d)
    raised = on_retriage(state, outcome, now_local)
    fired = (("F-E2",) if new_signs else ()) + (("F-E3",) if status is Status.SPREAD else ())
    return Escalation(fired, answers, outcome, raised, raised.level > state.level, now_local)
