"""The questionnaire in Telegram: one question per message, ticks edited in place, the
result with its advice. Every answer is saved before the next question is sent, so a restart
between two answers resumes at the same question.

Callback data: `t:<session>:<question>:<option>` (an answer or a tick),
`t:<session>:<question>:DONE` (finish a multi-select), `t:<session>:<question>:BACK` (the
question before, its answer still ticked; typing "back" does the same),
`t:<session>:resume|restart`, and
`t:sos` (the Emergency help button).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import callbacks, result_details, worry
from bot.catalogue import Catalogue
from bot.countries import needs_country
from bot.deps import deps
from bot.handlers import country, preferences
from bot.handlers.common import is_onboarded
from bot.plans import describe_plan, pause_nudges, schedule_after_triage
from bot.replies import answer_only, catalogue, emergency_prompt, keyboard, say
from storage.episodes import EpisodeRepository
from storage.models import Episode, TriageSession, User
from storage.pseudonyms import person
from storage.users import UserRepository
from triage.flow import (
    Ask,
    Finished,
    Step,
    TriageState,
    advance,
    back,
    current_step,
    rerun,
    start,
)
from triage.followup import FollowUpState, on_retriage
from triage.levels import Level, highest
from triage.nudges import needs_preferences
from triage.questions import MAIN_ORDER, QUESTIONS, InvalidAnswer, Kind, Question, toggle
from triage.schedule import PlannedNudge

log = logging.getLogger(__name__)
AREA = "t"
DONE = "DONE"
SOS = "sos"
AGAIN = "again"
BACK = "BACK"
BACK_WORDS = frozenset({"back", "go back", "undo"})
EPISODE_WINDOW = dt.timedelta(days=90)


@dataclass(frozen=True)
class Tap:
    """What a tap did, decided inside the transaction and acted on after the commit."""

    kind: str  # "tick", "next", "finished", "stale", "empty", "foreign", "closed"
    session: TriageSession | None = None
    step: Step | None = None
    answered: tuple[str, frozenset[str]] | None = None
    next_steps: str | None = None


def local_today(user: User, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).date()


async def on_triage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/triage: a new episode, or a choice to carry on the one in progress."""
    d, message = deps(context), update.effective_message
    assert message and update.effective_user
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
        active = await EpisodeRepository(session).active_session(user.id) if user else None
        if user is not None:
            user.awaiting = None  # a command moves on: nothing typed is awaited by /settings
    cat = catalogue(user, update.effective_user.language_code)
    if user is None or not is_onboarded(user):
        await message.reply_text(cat.text("triage_ui.not_onboarded"))
    elif user.consent_health_at is None:
        await message.reply_text(cat.text("triage_ui.no_consent"))
    elif needs_country(user.country):
        # §0.4 rev 2: "European Union" is no longer a country; asked once, then the triage.
        await country.ask(context, user, then_triage=True, legacy=True)
    elif active is None and (repeat := await _repeat_check(context, cat, user)) is not None:
        # §5.6 rev 2: same advice, what would change it, one tip; the full triage stays open.
        again = [[(cat.text("repeat_check.again"), callbacks.encode(AREA, AGAIN))]]
        await message.reply_text(repeat, reply_markup=keyboard(again))
    elif active is not None:
        rows = [
            [(cat.text("triage_ui.continue"), callbacks.encode(AREA, active.id, "resume"))],
            [(cat.text("triage_ui.restart"), callbacks.encode(AREA, active.id, "restart"))],
        ]
        await message.reply_text(cat.text("triage_ui.in_progress"), reply_markup=keyboard(rows))
    else:
        await begin(update, context, user)


