"""The triage questions of spec §2 as data: ids, kinds, options, and tick toggling.

Wording lives in the message catalogue (bot/catalogue/en/triage.toml); this module holds only
the ids, which are the spec's ids verbatim, so a log line or a failing test names the question.

Errors::

    TriageError               base of every error raised by the triage core
    └── InvalidAnswer         an answer, question id or saved state that the questions reject
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class TriageError(Exception):
    """Base of the triage core's errors."""


class InvalidAnswer(TriageError):
    """An answer does not fit its question, or a saved state cannot be read back."""


class Kind(StrEnum):
    """Single-select (one tap) or multi-select (ticks, then Done)."""

    SINGLE = "single"
    MULTI = "multi"


@dataclass(frozen=True)
class Option:
    """One tappable option; an exclusive one ("None of these") stands alone."""

    id: str
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    """One screen of the interview."""

    id: str
    kind: Kind
    options: tuple[Option, ...]

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)


def _question(question_id: str, kind: Kind, *option_ids: str) -> Question:
    # Every "None of these" option in the spec ends in _NONE and is exclusive (§2 Q1 note).
    options = tuple(Option(oid, exclusive=oid.endswith("_NONE")) for oid in option_ids)
    return Question(question_id, kind, options)


_ALL = (
    _question(
        "Q1_EMERGENCY",
        Kind.MULTI,
        "E_BREATH",
        "E_STROKE",
        "E_SPEECH",
        "E_VISION",
        "E_SPREAD",
        "E_SEIZURE",
        "E_MEDTOX",
        "E_HEART",
        "E_SWALLOW",
        "E_HEADACHE",
        "E_NONE",
    ),
    _question(
        "Q2_AREA",
        Kind.MULTI,
        "A_EYELID",
        "A_EYES_BOTH",
        "A_FACE",
        "A_TONGUE",
        "A_ARM",
        "A_LEG",
        "A_TRUNK",
        "A_ALLOVER",
    ),
    _question("Q3_DURATION", Kind.SINGLE, "D_LT3D", "D_3_13D", "D_2_6W", "D_GT6W", "D_RECUR"),
    _question("Q4_BOTHER", Kind.SINGLE, "B_LOW", "B_MED", "B_HIGH", "B_DOCTOR"),
    _question(
        "Q5_CHANGE", Kind.SINGLE, "T_SAME", "T_BETTER", "T_MOVES", "T_SPREADING", "T_FACESPREAD"
    ),
    _question(
        "Q6_NERVE",
        Kind.MULTI,
        "N_WEAK",
        "N_HEAVY",
        "N_WASTING",
        "N_BULBAR",
        "N_TINGLE_LOCAL",
        "N_NUMB_WIDE",
        "N_BALANCE",
        "N_STIFF",
        "N_NONE",
    ),
    _question("Q6_WEAK_CHECK", Kind.SINGLE, "W_TRUE", "W_FEEL", "W_UNSURE"),
    _question(
        "Q7_EYE_BODY",
        Kind.MULTI,
        "V_DOUBLE",
        "V_DROOP",
        "V_CLOSES",
        "V_RED",
        "S_FEVER",
        "S_LUPUS",
        "S_THYROID",
        "S_DEHYD",
        "S_NONE",
    ),
    _question("Q8_CAFFEINE", Kind.SINGLE, "C0", "C1_2", "C3_4", "C5P"),
    _question("Q8_STRONG", Kind.SINGLE, "C_STRONG_Y", "C_STRONG_N"),
    _question(
        "Q9_TRIGGERS",
        Kind.MULTI,
        "TR_SLEEP",
        "TR_EXERCISE",
        "TR_SWEAT",
        "TR_STRESS",
        "TR_ALCOHOL",
        "TR_DIET",
        "TR_SCREENS",
        "TR_NONE",
    ),
    _question(
        "Q10_CONTEXT",
        Kind.MULTI,
        "M_NEWMED",
        "M_PPI",
        "M_DIURETIC",
        "M_ASTHMA",
        "M_STIM",
        "M_ANTIDEP",
        "M_STEROID",
        "X_NECKSURG",
        "X_ALCWD",
        "X_PREGNANT",
        "X_KNOWN_DX",
        "X_FLUIDLIM",
        "X_NONE",
    ),
)

QUESTIONS: Mapping[str, Question] = MappingProxyType({q.id: q for q in _ALL})
"""Every question by id: Q1_EMERGENCY..Q10_CONTEXT plus the clarifiers Q6_WEAK_CHECK, Q8_STRONG."""

MAIN_ORDER: tuple[str, ...] = (
    "Q1_EMERGENCY",
    "Q2_AREA",
    "Q3_DURATION",
    "Q4_BOTHER",
    "Q5_CHANGE",
    "Q6_NERVE",
    "Q7_EYE_BODY",
    "Q8_CAFFEINE",
    "Q9_TRIGGERS",
    "Q10_CONTEXT",
)
"""The ten main questions in the order they are asked (§2)."""

WEAK_CHECK_MAP: Mapping[str, str] = MappingProxyType(
    {"W_TRUE": "N_WEAK", "W_UNSURE": "N_WEAK", "W_FEEL": "N_HEAVY"}
)
"""Q6_WEAK_CHECK answer -> what Q6's N_WEAK becomes. Felt heaviness is common with harmless
twitching and is not true weakness [S31]; "not sure" counts as weak (conservative, §2)."""


def toggle(question: Question, selected: frozenset[str], option_id: str) -> frozenset[str]:
    """Tick or untick `option_id` on a multi-select screen.

    Ticking an exclusive option ("None of these") clears the others; ticking any other option
    clears the exclusive one, so the ticks on screen are always a valid answer or empty.
    """
    option = _option(question, option_id)
    if option_id in selected:
        return selected - {option_id}
    if option.exclusive:
        return frozenset({option_id})
    exclusive = {o.id for o in question.options if o.exclusive}
    return (selected - exclusive) | {option_id}


def set_tick(
    question: Question, selected: frozenset[str], option_id: str, wanted: bool | None
) -> frozenset[str]:
    """Ticks (`wanted` True) or unticks (False) `option_id`, changing nothing when it already
    stands so: the same tap arriving twice leaves the same ticks. None toggles."""
    _option(question, option_id)
    if wanted is None or wanted != (option_id in selected):
        return toggle(question, selected, option_id)
    return selected


def validate(question: Question, answer: frozenset[str]) -> None:
    """Raise InvalidAnswer unless `answer` is a complete answer to `question`."""
    for option_id in answer:
        _option(question, option_id)
    if question.kind is Kind.SINGLE and len(answer) != 1:
        raise InvalidAnswer(f"{question.id} takes exactly one option, got {len(answer)}")
    if not answer:
        raise InvalidAnswer(f"{question.id} needs at least one option")
    exclusive = {o.id for o in question.options if o.exclusive}
    if answer & exclusive and len(answer) > 1:
        raise InvalidAnswer(f"{question.id}: 'None of these' cannot be combined with others")


def validate_answers(answers: Mapping[str, frozenset[str]]) -> None:
    """Raise InvalidAnswer unless every entry is a known question with a complete answer."""
    for question_id, answer in answers.items():
        question = QUESTIONS.get(question_id)
        if question is None:
            raise InvalidAnswer(f"unknown question {question_id!r}")
        validate(question, answer)


def _option(question: Question, option_id: str) -> Option:
    for option in question.options:
        if option.id == option_id:
            return option
    raise InvalidAnswer(f"{option_id!r} is not an option of {question.id}")
