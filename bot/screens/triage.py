"""A questionnaire question in Telegram: its text with the progress line, its buttons with
ticks on the selected options, and the record an answered question leaves in the chat.

Callback data: `t:<session>:<question>:<option>` (an answer or a tick),
`t:<session>:<question>:DONE` (finish a multi-select), `t:<session>:<question>:BACK` (the
question before, its answer still ticked), `t:<session>:resume|restart`, `t:again` and
`t:sos` (the Emergency help button); the review's are in bot/screens/review.py.
`ANSWERS` tells an answer's data (three fields or more) from the others (`CHOICES`).
"""

from __future__ import annotations

import datetime as dt

from telegram import Bot, InlineKeyboardMarkup

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import Deps
from bot.replies import catalogue, keyboard, say
from bot.screens import review
from bot.usecases import triage as usecases
from bot.usecases.triage_taps import BACK, DONE, Tap, current_question
from storage.models import TriageSession, User
from triage.flow import Ask
from triage.questions import MAIN_ORDER, QUESTIONS, Kind, Question
from triage.review import REVIEW

AREA = "t"
SOS = "sos"
AGAIN = "again"
ANSWERS = r"^t:[^:]*:[^:]*:"
"""Callback data of an answer, a tick, Done, Back or the review's buttons."""
CHOICES = r"^t:[^:]*(:[^:]*)?$"
"""Callback data of the other buttons: Emergency help, go through them anyway, resume or
restart."""


def render(
    cat: Catalogue,
    user: User,
    triage: TriageSession,
    question: Question,
    selection: frozenset[str],
) -> tuple[str, InlineKeyboardMarkup]:
    """The question's text and keyboard, with ticks on the selected options."""
    lines = [cat.text("triage_ui.progress", n=_number(question.id), total=len(MAIN_ORDER))]
    asked = say(cat, f"question.{question.id}.text", user)
    lines.append(asked)
    if question.kind == Kind.MULTI and _first_list(triage):
        # Said once, on the first list of the questionnaire: after it, the Done button is known.
        said = cat.text("back.then_done") if "apply" in asked else cat.text("triage_ui.pick_all")
        lines.append(said)
    return "\n\n".join(lines), keyboard(_rows(cat, triage, question, selection))


def in_progress(cat: Catalogue, session_id: int) -> tuple[str, InlineKeyboardMarkup]:
    """/triage in the middle of a questionnaire: carry on, or start again?"""
    rows = [
        [(cat.text("triage_ui.continue"), data(session_id, "resume"))],
        [(cat.text("triage_ui.restart"), data(session_id, "restart"))],
    ]
    return cat.text("triage_ui.in_progress"), keyboard(rows)


def _first_list(triage: TriageSession) -> bool:
    """No multi-select question answered yet in this questionnaire."""
    answered = triage.answers.answers
    return not any(QUESTIONS[q].kind == Kind.MULTI for q in answered if q in QUESTIONS)


def _rows(
    cat: Catalogue, triage: TriageSession, question: Question, selection: frozenset[str]
) -> list[list[tuple[str, str]]]:
    # "None of these" in one place on every list: first (spec §2 UI notes pin it on Q6/Q7).
    options = sorted(question.options, key=lambda option: not option.exclusive)
    rows = []
    for option in options:
        label = cat.text(f"option.{option.id}")
        if option.id in selection:
            label = cat.text("triage_ui.ticked", label=label)
        rows.append(
            [
                (
                    label,
                    data(triage.id, question.id, option.id, *_tick(question, option.id, selection)),
                )
            ]
        )
    if question.kind == Kind.MULTI:
        rows.append([(cat.text("triage_ui.done"), data(triage.id, question.id, DONE))])
    sos = (cat.text("triage_ui.emergency_button"), callbacks.encode(AREA, SOS))
    if triage.answers.answers:
        rows.append([(cat.text("back.button"), data(triage.id, question.id, BACK)), sos])
    else:
        rows.append([sos])
    return rows


AnswerFields = tuple[int, str, str, bool | None]
"""A tapped answer: the session, the question, the option, and for a multi-select option
whether the tap ticks it (True) or unticks it (False)."""
TICK, UNTICK = "1", "0"


def _tick(question: Question, option_id: str, selection: frozenset[str]) -> tuple[str, ...]:
    """A multi-select option's button says what the tap does, so a retry does it once."""
    if question.kind != Kind.MULTI:
        return ()
    return (UNTICK if option_id in selection else TICK,)


def wanted_tick(field: str) -> bool:
    """The tick a button asks for; anything but our two values is not our button."""
    if field not in (TICK, UNTICK):
        raise callbacks.BadCallback("not a tick")
    return field == TICK


def data(*fields: object) -> str:
    return callbacks.encode(AREA, *fields)


def _number(question_id: str) -> int:
    main = question_id.split("_")[0]  # Q6_WEAK_CHECK belongs to Q6
    return next(i for i, qid in enumerate(MAIN_ORDER, 1) if qid.split("_")[0] == main)


def answered(cat: Catalogue, user: User, question_id: str, answer: frozenset[str]) -> str:
    """An answered question as a record of the answer, without buttons."""
    order = QUESTIONS[question_id].option_ids
    labels = "; ".join(cat.text(f"option.{option}") for option in order if option in answer)
    question = say(cat, f"question.{question_id}.text", user)
    return cat.text("triage_ui.answered", question=question, answers=labels)


async def send_question(
    bot: Bot, chat_id: int, user: User, triage: TriageSession, question: Question
) -> None:
    """Sends `question` as a new message.

    Nothing is written after it: a tap names its session and question in the button, which
    is all that checks it, so a step is the one transaction that saved the answer.
    """
    text, markup = render(catalogue(user), user, triage, question, frozenset(triage.selection))
    await bot.send_message(chat_id, text, reply_markup=markup)


async def send_current(
    bot: Bot, chat_id: int, user: User, triage: TriageSession, now: dt.datetime
) -> None:
    """Shows the session's current question (or its review) again as a new message."""
    if triage.step == REVIEW:
        await send_review(bot, chat_id, user, triage)
        return
    await send_question(bot, chat_id, user, triage, current_question(triage, user, now))


async def send_step(bot: Bot, chat_id: int, user: User, tap: Tap, now: dt.datetime) -> None:
    """The question a tap led to (Back, next, Change), or the session's current one (a
    question or the review)."""
    assert tap.session
    if isinstance(tap.step, Ask):
        await send_question(bot, chat_id, user, tap.session, tap.step.question)
        return
    await send_current(bot, chat_id, user, tap.session, now)


async def send_review(bot: Bot, chat_id: int, user: User, triage: TriageSession) -> None:
    """Sends the review of every answer, before the result."""
    text, markup = review.render(catalogue(user), triage)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def begin(bot: Bot, deps: Deps, chat_id: int, user: User) -> None:
    """A new episode, and its first question sent: after onboarding, a country or /triage."""
    started = await usecases.begin(deps.sessions, deps.clock.now(), user)
    await send_question(bot, chat_id, user, started.triage, started.question)


async def begin_rerun(
    bot: Bot, deps: Deps, user: User, episode_id: int, only: tuple[str, ...]
) -> None:
    """The running episode's questions `only` again, prefilled (F-E2, F-E3)."""
    started = await usecases.begin_rerun(deps.sessions, deps.clock.now(), user, episode_id, only)
    if started is not None:
        await send_question(bot, user.chat_id, user, started.triage, started.question)