async def _repeat_check(
    context: ContextTypes.DEFAULT_TYPE, cat: Catalogue, user: User
) -> str | None:
    d = deps(context)
    async with d.sessions() as session:
        return await worry.repeat_check_text(session, cat, user, d.clock.now())


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Opens a new episode and asks the first question."""
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        episodes = EpisodeRepository(session)
        previous = await episodes.opened_since(user.id, now - EPISODE_WINDOW)
        ask = start(episodes_90d=previous + 1)
        await episodes.close_open(user.id, now)  # the old episode is kept, closed, in history
        episode = await episodes.open(user.id, now)
        triage = await episodes.start_session(
            user.id, episode.id, ask.question.id, ask.state.to_json(), now
        )
    log.info(
        "user %s started triage session %s (episode %s)", person(user.id), triage.id, episode.id
    )
    await send_question(update, context, user, triage, ask.question)


async def send_question(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    user: User,
    triage: TriageSession,
    question: Question,
) -> None:
    """Sends `question` as a new message.

    Nothing is written after it: a tap names its session and question in the button, which
    is all that checks it, so a step is the one transaction that saved the answer.
    """
    cat = catalogue(user)
    text, markup = render(cat, user, triage, question, frozenset(triage.selection))
    assert update.effective_chat
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


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
    if question.kind == Kind.MULTI:
        # Said once: a question that already says "Tap all that apply" gets only the Done hint.
        said = cat.text("back.then_done") if "apply" in asked else cat.text("triage_ui.pick_all")
        lines.append(said)
    return "\n\n".join(lines), keyboard(_rows(cat, triage, question, selection))


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
        rows.append([(label, callbacks.encode(AREA, triage.id, question.id, option.id))])
    if question.kind == Kind.MULTI:
        done = callbacks.encode(AREA, triage.id, question.id, DONE)
        rows.append([(cat.text("triage_ui.done"), done)])
    sos = (cat.text("triage_ui.emergency_button"), callbacks.encode(AREA, SOS))
    if TriageState.from_json(triage.answers).answers:
        rows.append([(cat.text("back.button"), _data(triage.id, question.id, BACK)), sos])
    else:
        rows.append([sos])
    return rows


def _data(session_id: int, question_id: str, option_id: str) -> str:
    return callbacks.encode(AREA, session_id, question_id, option_id)


def _number(question_id: str) -> int:
    main = question_id.split("_")[0]  # Q6_WEAK_CHECK belongs to Q6
    return next(i for i, qid in enumerate(MAIN_ORDER, 1) if qid.split("_")[0] == main)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a questionnaire button: the Emergency help button, resume/restart, or an answer."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    if parsed.fields == (SOS,):
        await on_sos(update, context)
        return
    if parsed.fields == (AGAIN,):
        await on_again(update, context)
        return
    session_id = parsed.int_field(0)
    if len(parsed.fields) == 2:
        await on_resume_or_restart(update, context, session_id, parsed.field(1))
        return
    await on_answer(update, context, session_id, parsed.field(1), parsed.field(2))


async def on_sos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Emergency help button: the L4 text at once, asked as a question (spec §2.1, §4.4)."""
    query, user = update.callback_query, await _user(update, context)
    assert query and update.effective_chat
    await query.answer()
    text, markup = emergency_prompt(catalogue(user), user.country if user else None)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def on_again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Go through the questions anyway" after the repeated-checking answer (§5.6)."""
    query, user = update.callback_query, await _user(update, context)
    assert query
    await query.answer()
    if user is None or user.consent_health_at is None:
        return
    await _edit(query.message, getattr(query.message, "text", None) or "", None)
    await begin(update, context, user)


async def on_answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    session_id: int,
    question_id: str,
    option_id: str,
) -> None:
    """An answer or a tick: validated against the stored session, saved, then acted on."""
    d, query = deps(context), update.callback_query
    assert query and update.effective_user
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
        triage = await EpisodeRepository(session).session_by_id(session_id)
        tap = _decide(user, triage, question_id, option_id, d.clock.now())
        cat = catalogue(user, update.effective_user.language_code)
        if tap.kind == "finished":
            assert user and tap.session and isinstance(tap.step, Finished)
            plan = await _record_outcome(session, user, tap.session, tap.step, d.clock.now())
            ticked = frozenset().union(*tap.step.state.answers.values())
            tap = replace(tap, step=await _as_stored(session, tap.session, tap.step))
            tap = replace(tap, next_steps=describe_plan(cat, *plan, ticked))
    if tap.kind == "finished":
        d.wake()  # the plan's reminders were written; a tick or a next question writes none
    await ACTIONS[tap.kind](update, context, user, cat, tap)


