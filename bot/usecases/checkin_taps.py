"""What a tap on a check-in screen does to its row, decided before anything is said.

Which screen follows is the core's (`triage.checkin_flow.next_screen`); this module checks the
tap against the row, records the answer on it and says which reply fits (a tick, the next
screen, the end, or a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.checkin_screens import BACK, DONE, NONE, SKIP
from storage.checkins import CheckInStatus
from storage.models import CheckIn, Episode, User
from triage.checkin_flow import CHOICES, EMERGENCY_SIGNS, next_screen, previous_screen
from triage.escalation import Escalation
from triage.followup import HABITS, RED_FLAG_SIGNS, Decision, FollowUpState


class TapKind(StrEnum):
    """What a check-in tap turned out to be."""

    TICK = "tick"  # an option ticked, or one habit of three answered
    NEXT = "next"  # an answer, and the next screen
    BACK = "back"  # the screen before, its answer ticked
    FINISHED = "finished"  # the last answer: the follow-up rules decide
    STALE = "stale"  # a button of a screen already answered
    EMPTY = "empty"  # Done with nothing ticked
    FOREIGN = "foreign"  # not the person's own check-in
    CLOSED = "closed"  # the check-in is over
    REPLACED = "replaced"  # left unfinished, and a newer check-in has come since
    ENDED = "ended"  # the check-in is over, and so are the check-ins of its episode


@dataclass
class Tap:
    """What a tap did, decided inside the transaction and acted on after the commit."""

    kind: TapKind
    row: CheckIn | None = None
    answered: tuple[str, str] | None = None  # (question key, answer label key or text)
    decision: Decision | None = None
    episode_id: int = 0
    extra: list[str] = field(default_factory=list)
    escalation: Escalation | None = None


def decide(
    user: User | None,
    row: CheckIn | None,
    episode: Episode | None,
    screen: str,
    options: tuple[str, ...],
) -> Tap:
    if user is None or row is None or episode is None or episode.user_id != user.id:
        return Tap(TapKind.FOREIGN)
    if not episode.followup or episode.followup.closed:
        return Tap(TapKind.ENDED, row)
    if row.status == CheckInStatus.EXPIRED:
        return Tap(TapKind.REPLACED, row)
    if row.status != CheckInStatus.OPEN:
        return Tap(TapKind.CLOSED, row)
    if row.step != screen or not options:
        return Tap(TapKind.STALE, row)
    state = episode.followup
    try:
        if options[0] == BACK:
            return _back(row, state)
        return STEPS[screen](row, state, options)
    except (KeyError, IndexError, ValueError):
        return Tap(TapKind.STALE, row)


def raised(tap: Tap, kind: TapKind, escalation: Escalation) -> Tap:
    tap.kind, tap.escalation = kind, escalation
    return tap


def _back(row: CheckIn, state: FollowUpState) -> Tap:
    """The screen before, its answer kept; what was already assessed and shown stays."""
    previous = previous_screen(state, row.answers, row.step)
    if previous is None:
        raise ValueError(row.step)
    _go_to(row, previous)
    return Tap(TapKind.BACK, row)


def _go_to(row: CheckIn, screen: str) -> None:
    """Makes `screen` the current one; the new signs come back ticked as last answered."""
    row.step = screen
    saved = row.answers.get("new_signs")
    if screen == "new_signs" and isinstance(saved, list):
        row.selection = sorted(str(sign) for sign in saved)


def _on_safety(row: CheckIn, state: FollowUpState, options: tuple[str, ...]) -> Tap:
    option = options[0]
    if option != NONE and option not in EMERGENCY_SIGNS:
        raise ValueError(option)
    _save(row, "safety", option != NONE)
    label = "checkin.safety.none" if option == NONE else f"option.{option}"
    if option != NONE:
        return Tap(TapKind.FINISHED, row, ("checkin.safety.question", label))
    return _advance(row, state, ("checkin.safety.question", label))


def _on_choice(row: CheckIn, state: FollowUpState, options: tuple[str, ...]) -> Tap:
    screen, option = row.step, options[0]
    if option not in CHOICES[screen]:
        raise ValueError(option)
    _save(row, screen, option)
    answered = (f"checkin.{screen}.question", f"checkin.{screen}.options.{option}")
    return _advance(row, state, answered)


def _on_new_signs(row: CheckIn, state: FollowUpState, options: tuple[str, ...]) -> Tap:
    option = options[0]
    if option == NONE:
        row.selection = []
    elif option != DONE:
        if option not in RED_FLAG_SIGNS:
            raise ValueError(option)
        row.selection = sorted(set(row.selection) ^ {option})
        return Tap(TapKind.TICK, row)
    elif not row.selection and row.answers.get("new_signs") != []:
        # Done with nothing ticked, and "Nothing new" not said before
        return Tap(TapKind.EMPTY, row)
    signs = sorted(row.selection)
    _save(row, "new_signs", signs)
    row.selection = []
    labels = [f"option.{sign}" for sign in signs] or ["checkin.new_signs.none"]
    return _advance(row, state, ("checkin.new_signs.question", ",".join(labels)))


def _on_habits(row: CheckIn, state: FollowUpState, options: tuple[str, ...]) -> Tap:
    habits = dict(row.answers.get("habits", {}))
    if options[0] == SKIP:
        return Tap(TapKind.FINISHED, row, ("checkin.habits.intro", "checkin_ui.skipped"))
    question, option = options[0], options[1]
    if option not in HABITS[question]:
        raise ValueError(option)
    habits[question] = option
    _save(row, "habits", habits)
    if len(habits) < len(HABITS):
        return Tap(TapKind.TICK, row)
    return Tap(TapKind.FINISHED, row, None)


STEPS = {
    "safety": _on_safety,
    "status": _on_choice,
    "doctor": _on_choice,
    "suggestion": _on_choice,
    "new_signs": _on_new_signs,
    "habits": _on_habits,
}


def _save(row: CheckIn, key: str, value: object) -> None:
    # A new dict, so that the JSON column sees the change.
    row.answers = {**row.answers, key: value}


def _advance(row: CheckIn, state: FollowUpState, answered: tuple[str, str]) -> Tap:
    following = next_screen(state, row.answers, row.step)
    if following is None:
        return Tap(TapKind.FINISHED, row, answered)
    _go_to(row, following)
    return Tap(TapKind.NEXT, row, answered)
