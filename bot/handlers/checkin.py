"""The follow-up check-in in Telegram (spec §4.2, §4.3): its first screen, sent by the
notifier, and the taps that answer it, one screen at a time.

| screen     | buttons                                      | next                          |
|------------|----------------------------------------------|-------------------------------|
| safety     | the Q1 emergency list, one a row, and "No"   | positive: F-E1 at once, end   |
| status     | Gone · Better · Same · Worse · Spread        | new_signs (or the end)        |
| new_signs  | red-flag signs with ticks, Nothing new, Done | advice if raised, then doctor |
| doctor     | Booked · Seen · Not yet · Don't want to      | Seen: suggestion; else habits |
| suggestion | Keep an eye on it · Tests · Something else   | habits                        |
| habits     | three rows of choices, ticks, Skip           | the end                       |
| rerun      | Go through them again · Not now              | the prefilled re-run, or none |

The screens asked come from `questions_for(state)`. Every answer is saved on the `CheckIn`
row before the next screen is sent, so a restart between two taps carries on. A new red flag
(or "Spread") is assessed as soon as the new-signs screen is answered (F-E2, F-E3 rev 2): a
raised level is stored at once and its advice is shown before any other screen (§4.4). At
the end the follow-up rules decide (`on_answers`) and the episode, its reminders and the row
are updated in one transaction; the person is then told what changes. The screens' words and
buttons are bot/checkin_screens.py; the order and the decisions are triage/checkin_flow.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import callbacks
from bot.catalogue import Catalogue
from bot.checkin_screens import (
    DONE,
    NONE,
    RERUN,
    SKIP,
    data,
    render,
    safety_markup,
)
from bot.deps import deps
from bot.escalation import advice, escalate_now
from bot.handlers import triage as triage_handlers
from bot.replies import answer_only, catalogue, keyboard, say
from bot.results import closing_key
from scheduler.clock import Clock
from scheduler.ports import Outgoing
from storage.episodes import EpisodeRepository
from storage.models import CheckIn, Delivery, Episode, User
from storage.reminders import ReminderRepository
from storage.users import UserRepository
from triage.checkin_flow import (
    CHOICES,
    EMERGENCY_SIGNS,
    RERUNS,
    answers_from,
    assess_after,
    next_screen,
    rerun_questions,
)
from triage.escalation import Escalation
from triage.followup import (
    HABITS,
    RED_FLAG_SIGNS,
    Action,
    Decision,
    FollowUpState,
    on_answers,
    on_unanswered,
)
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)
OPEN, ANSWERED, EXPIRED = "open", "answered", "expired"


@dataclass(frozen=True)
class PreparedCheckin:
    """A check-in's first screen, and the next one's local time should this go unanswered."""

    text: str
    markup: InlineKeyboardMarkup | None
    next_local: dt.datetime | None


def local_now(user: User | None, now: dt.datetime) -> dt.datetime:
    """The person's naive local wall time: what the follow-up rules count in."""
    zone = zoneinfo.ZoneInfo(user.tz if user and user.tz else "UTC")
    return now.astimezone(zone).replace(tzinfo=None)


# ---- The first screen, asked for by the notifier ------------------------------------------


async def prepare_checkin(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, outgoing: Outgoing
) -> PreparedCheckin | None:
    """Opens the due check-in, or ends check-ins after a second silence (F-T4); None: none due."""
    now = clock.now()
    async with sessions.begin() as session:
        user = await UserRepository(session).get(outgoing.user_id)
        episode = await _episode(session, outgoing.episode_id)
        state = _followup(episode)
        if user is None or episode is None or state is None:
            return None
        now_local = local_now(user, now)
        previous = await _open_checkins(session, episode.id)
        repeat = next((c for c in previous if c.delivery_id == outgoing.delivery_id), None)
        if repeat is None and previous:
            state = await _expire(session, previous, episode, state, now_local)
            if state.closed:
                await ReminderRepository(session).deactivate(user.id, episode_id=episode.id)
                log.info("check-ins of episode %s ended after silence (F-T4)", episode.id)
                return PreparedCheckin(_closing(user), None, None)
        row = repeat or await _open(session, episode.id, outgoing.delivery_id, now)
        return PreparedCheckin(
            _opening(user, outgoing.late),
            safety_markup(catalogue(user), row.id),
            _if_unanswered(state, now_local),
        )


async def _episode(session: AsyncSession, episode_id: int | None) -> Episode | None:
    if episode_id is None:
        return None
    episode = await session.get(Episode, episode_id, with_for_update=True)
    return episode if episode is not None and episode.closed_at is None else None


