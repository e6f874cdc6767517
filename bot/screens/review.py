"""The review before a triage result: one line per answer, "See my result", and a compact
row of "Change N" buttons.

Callback data: `t:<session>:REVIEW:DONE` (the result) and `t:<session>:REVIEW:<question>`
(ask that question again, its answer ticked).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.catalogue import Catalogue
from bot.replies import keyboard
from storage.models import TriageSession
from triage.questions import MAIN_ORDER, QUESTIONS
from triage.review import REVIEW, SEE_RESULT, lines

AREA = "t"
PER_ROW = 5  # "Change N" buttons in a row: two rows hold all ten questions


def render(cat: Catalogue, triage: TriageSession) -> tuple[str, InlineKeyboardMarkup]:
    """The review's text and keyboard for the session's answers."""
    shown = lines(triage.answers.answers)
    text = [cat.text("review.title")]
    changes = []
    for question_id, options in shown:
        n = MAIN_ORDER.index(question_id) + 1
        answers = "; ".join(_label(cat, question_id, option) for option in options)
        label = cat.text(f"review.label.{question_id}")
        text.append(cat.text("review.line", n=n, question=label, answers=answers))
        changes.append((cat.text("review.change", n=n), _data(triage.id, question_id)))
    rows = [[(cat.text("review.see_result"), _data(triage.id, SEE_RESULT))]]
    rows += [changes[i : i + PER_ROW] for i in range(0, len(changes), PER_ROW)]
    return "\n".join(text), keyboard(rows)


def _label(cat: Catalogue, question_id: str, option_id: str) -> str:
    """An option as the review shows it: "None" for a question's "None of these", and a
    clarifier's answer by what it answered, as its bare "Yes" would say nothing."""
    exclusive = {o.id for o in QUESTIONS[question_id].options if o.exclusive}
    if option_id in exclusive:
        return cat.text("review.none")
    if cat.has(f"review.option.{option_id}"):
        return cat.text(f"review.option.{option_id}")
    return cat.text(f"option.{option_id}")


def _data(session_id: int, option: str) -> str:
    return callbacks.encode(AREA, session_id, REVIEW, option)
