"""What a tap on a questionnaire button does to its session row, decided before anything is
said: a tick, the next question, the result, Back, or a refusal.

The questions and their order are the core's (`triage.flow`); this module checks the tap
against the stored session and records the answer on it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, replace
from enum import StrEnum

from storage.models import TriageSession, User
from storage.statuses import TriageStatus
from triage.flow import Ask, Finished, Step, TriageState, advance, back, current_step
from triage.questions import InvalidAnswer, Kind, Question, set_tick
from triage.review import REVIEW, SEE_RESULT, change, reviews

DONE = "DONE"
BACK = "BACK"


class TapKind(StrEnum):
    """What a questionnaire tap turned out to be."""

    TICK = "tick"  # a multi-select option ticked or unticked
    NEXT = "next"  # an answer, and the next question
    BACK = "back"  # the question before, its answer ticked
    REVIEW = "review"  # the last answer, and every answer on one screen
    CHANGE = "change"  # "Change N" on the review
    FINISHED = "finished"  # the outcome
    STALE = "stale"  # a button of a question already answered
    EMPTY = "empty"  # Done with nothing ticked
    FOREIGN = "foreign"  # not the person's own questionnaire
    CLOSED = "closed"  # the questionnaire is over


@dataclass(frozen=True)
class Tap:
    """What a tap did, decided inside the transaction and acted on after the commit."""

    kind: TapKind
    session: TriageSession | None = None
    step: Step | None = None
    answered: tuple[str, frozenset[str]] | None = None
    next_steps: str | None = None
    just_after: bool = False
    """A stale tap whose question the session answered last, nothing done since, or a tap on
    a finished session on the step that finished it: for the retry of a tap a crashed
    replica saved, the step that followed (the result, for the latter) may never have been
    sent (bot/takeovers.py)."""


def local_today(user: User, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).date()


def current_question(triage: TriageSession, user: User, now: dt.datetime) -> Question:
    """The question the session waits on."""
    step = current_step(triage.answers, local_today(user, now))
    assert isinstance(step, Ask)
    return step.question


def decide(
    user: User | None,
    triage: TriageSession | None,
    question_id: str,
    option_id: str,
    now: dt.datetime,
    wanted: bool | None = None,
) -> Tap:
    """`wanted`: whether a multi-select button asks for its option ticked (True) or not
    (False), so that a retried tap leaves the tick as the first one set it; None (buttons
    sent before ticks carried it) toggles."""
    if user is None or triage is None or triage.user_id != user.id:
        return Tap(TapKind.FOREIGN)
    if triage.status != TriageStatus.ACTIVE:
        finishing = triage.status == TriageStatus.FINISHED and triage.step == question_id
        return Tap(TapKind.CLOSED, triage, just_after=finishing)
    if triage.step != question_id:
        return Tap(TapKind.STALE, triage, just_after=right_after(triage, question_id))
    if question_id == REVIEW:
        return _on_review(user, triage, option_id, now)
    state = triage.answers
    assert state.current is not None
    question = current_question(triage, user, now)
    try:
        return _apply(user, triage, state, question, option_id, now, wanted)
    except InvalidAnswer:
        return Tap(TapKind.STALE, triage)


def _apply(
    user: User,
    triage: TriageSession,
    state: TriageState,
    question: Question,
    option_id: str,
    now: dt.datetime,
    wanted: bool | None,
) -> Tap:
    if option_id == BACK:
        return go_back(triage, now)
    selection = frozenset(triage.selection)
    if question.kind == Kind.MULTI and option_id != DONE:
        triage.selection = sorted(set_tick(question, selection, option_id, wanted))
        _touch(triage, now)
        return Tap(TapKind.TICK, triage)
    if question.kind == Kind.MULTI and not selection:
        return Tap(TapKind.EMPTY, triage)
    answer = selection if question.kind == Kind.MULTI else frozenset({option_id})
    step = advance(state, answer, local_today(user, now))
    triage.answers = step.state
    triage.selection = []
    _touch(triage, now)
    if reviews(step):
        # Every answer on one screen before the result; an L4 result is never held back.
        triage.step, triage.message_id = REVIEW, None
        return Tap(TapKind.REVIEW, triage, step, (question.id, answer))
    if isinstance(step, Finished):
        triage.status = TriageStatus.FINISHED
        return Tap(TapKind.FINISHED, triage, step, (question.id, answer))
    triage.step = step.question.id
    triage.message_id = None
    # A re-run (F-E2, F-E3 rev 2) shows the previous answer ticked, to confirm or change.
    triage.selection = sorted(step.state.prefilled(step.question.id))
    return Tap(TapKind.NEXT, triage, step, (question.id, answer))


def past_review(tap: Tap) -> Tap:
    """The result at once instead of the review: the episode already stands at L4 (an
    emergency said during the questions), and emergency advice is never held back."""
    assert tap.kind == TapKind.REVIEW and tap.session
    tap.session.status = TriageStatus.FINISHED
    return replace(tap, kind=TapKind.FINISHED)


def _on_review(user: User, triage: TriageSession, option_id: str, now: dt.datetime) -> Tap:
    """ "See my result" finishes as the last answer would have; "Change N" asks N again."""
    state = triage.answers
    if option_id == SEE_RESULT:
        step = current_step(state, local_today(user, now))
        assert isinstance(step, Finished)
        triage.status = TriageStatus.FINISHED
        _touch(triage, now)
        return Tap(TapKind.FINISHED, triage, step)
    try:
        ask, ticked = change(state, option_id)
    except InvalidAnswer:
        return Tap(TapKind.STALE, triage)
    return _ask_again(triage, ask, ticked, now, TapKind.CHANGE)


def go_back(triage: TriageSession, now: dt.datetime) -> Tap:
    """The previous question again, its earlier answer ticked; nothing is lost."""
    try:
        ask, previous = back(triage.answers)
    except InvalidAnswer:
        return Tap(TapKind.STALE, triage)
    return _ask_again(triage, ask, previous, now, TapKind.BACK)


def _ask_again(
    triage: TriageSession, ask: Ask, previous: frozenset[str], now: dt.datetime, kind: TapKind
) -> Tap:
    triage.answers = ask.state
    triage.step = ask.question.id
    triage.selection = sorted(previous)
    triage.message_id = None
    _touch(triage, now)
    return Tap(kind, triage, ask)


def _touch(triage: TriageSession, now: dt.datetime) -> None:
    triage.version += 1
    triage.updated_at = now


def right_after(triage: TriageSession, question_id: str) -> bool:
    """Whether the session stands where answering `question_id` left it, with nothing
    answered or ticked since: `question_id` is its last answer, and what it asks now (a
    question, or the review) shows no tick but a re-run's prefill.

    For the retry of a tap whose replica crashed after saving it: the question that followed
    may never have been sent. Once the person has done anything since, they have it."""
    state = triage.answers
    try:
        last, _ = back(state)
    except InvalidAnswer:
        return False
    untouched = triage.selection == sorted(state.prefilled(triage.step))
    return last.question.id == question_id and untouched