def _followup(episode: Episode | None) -> FollowUpState | None:
    if episode is None or not episode.followup:
        return None
    state = FollowUpState.from_json(episode.followup)
    return None if state.closed else state


async def _open_checkins(session: AsyncSession, episode_id: int) -> list[CheckIn]:
    query = select(CheckIn).where(CheckIn.episode_id == episode_id, CheckIn.status == OPEN)
    return list((await session.scalars(query.order_by(CheckIn.id).with_for_update())).all())


async def _expire(
    session: AsyncSession,
    previous: Sequence[CheckIn],
    episode: Episode,
    state: FollowUpState,
    now_local: dt.datetime,
) -> FollowUpState:
    """The last check-in went unanswered: count it (F-T4) and close its row."""
    for row in previous:
        row.status = EXPIRED
    if any(row.answers.get("escalated") for row in previous):
        return state  # a new red flag was reported and acted on: not silence
    decision = on_unanswered(state, now_local)
    episode.followup = decision.state.to_json()
    return decision.state


async def _open(
    session: AsyncSession, episode_id: int, delivery_id: int, now: dt.datetime
) -> CheckIn:
    row = CheckIn(
        episode_id=episode_id,
        delivery_id=delivery_id,
        step="safety",
        answers={},
        selection=[],
        status=OPEN,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def _if_unanswered(state: FollowUpState, now_local: dt.datetime) -> dt.datetime | None:
    # The check-in after a silence is the one that says goodbye (F-T4), so it always comes;
    # the counter is reset here only to ask on_unanswered *when*, not whether.
    return on_unanswered(replace(state, unanswered=0), now_local).state.next_checkin


def _opening(user: User, late: bool) -> str:
    cat = catalogue(user)
    prefix = cat.text("checkin.late") if late else ""
    return f"{prefix}{cat.text('checkin.opening')}\n\n{cat.text('checkin.safety.question')}"


def _closing(user: User) -> str:
    cat = catalogue(user)
    return f"{say(cat, 'checkin.closing', user)}\n\n{say(cat, 'footer', user)}"


# ---- Taps ------------------------------------------------------------------------------


@dataclass
class Tap:
    """What a tap did, decided inside the transaction and acted on after the commit."""

    kind: str  # "tick", "next", "finished", "stale", "closed", "foreign", "empty"
    row: CheckIn | None = None
    answered: tuple[str, str] | None = None  # (question key, answer label key or text)
    decision: Decision | None = None
    episode_id: int = 0
    extra: list[str] = field(default_factory=list)
    escalation: Escalation | None = None


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a check-in screen: saved, decided, then answered."""
    d, query = deps(context), update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    checkin_id, screen = parsed.int_field(0), parsed.field(1)
    options = parsed.fields[2:]
    if screen == RERUN:
        await on_rerun(update, context, checkin_id, options[0] if options else "")
        return
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
        row = await session.get(CheckIn, checkin_id, with_for_update=True)
        episode = await session.get(Episode, row.episode_id) if row else None
        tap = _decide(user, row, episode, screen, options)
        if tap.kind in ("next", "finished") and assess_after(
            screen, tap.row.step if tap.row else None
        ):
            assert user and row and episode
            tap = await _assess_at_once(session, user, row, episode, screen, tap, d.clock.now())
        if tap.kind == "finished":
            assert user and row and episode
            await _finish(session, user, row, episode, tap, d.clock.now())
    if tap.kind == "finished" or tap.escalation is not None:
        d.wake()  # the check-in reminder was moved: the dispatcher places it afresh
    cat = catalogue(user, update.effective_user.language_code)
    await REPLIES[tap.kind](update, context, user, cat, tap)


async def _assess_at_once(
    session: AsyncSession,
    user: User,
    row: CheckIn,
    episode: Episode,
    screen: str,
    tap: Tap,
    now: dt.datetime,
) -> Tap:
    """F-E2/F-E3: a raised level is stored now and changes which screens follow (§4.4)."""
    escalation = await escalate_now(session, user, row, episode, now)
    if escalation is None or not escalation.rose:
        return tap
    following = next_screen(escalation.state, row.answers, screen)
    if following is None:
        return _raised(tap, "finished", escalation)
    row.step = following
    return _raised(tap, "next", escalation)


def _raised(tap: Tap, kind: str, escalation: Escalation) -> Tap:
    tap.kind, tap.escalation = kind, escalation
    return tap


def _decide(
    user: User | None,
    row: CheckIn | None,
    episode: Episode | None,
    screen: str,
    options: tuple[str, ...],
) -> Tap:
    if user is None or row is None or episode is None or episode.user_id != user.id:
        return Tap("foreign")
    if row.status != OPEN or not episode.followup:
        return Tap("closed", row)
    if row.step != screen or not options:
        return Tap("stale", row)
    state = FollowUpState.from_json(episode.followup)
    try:
        return STEPS[screen](row, state, options)
    except (KeyError, IndexError, ValueError):
        return Tap("stale", row)


def _on_safety(row: CheckIn, state: FollowUpState, options: tuple[str, ...]) -> Tap:
    option = options[0]
    if option != NONE and option not in EMERGENCY_SIGNS:
        raise ValueError(option)
    _save(row, "safety", option != NONE)
    label = "checkin.safety.none" if option == NONE else f"option.{option}"
    if option != NONE:
        return _finished(row, ("checkin.safety.question", label))
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
        return Tap("tick", row)
    elif not row.selection:
        return Tap("empty", row)
    signs = sorted(row.selection)
    _save(row, "new_signs", signs)
    row.selection = []
    labels = [f"option.{sign}" for sign in signs] or ["checkin.new_signs.none"]
    return _advance(row, state, ("checkin.new_signs.question", ",".join(labels)))


def _on_habits(row: CheckIn, state: FollowUpState, options: tuple[str, ...]) -> Tap:
    habits = dict(row.answers.get("habits", {}))
    if options[0] == SKIP:
        return _finished(row, ("checkin.habits.intro", "checkin_ui.skipped"))
    question, option = options[0], options[1]
    if option not in HABITS[question]:
        raise ValueError(option)
    habits[question] = option
    _save(row, "habits", habits)
    if len(habits) < len(HABITS):
        return Tap("tick", row)
    return _finished(row, None)


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
        return _finished(row, answered)
    row.step = following
    return Tap("next", row, answered)


def _finished(row: CheckIn, answered: tuple[str, str] | None) -> Tap:
    return Tap("finished", row, answered)


async def _finish(
    session: AsyncSession,
    user: User,
    row: CheckIn,
    episode: Episode,
    tap: Tap,
    now: dt.datetime,
) -> None:
    """Applies the rules and stores everything they changed, in the tap's transaction."""
    state = FollowUpState.from_json(episode.followup)
    decision = on_answers(state, answers_from(row.answers), local_now(user, now))
    row.status, row.step, row.completed_at = ANSWERED, "done", now
    row.level_after = decision.state.level.value
    episode.followup = decision.state.to_json()
    episode.level = decision.state.level.value
    if Action.CLOSE_EPISODE in decision.actions:
        episode.closed_at, episode.status = now, "closed"
    await _update_reminders(session, user.id, episode.id, row, decision, now)
    tap.decision, tap.episode_id = decision, episode.id
    # The rules fired and the level are health data: they stay in the database.
    log.info("check-in %s of episode %s answered", row.id, episode.id)


async def _update_reminders(
    session: AsyncSession,
    user_id: int,
    episode_id: int,
    row: CheckIn,
    decision: Decision,
    now: dt.datetime,
) -> None:
    reminders = ReminderRepository(session)
    delivery = await session.get(Delivery, row.delivery_id) if row.delivery_id else None
    if delivery is not None:
        await reminders.reschedule_checkin(delivery.reminder_id, decision.state.next_checkin, now)
    if Action.PAUSE_NUDGES in decision.actions:
        # F-E1 and F-T4 pause nudges; F-T3's close lets them run out their plan (spec §4.3).
        kinds = {r.kind for r in await reminders.for_user(user_id) if r.kind != CHECKIN}
        await reminders.deactivate(user_id, kinds=kinds, episode_id=episode_id)


# ---- Replies, after the commit -----------------------------------------------------------


async def _on_tick(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and tap.row
    await query.answer()
    text, markup = render(cat, tap.row)
    await _edit(query.message, text, markup)


async def _on_next(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and tap.row and update.effective_chat
    await query.answer()
    await _show_answered(query.message, cat, tap)
    if tap.escalation is not None and user is not None:
        await context.bot.send_message(user.chat_id, advice(cat, user, tap.escalation.outcome))
    text, markup = render(cat, tap.row)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _on_finished(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.decision
    await query.answer()
    if tap.answered is not None:
        await _show_answered(query.message, cat, tap)
    else:
        await _edit(query.message, _habits_record(cat, tap), None)
    if tap.escalation is not None:
        await context.bot.send_message(user.chat_id, advice(cat, user, tap.escalation.outcome))
    raised = tap.escalation is not None
    await context.bot.send_message(user.chat_id, summary(cat, user, tap.decision, raised=raised))
    only = rerun_questions(tap.decision.actions)
    if only and tap.row is not None:
        which = next(name for name, questions in RERUNS.items() if questions == only)
        rows = [
            [(cat.text("checkin_ui.rerun_go"), data(tap.row.id, RERUN, which))],
            [(cat.text("checkin_ui.rerun_later"), data(tap.row.id, RERUN, NONE))],
        ]
        text = cat.text("checkin_ui.rerun")
        await context.bot.send_message(user.chat_id, text, reply_markup=keyboard(rows))


async def on_rerun(
    update: Update, context: ContextTypes.DEFAULT_TYPE, checkin_id: int, choice: str
) -> None:
    """The answer to the re-run offer (F-E2, F-E3): the prefilled questions, or not now."""
    d, query = deps(context), update.callback_query
    assert query and update.effective_user
    async with d.sessions() as session:
        user = await UserRepository(session).get(update.effective_user.id)
        row = await session.get(CheckIn, checkin_id)
        episode = await session.get(Episode, row.episode_id) if row else None
        active = await EpisodeRepository(session).active_session(user.id) if user else None
    cat = catalogue(user, update.effective_user.language_code)
    mine = user is not None and episode is not None and episode.user_id == user.id
    if not mine or episode is None or episode.closed_at or choice not in (*RERUNS, NONE):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    assert user is not None
    await query.answer()
    await _edit(query.message, cat.text("checkin_ui.rerun"), None)
    if choice == NONE:
        await context.bot.send_message(user.chat_id, cat.text("checkin_ui.rerun_declined"))
    elif active is not None:
        await triage_handlers.resend_current(update, context, user, active)
    else:
        await triage_handlers.begin_rerun(update, context, user, episode.id, RERUNS[choice])


def summary(cat: Catalogue, user: User, decision: Decision, *, raised: bool = False) -> str:
    """What changes after a check-in, in the rules' order, ending with the footer (§5.3).

    After advice shown at once (`raised`) there is no "thanks, that's noted": it would read
    as if nothing had changed.
    """
    parts = [say(cat, "emergency", user)] if Action.SHOW_EMERGENCY in decision.actions else []
    level = decision.state.level
    parts += [say(cat, closing_key(key, level), user) for key in decision.message_keys]
    if not parts and not raised:
        parts.append(cat.text("checkin_ui.thanks"))
    upcoming = decision.state.next_checkin
    if upcoming is not None and Action.SHOW_EMERGENCY not in decision.actions:
        parts.append(cat.text("checkin_ui.next", when=upcoming.strftime("%a %d %b, %H:%M")))
    parts.append(say(cat, "footer", user))
    return "\n\n".join(parts)


REPLIES = {
    "tick": _on_tick,
    "next": _on_next,
    "finished": _on_finished,
    "stale": answer_only("checkin_ui.moved_on"),
    "closed": answer_only("checkin_ui.finished", show_alert=True),
    "foreign": answer_only("error.stale_button_alert"),
    "empty": answer_only("triage_ui.nothing_ticked", show_alert=True),
}


async def _show_answered(message: object, cat: Catalogue, tap: Tap) -> None:
    """Turns the answered screen into a record of the answer, without buttons."""
    assert tap.answered
    question, labels = tap.answered
    answers = ", ".join(cat.text(label) for label in labels.split(","))
    await _edit(
        message, cat.text("checkin_ui.answered", question=cat.text(question), answers=answers), None
    )


def _habits_record(cat: Catalogue, tap: Tap) -> str:
    assert tap.row
    chosen = tap.row.answers.get("habits", {})
    labels = [
        cat.text(f"checkin.habits.{question}.options.{option}")
        for question, option in chosen.items()
    ]
    return cat.text(
        "checkin_ui.answered", question=cat.text("checkin.habits.intro"), answers=", ".join(labels)
    )


async def _edit(message: object, text: str, markup: InlineKeyboardMarkup | None) -> None:
    edit = getattr(message, "edit_text", None)
    if edit is None:
        return
    try:
        await edit(text, reply_markup=markup)
    except BadRequest as exc:
        # Two devices tapping the same keyboard ask for an identical edit; harmless.
        if "not modified" not in str(exc):
            raise
