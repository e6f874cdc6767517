"""The triage interview as a pure state machine: which question comes next, and when it ends.

The state is only the answers so far plus the question being asked; where the interview stands
is always derivable from the answers, so a saved state can be checked on the way back in.
See flow.md beside this module for the diagram.

| state (current)  | answer                          | next                              |
|------------------|---------------------------------|-----------------------------------|
| Q1_EMERGENCY     | anything but E_NONE             | Finished, L4 (R-E1), §3.1 step 2  |
| Q1_EMERGENCY     | E_NONE                          | Q2_AREA                           |
| Q2..Q5           | any valid answer                | the next main question            |
| Q6_NERVE         | contains N_WEAK                 | Q6_WEAK_CHECK                     |
| Q6_WEAK_CHECK    | W_TRUE/W_UNSURE keep, W_FEEL -> N_HEAVY | Q7_EYE_BODY               |
| Q8_CAFFEINE      | C3_4 or C5P                     | Q8_STRONG                         |
| Q10_CONTEXT      | any valid answer                | Finished, assess(answers)         |
| any but Q1       | back                            | the question before, re-asked     |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from triage.assess import assess
from triage.facts import Answers
from triage.outcome import Outcome
from triage.questions import (
    MAIN_ORDER,
    QUESTIONS,
    WEAK_CHECK_MAP,
    InvalidAnswer,
    Question,
    validate,
    validate_answers,
)

FIRST = "Q1_EMERGENCY"

CLARIFIERS: Mapping[str, tuple[str, frozenset[str]]] = MappingProxyType(
    {
        "Q6_NERVE": ("Q6_WEAK_CHECK", frozenset({"N_WEAK"})),
        "Q8_CAFFEINE": ("Q8_STRONG", frozenset({"C3_4", "C5P"})),
    }
)
"""Main question -> (its clarifier, the options that make the clarifier due)."""


@dataclass(frozen=True)
class TriageState:
    """The answers so far and the question being asked (None once finished).

    `prefill` holds, in a re-run (F-E2, F-E3), the previous answers of the questions asked
    again: they are shown ticked, and the person confirms or changes them.
    """

    answers: Mapping[str, frozenset[str]]
    current: str | None
    episodes_90d: int = 0
    prefill: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A read-only copy: a state saved to the database must not change under its caller.
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        object.__setattr__(self, "prefill", MappingProxyType(dict(self.prefill)))

    def prefilled(self, question_id: str) -> frozenset[str]:
        """The previous answer to show ticked on `question_id`, empty when there is none."""
        return self.prefill.get(question_id, frozenset())

    def to_json(self) -> dict[str, object]:
        """Plain JSON for a database column; option ids sorted so equal states compare equal."""
        data: dict[str, object] = {
            "answers": {qid: sorted(answer) for qid, answer in self.answers.items()},
            "current": self.current,
            "episodes_90d": self.episodes_90d,
        }
        if self.prefill:
            data["prefill"] = {qid: sorted(answer) for qid, answer in self.prefill.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TriageState:
        """Read a saved state back; InvalidAnswer if it is malformed or inconsistent."""
        answers = _answers_from_json(data.get("answers"))
        validate_answers(answers)
        current = data.get("current")
        if current != _next_question(answers):
            raise InvalidAnswer("saved state is not where its answers stand")
        episodes = data.get("episodes_90d", 0)
        if not isinstance(episodes, int) or isinstance(episodes, bool) or episodes < 0:
            raise InvalidAnswer("episodes_90d must be a non-negative integer")
        prefill = _answers_from_json(data.get("prefill", {}))
        return cls(answers, _next_question(answers), episodes, prefill)


@dataclass(frozen=True)
class Ask:
    """Ask `question` next."""

    question: Question
    state: TriageState


@dataclass(frozen=True)
class Finished:
    """The interview is over; `outcome` is what to tell the person."""

    outcome: Outcome
    state: TriageState


Step = Ask | Finished


def start(episodes_90d: int = 0) -> Ask:
    """A fresh interview, opening with the emergency screen (§0.2.1)."""
    return Ask(QUESTIONS[FIRST], TriageState({}, FIRST, episodes_90d))


def advance(state: TriageState, answer: frozenset[str], today: dt.date) -> Step:
    """Record the answer to the current question and move on."""
    if state.current is None:
        raise InvalidAnswer("the triage is already finished")
    validate(QUESTIONS[state.current], answer)
    answers = _record(state.answers, state.current, answer)
    current = _next_question(answers)
    prefill = state.prefill if current is not None else {}  # a finished state keeps answers only
    return _step(TriageState(answers, current, state.episodes_90d, prefill), today)


def settle(answers: Answers, episodes_90d: int = 0) -> TriageState:
    """The state that `answers` stand at: the question still due, or None when complete."""
    validate_answers(answers)
    return TriageState(answers, _next_question(answers), episodes_90d)


def current_step(state: TriageState, today: dt.date) -> Step:
    """Where a saved interview stands: the question to re-ask, or the outcome."""
    return _step(state, today)


def rerun(previous: Answers, only: tuple[str, ...], episodes_90d: int = 0) -> Ask:
    """Re-ask only the questions in `only`, keeping every other answer (F-E2, F-E3).

    Rev 2: the re-run is prefilled. Each question asked again shows its previous answer
    ticked, so the person refines what they said rather than starting from a blank screen.
    """
    unknown = [qid for qid in only if qid not in MAIN_ORDER]
    if unknown or not only:
        raise InvalidAnswer(f"cannot re-ask {unknown or 'nothing'}")
    validate_answers(previous)
    dropped = set(only) | {CLARIFIERS[qid][0] for qid in only if qid in CLARIFIERS}
    kept = {qid: answer for qid, answer in previous.items() if qid not in dropped}
    prefill = {qid: answer for qid, answer in previous.items() if qid in dropped}
    state = TriageState(kept, _next_question(kept), episodes_90d, prefill)
    if state.current is None:
        raise InvalidAnswer("the previous answers leave nothing to ask")
    return Ask(QUESTIONS[state.current], state)


def back(state: TriageState) -> tuple[Ask, frozenset[str]]:
    """One question back: the last answered question asked again, with the answer it had
    (to show ticked). Going back over Q6's weakness check re-asks Q6 itself, whose answer the
    check rewrote. InvalidAnswer at the first question."""
    asked = [qid for qid in _asked_order() if qid in state.answers]
    if not asked:
        raise InvalidAnswer("there is no earlier question")
    last = asked[-1]
    previous = state.answers[last]
    dropped = {last}
    if last == "Q6_WEAK_CHECK":
        dropped.add("Q6_NERVE")
        previous = state.answers["Q6_NERVE"] | {"N_WEAK"}
    kept = {qid: answer for qid, answer in state.answers.items() if qid not in dropped}
    fresh = TriageState(kept, _next_question(kept), state.episodes_90d)
    assert fresh.current is not None
    return Ask(QUESTIONS[fresh.current], fresh), previous


def _asked_order() -> list[str]:
    """Question ids in the order they are asked, clarifiers after their question."""
    order: list[str] = []
    for question_id in MAIN_ORDER:
        order.append(question_id)
        if question_id in CLARIFIERS:
            order.append(CLARIFIERS[question_id][0])
    return order


def _step(state: TriageState, today: dt.date) -> Step:
    if state.current is None:
        return Finished(assess(state.answers, today, state.episodes_90d), state)
    return Ask(QUESTIONS[state.current], state)


def _record(
    answers: Answers, question_id: str, answer: frozenset[str]
) -> dict[str, frozenset[str]]:
    recorded = {**answers, question_id: answer}
    if question_id == "Q6_WEAK_CHECK":
        # §2 clarifier map: the check rewrites Q6's N_WEAK (W_FEEL means felt heaviness only).
        (choice,) = answer
        recorded["Q6_NERVE"] = (answers["Q6_NERVE"] - {"N_WEAK"}) | {WEAK_CHECK_MAP[choice]}
    return recorded


def _next_question(answers: Answers) -> str | None:
    """The first question still due, or None when the interview is complete."""
    if not answers.get(FIRST, frozenset({"E_NONE"})) <= {"E_NONE"}:
        return None  # §3.1 step 2: any emergency sign stops the interview.
    for question_id in MAIN_ORDER:
        if question_id not in answers:
            return question_id
        clarifier = _due_clarifier(question_id, answers)
        if clarifier is not None:
            return clarifier
    return None


def _due_clarifier(question_id: str, answers: Answers) -> str | None:
    if question_id not in CLARIFIERS:
        return None
    clarifier, triggers = CLARIFIERS[question_id]
    due = bool(answers[question_id] & triggers) and clarifier not in answers
    return clarifier if due else None


def _answers_from_json(raw: object) -> dict[str, frozenset[str]]:
    if not isinstance(raw, Mapping):
        raise InvalidAnswer("saved answers must be an object")
    answers: dict[str, frozenset[str]] = {}
    for question_id, options in raw.items():
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise InvalidAnswer(f"saved answer to {question_id!r} must be a list of ids")
        answers[str(question_id)] = frozenset(options)
    return answers
