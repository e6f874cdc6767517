"""Every word a person reads comes from the catalogue: no key the code asks for is missing,
and no key in the catalogue goes unused."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.app import COMMANDS
from bot.catalogue import HERE, catalogue_for, load_language
from bot.screens.onboarding import COUNTRY_CHOICES
from triage.levels import Level
from triage.nudges import NUDGE_IDS
from triage.questions import QUESTIONS
from triage.rules import ADVICE_EXTRAS, ALL_RULES, TIPS
from triage.worry import disease_answer, repeat_check_answer

ROOT = Path(__file__).resolve().parents[2]
LOOKUPS = {"text", "raw", "variants", "has"}
KEY_CHARS = "abcdefghijklmnopqrstuvwxyz_.0123456789"


def _key_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in LOOKUPS and call.args:
        return call.args[0]
    if isinstance(func, ast.Name) and func.id == "say" and len(call.args) >= 2:
        return call.args[1]
    return None


def lookups() -> tuple[set[str], set[str]]:
    """Literal keys the code asks for, and the fixed prefixes of keys it builds."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        pieces = {
            id(part)
            for joined in ast.walk(tree)
            if isinstance(joined, ast.JoinedStr)
            for part in joined.values
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (arg := _key_argument(node)) is not None:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literal.add(arg.value)
                elif isinstance(arg, ast.JoinedStr) and arg.values:
                    head = arg.values[0]
                    if isinstance(head, ast.Constant) and isinstance(head.value, str):
                        prefixes.add(head.value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if id(node) not in pieces and set(text) <= set(KEY_CHARS):
                    literal.add(text)  # keys kept in data (services, ACKS tables...)
    return literal, prefixes


def built_keys() -> set[str]:
    """The keys the code builds from the clinical data, each of which must exist."""
    keys = {f"question.{qid}.text" for qid in QUESTIONS}
    keys |= {f"option.{oid}" for q in QUESTIONS.values() for oid in q.option_ids}
    keys |= {f"reason.{rule.reason}" for rule in ALL_RULES}
    keys |= {f"level.{level}.name" for level in Level} | {f"advice.{level}" for level in Level}
    keys |= {f"tip.{tip.id}" for tip in TIPS}
    keys |= {f"plan.{nudge}" for nudge in NUDGE_IDS}
    keys |= {f"command.{name}" for name in COMMANDS}
    keys |= {f"onboarding.country_{code}" for code in COUNTRY_CHOICES}
    keys |= {f"extra.{extra}" for extra in ADVICE_EXTRAS.values()}
    keys |= {key for level in Level for key in disease_answer(level)}
    keys |= {key for level in Level for key in repeat_check_answer(level)}
    return keys


ENGLISH = load_language(HERE / "en")


def test_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    literal, _ = lookups()
    areas = {key.split(".")[0] for key in ENGLISH if "." in key}
    asked = {key for key in literal if "." in key and key.split(".")[0] in areas}
    missing = sorted((asked | built_keys()) - set(ENGLISH))
    assert missing == []


def test_every_nudge_has_words_to_rotate_through() -> None:
    catalogue = catalogue_for("en")
    silent = [nudge for nudge in NUDGE_IDS if not catalogue.variants(f"nudge.{nudge}")]
    assert silent == []


def test_no_catalogue_key_goes_unused() -> None:
    literal, prefixes = lookups()
    used = literal | built_keys()
    unused = sorted(
        key
        for key in ENGLISH
        if key not in used
        and not any(key.startswith(prefix) for prefix in prefixes)
        and not any(key.startswith(prefix + ".") for prefix in literal)
    )
    assert unused == []


def test_the_key_check_notices_a_missing_key() -> None:
    tree = ast.parse('cat.text("onboarding.no_such_key")')
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call))
    argument = _key_argument(call)
    assert isinstance(argument, ast.Constant)
    assert argument.value not in ENGLISH


@pytest.mark.parametrize("language", ["en", "en-GB", "xx", None])
def test_a_person_gets_their_languages_catalogue_or_english(language: str | None) -> None:
    assert catalogue_for(language).text("help.text").startswith("Here is what I can do")