def _decide(
    user: User | None,
    triage: TriageSession | None,
    question_id: str,
    option_id: str,
    now: dt.datetime,
) -> Tap:
    if user is None or triage is None or triage.user_id != user.id:
        return Tap("foreign")
    if triage.status != "active":
        return Tap("closed", triage)
    if triage.step != question_id:
        return Tap("stale", triage)
    state = TriageState.from_json(triage.answers)
    assert state.current is not None
    question = _question_of(state, user, now)
    try:
        return _apply(user, triage, state, question, option_id, now)
    except InvalidAnswer:
        return Tap("stale", triage)


def _question_of(state: TriageState, user: User, now: dt.datetime) -> Question:
    step = current_step(state, local_today(user, now))
    assert isinstance(step, Ask)
    return step.question


def _apply(
    user: User,
    triage: TriageSession,
    state: TriageState,
    question: Question,
    option_id: str,
    now: dt.datetime,
) -> Tap:
    if option_id == BACK:
        return _back(triage, state, now)
    selection = frozenset(triage.selection)
    if question.kind == Kind.MULTI and option_id != DONE:
        triage.selection = sorted(toggle(question, selection, option_id))
        triage.version += 1
        triage.updated_at = now
        return Tap("tick", triage)
    if question.kind == Kind.MULTI and not selection:
        return Tap("empty", triage)
    answer = selection if question.kind == Kind.MULTI else frozenset({option_id})
    step = advance(state, answer, local_today(user, now))
    triage.answers = step.state.to_json()
    triage.selection = []
    triage.version += 1
    triage.updated_at = now
    if isinstance(step, Finished):
        triage.status = "finished"
        return Tap("finished", triage, step, (question.id, answer))
    triage.step = step.question.id
    triage.message_id = None
    # A re-run (F-E2, F-E3 rev 2) shows the previous answer ticked, to confirm or change.
    triage.selection = sorted(step.state.prefilled(step.question.id))
    return Tap("next", triage, step, (question.id, answer))


def _back(triage: TriageSession, state: TriageState, now: dt.datetime) -> Tap:
    """The previous question again, its earlier answer ticked; nothing is lost."""
    try:
        ask, previous = back(state)
    except InvalidAnswer:
        return Tap("stale", triage)
    triage.answers = ask.state.to_json()
    triage.step = ask.question.id
    triage.selection = sorted(previous)
    triage.message_id = None
    triage.version += 1
    triage.updated_at = now
    return Tap("back", triage, ask)


async def _as_stored(session: AsyncSession, triage: TriageSession, step: Finished) -> Finished:
    """The result at the episode's level, which never drops (F-N1): an emergency reported
    during the questions, or a sign raised at a check-in, outranks what the answers score."""
    episode = await session.get(Episode, triage.episode_id)
    stored = Level(episode.level) if episode and episode.level else step.outcome.level
    if stored <= step.outcome.level:
        return step
    return replace(step, outcome=replace(step.outcome, level=stored))


