"""The review before a triage result: what it lists, what "Change" re-asks, and when it is
skipped. Pure: the caller stores the step and sends the words.

A finished interview stops at the review (the session's step is `REVIEW`) unless its level is
L4: emergency advice is never held back behind a review.
"""

from __future__ import annotations

from triage.facts import Answers
from triage.flow import CLARIFIERS, Ask, Finished, Step, TriageState, rerun
from triage.levels import Level
from triage.questions import MAIN_ORDER, QUESTIONS, InvalidAnswer

REVIEW = "REVIEW"
SEE_RESULT = "DONE"


def reviews(step: Step) -> bool:
    """Whether `step` stops at the review: a finished interview below L4."""
    return isinstance(step, Finished) and step.outcome.level is not Level.L4


def lines(answers: Answers) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """One line per main question answered, in asked order: its options in the question's
    order, then its clarifier's (Q6's weakness check, Q8's strong drinks)."""
    shown = []
    for question_id in MAIN_ORDER:
        if question_id not in answers:
            continue
        asked = [question_id]
        if question_id in CLARIFIERS and CLARIFIERS[question_id][0] in answers:
            asked.append(CLARIFIERS[question_id][0])
        options = tuple(o for qid in asked for o in QUESTIONS[qid].option_ids if o in answers[qid])
        shown.append((question_id, options))
    return tuple(shown)


def change(state: TriageState, question_id: str) -> tuple[Ask, frozenset[str]]:
    """ "Change N": that question asked again with its answer ticked; every other answer is
    kept (and a clarifier it makes due is asked, its old answer ticked). InvalidAnswer when
    the question was not answered."""
    if question_id not in MAIN_ORDER or question_id not in state.answers:
        raise InvalidAnswer(f"{question_id!r} is not on the review")
    ask = rerun(state.answers, (question_id,), episodes_90d=state.episodes_90d)
    return ask, ask.state.prefilled(ask.question.id)
