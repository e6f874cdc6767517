"""Readable words for the codes the export holds: question, option, rule, reason, level and
reminder ids, and check-in answers, all in the person's language from the catalogue."""

from __future__ import annotations

from bot.catalogue import Catalogue
from triage.levels import Level
from triage.questions import QUESTIONS
from triage.rules import ALL_RULES

_CHECKIN_ANSWERS = ("status", "doctor", "suggestion")


def glossary(cat: Catalogue) -> dict[str, str]:
    """Code → words, for every code the stored rows may hold."""
    words: dict[str, str] = {}
    for question in QUESTIONS.values():
        words[question.id] = cat.text(f"question.{question.id}.text")
        words.update({o.id: cat.text(f"option.{o.id}") for o in question.options})
    words.update({rule.id: cat.text(f"reason.{rule.reason}") for rule in ALL_RULES})
    words.update({level.value: cat.text(f"level.{level.value}.name") for level in Level})
    for key in sorted(cat.keys()):
        head, _, code = key.rpartition(".")
        if head.rpartition(".")[2] in ("reason", "kind") and code != "other":
            words[code] = cat.text(key)
        elif head in (f"checkin.{name}.options" for name in _CHECKIN_ANSWERS):
            words[f"{head.split('.')[1]}:{code}"] = cat.text(key)
    return words