async def _record_outcome(
    session: AsyncSession,
    user: User,
    triage: TriageSession,
    finished: Finished,
    now: dt.datetime,
) -> tuple[tuple[PlannedNudge, ...], dt.datetime | None]:
    """Stores the outcome on the episode, then its plan; a re-triage (F-E2/F-E3) folds into
    the running follow-up instead, and the level never drops (F-N1)."""
    outcome = finished.outcome
    episode = await session.get(Episode, triage.episode_id)
    assert episode is not None
    rerun = bool(episode.followup)
    previous = [Level(episode.level)] if episode.level else []
    episode.level = highest([outcome.level, *previous]).value
    episode.reasons = list(dict.fromkeys([*episode.reasons, *outcome.rule_ids]))
    episode.answers = finished.state.to_json()
    # The onset stands from the first triage; a re-check's "when did it start" only moves it
    # when the person now says it started earlier.
    known = [when for when in (episode.onset_date, outcome.onset_date) if when is not None]
    episode.onset_date = min(known, default=None)
    episode.status = "open"
    if not rerun:
        return await schedule_after_triage(
            session, user, episode, outcome, finished.state.answers, now
        )
    local = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).replace(tzinfo=None)
    state = on_retriage(FollowUpState.from_json(episode.followup), outcome, local)
    episode.followup = state.to_json()
    if state.level >= Level.L3:
        await pause_nudges(session, user.id)
    return (), None


