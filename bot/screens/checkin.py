"""What a check-in says once a screen is answered: the record of the answer left in the chat,
what changes after the last screen (§5.3), and the re-run offer (F-E2, F-E3)."""

from __future__ import annotations

from bot.catalogue import Catalogue
from bot.checkin_screens import NONE, RERUN, data
from bot.replies import say
from bot.results import closing_key
from storage.models import CheckIn, User
from triage.followup import Action, Decision


def summary(cat: Catalogue, user: User, decision: Decision, *, raised: bool = False) -> str:
    """What changes after a check-in, in the rules' order, ending with the footer (§5.3).

    After advice shown at once (`raised`) there is no "thanks, that's noted": it would read
    as if nothing had changed.
    """
    parts = [say(cat, "emergency", user)] if Action.SHOW_EMERGENCY in decision.actions else []
    upcoming = decision.state.next_checkin
    if Action.PAUSE_NUDGES in decision.actions and parts:
        # §1.1: the L4 text ends by saying the reminders stopped and whether a check-in follows.
        parts.append(cat.text("triage_ui.paused" if upcoming else "triage_ui.paused_no_checkin"))
    level = decision.state.level
    parts += [say(cat, closing_key(key, level), user) for key in decision.message_keys]
    if not parts and not raised:
        parts.append(cat.text("checkin_ui.thanks"))
    if upcoming is not None and Action.SHOW_EMERGENCY not in decision.actions:
        parts.append(cat.text("checkin_ui.next", when=upcoming.strftime("%a %d %b, %H:%M")))
    parts.append(say(cat, "footer", user))
    return "\n\n".join(parts)


def answered(cat: Catalogue, question: str, labels: str, message: object = None) -> str:
    """An answered screen as a record of the answer, without buttons, under what `message`
    said above its question (a check-in's opening stays)."""
    answers = ", ".join(cat.text(label) for label in labels.split(","))
    asked = cat.text(question)
    above, found, _ = (getattr(message, "text", None) or "").rpartition(asked)
    record = cat.text("checkin_ui.answered", question=asked, answers=answers)
    return f"{above}{record}" if found else record


def record(cat: Catalogue, asked: tuple[str, str] | None, row: CheckIn, message: object) -> str:
    """What a finished check-in's last screen becomes: its answer, or the habits chosen."""
    return answered(cat, *asked, message) if asked else habits_record(cat, row)


def habits_record(cat: Catalogue, row: CheckIn) -> str:
    chosen = row.answers.get("habits", {})
    labels = [
        cat.text(f"checkin.habits.{question}.options.{option}")
        for question, option in chosen.items()
    ]
    return cat.text(
        "checkin_ui.answered", question=cat.text("checkin.habits.intro"), answers=", ".join(labels)
    )


def rerun_rows(cat: Catalogue, checkin_id: int, which: str) -> list[list[tuple[str, str]]]:
    """Go through the questions again, or not now."""
    return [
        [(cat.text("checkin_ui.rerun_go"), data(checkin_id, RERUN, which))],
        [(cat.text("checkin_ui.rerun_later"), data(checkin_id, RERUN, NONE))],
    ]