async def _on_tick(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session
    state = TriageState.from_json(tap.session.answers)
    question = _question_of(state, user, deps(context).clock.now())
    text, markup = render(cat, user, tap.session, question, frozenset(tap.session.selection))
    # The callback answer is no message: it goes alongside the edit, not before it.
    await asyncio.gather(query.answer(), _edit(query.message, text, markup))


async def _on_next(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session and isinstance(tap.step, Ask)
    await asyncio.gather(query.answer(), _show_answered(query.message, cat, user, tap))
    await send_question(update, context, user, tap.session, tap.step.question)


async def _on_finished(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session and isinstance(tap.step, Finished)
    await query.answer()
    await _show_answered(query.message, cat, user, tap)
    # The level and the rules that set it are health data: they stay in the database.
    log.info("triage session %s finished", tap.session.id)
    assert update.effective_chat
    now, answers = deps(context).clock.now(), tap.step.state.answers
    worried = tap.session.worry_typed
    await result_details.send_result(
        context.bot,
        update.effective_chat.id,
        cat,
        user,
        tap.session.id,
        tap.step.outcome,
        worried,
        answers=answers,
        now=now,
    )
    needs = needs_preferences(tap.step.outcome, tap.step.state.answers)
    if tap.next_steps and needs:
        # The plan used default times for bedtime or workouts: ask once (spec §3.4).
        fresh = await _user(update, context)
        assert fresh
        await preferences.ask_missing(update, context, fresh, needs)


async def _on_stale(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session
    await query.answer(cat.text("triage_ui.moved_on"))
    await resend_current(update, context, user, tap.session)


async def _on_back(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session and isinstance(tap.step, Ask)
    await query.answer()
    text = getattr(query.message, "text", None) or ""
    await _edit(query.message, f"{text}\n{cat.text('back.went_back')}", None)
    await send_question(update, context, user, tap.session, tap.step.question)


ACTIONS = {
    "back": _on_back,
    "tick": _on_tick,
    "next": _on_next,
    "finished": _on_finished,
    "stale": _on_stale,
    "empty": answer_only("triage_ui.nothing_ticked", show_alert=True),
    "foreign": answer_only("error.stale_button_alert"),
    "closed": answer_only("triage_ui.finished_session", show_alert=True),
}


async def _show_answered(message: object, cat: Catalogue, user: User, tap: Tap) -> None:
    """Turns the answered question's message into a record of the answer, without buttons."""
    assert tap.answered
    question_id, answer = tap.answered
    order = QUESTIONS[question_id].option_ids
    labels = ", ".join(cat.text(f"option.{option}") for option in order if option in answer)
    text = cat.text(
        "triage_ui.answered",
        question=say(cat, f"question.{question_id}.text", user),
        answers=labels,
    )
    await _edit(message, text, None)


async def _edit(message: object, text: str, markup: InlineKeyboardMarkup | None) -> None:
    edit = getattr(message, "edit_text", None)
    if edit is None:
        return
    try:
        await edit(text, reply_markup=markup)
    except BadRequest as exc:
        # Two devices tapping the same keyboard can ask for an identical edit; Telegram
        # refuses those with "message is not modified", which is harmless.
        if "not modified" not in str(exc):
            raise


async def resend_current(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, triage: TriageSession
) -> None:
    """Shows the session's current question again as a new message."""
    state = TriageState.from_json(triage.answers)
    question = _question_of(state, user, deps(context).clock.now())
    await send_question(update, context, user, triage, question)


async def on_resume_or_restart(
    update: Update, context: ContextTypes.DEFAULT_TYPE, session_id: int, choice: str
) -> None:
    """The answer to "carry on or start again?" after /triage in the middle of one."""
    d, query = deps(context), update.callback_query
    assert query and update.effective_user
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
        triage = await EpisodeRepository(session).session_by_id(session_id)
        usable = user and triage and triage.user_id == user.id and triage.status == "active"
        if usable and choice == "restart":
            assert triage
            triage.status = "abandoned"
    cat = catalogue(user, update.effective_user.language_code)
    if not usable or choice not in ("resume", "restart"):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    assert user and triage
    await query.answer()
    await _edit(query.message, cat.text("triage_ui.in_progress"), None)
    if choice == "resume":
        await resend_current(update, context, user, triage)
        return
    await context.bot.send_message(user.chat_id, cat.text("triage_ui.restarted"))
    await begin(update, context, user)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> bool:
    """Text while a question waits for a tap: ask for the buttons. False when none waits."""
    async with deps(context).sessions.begin() as session:
        triage = await EpisodeRepository(session).active_session(user.id)
    if triage is None:
        return False
    message = update.effective_message
    assert message and message.text is not None
    if message.text.strip().lower() in BACK_WORDS:
        await _typed_back(update, context, user, triage.id)
        return True
    cat = catalogue(user)
    await message.reply_text(say(cat, "error.text_instead_of_button", user))
    await resend_current(update, context, user, triage)
    return True


async def _typed_back(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, session_id: int
) -> None:
    """Typing "back" does what the Back button does."""
    d = deps(context)
    async with d.sessions.begin() as session:
        triage = await EpisodeRepository(session).session_by_id(session_id)
        assert triage is not None
        state = TriageState.from_json(triage.answers)
        tap = _back(triage, state, d.clock.now())
    if isinstance(tap.step, Ask) and tap.session is not None:
        await send_question(update, context, user, tap.session, tap.step.question)
    else:
        await resend_current(update, context, user, triage)


async def _user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    assert update.effective_user
    async with deps(context).sessions.begin() as session:
        return await UserRepository(session).get(update.effective_user.id)


async def on_text_resume(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """After the answer to a typed disease question (§5.5): the questionnaire in progress, if
    any, notes it (its result answers it in a line) and shows the current question again."""
    async with deps(context).sessions.begin() as session:
        triage = await EpisodeRepository(session).active_session(user.id)
        if triage is not None:
            triage.worry_typed = True
    if triage is not None:
        await resend_current(update, context, user, triage)


async def begin_rerun(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    user: User,
    episode_id: int,
    only: tuple[str, ...],
) -> None:
    """Re-asks `only` for a running episode, every answer prefilled (F-E2, F-E3)."""
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        episodes = EpisodeRepository(session)
        episode = await episodes.get(episode_id)
        assert episode is not None and episode.user_id == user.id
        previous = TriageState.from_json(episode.answers)
        try:
            ask = rerun(previous.answers, only, episodes_90d=previous.episodes_90d)
        except InvalidAnswer:
            return  # an emergency triage stopped at Q1: there is nothing to refine
        triage = await episodes.start_session(
            user.id, episode.id, ask.question.id, ask.state.to_json(), now
        )
        triage.selection = sorted(ask.state.prefilled(ask.question.id))
    log.info("user %s re-triage session %s (episode %s)", person(user.id), triage.id, episode_id)
    await send_question(update, context, user, triage, ask.question)
