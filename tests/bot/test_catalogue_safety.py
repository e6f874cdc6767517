"""Spec §5.4 over every word the bot can say: no diagnosis, no ruling out, no talking anyone out
of care, no medicine or supplement advice, no cure claims, no authority claims, and no
frightening disease names outside the answer to a direct question.

Reads each catalogue file as the bot loads it, so it checks the words and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.catalogue import load_file

CATALOGUE = Path(__file__).resolve().parents[2] / "bot" / "catalogue"

DISEASE_NAME_KEYS = ("disease_question", "why.")
"""§5.4.8: disease names only in the answer to "could this be ...?" and "why do you ask"."""

STROKE_SIGN_KEYS = ("option.E_",)
"""The emergency screen may list stroke signs; it is still better not to name the disease."""


@dataclass(frozen=True)
class Check:
    """One §5.4 rule: a pattern that must not appear, except under the allowed key prefixes."""

    name: str
    pattern: re.Pattern[str]
    allowed: tuple[str, ...] = ()
    also_needs: re.Pattern[str] | None = None


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


CHECKS = (
    Check(
        "diagnosis (§5.4.1)",
        _ci(
            # "did you have" and "do you have" ask; they do not tell.
            r"(?<!did )(?<!do )\byou have\b|\bit'?s just\b|\bit is just\b|\bit'?s not\b"
            r"|\bit is not\b|\byou don'?t have\b|\byou do not have\b|\bcaused by your\b"
            r"|\bit'?s (probably |likely |only |definitely )?(your )?"
            r"(magnesium|stress|anxiety|caffeine|nerves|benign|bfs|myokymia)\b"
        ),
    ),
    Check(
        "ruling out or odds (§5.4.2)",
        _ci(
            r"\brul(e|es|ed|ing) (it )?out\b|\bnothing serious\b|\bnot serious\b"
            r"|\bnothing to worry about\b|\d+ ?% chance|\bodds\b|\bchance (of|that) you\b"
        ),
    ),
    Check(
        "talking someone out of care (§5.4.3)",
        _ci(
            r"\b(don'?t|do not|no) need (to see|a doctor|a gp|to book)\b"
            r"|\bno need for a (doctor|gp)\b|\bnot worth seeing\b"
        ),
    ),
    Check(
        "medicine advice (§5.4.4)",
        _ci(
            r"(?<!don't )(?<!do not )\bstop taking\b|(?<!don't )(?<!do not )\bstop your\b"
            r"|\breduce your dose\b|\blower your dose\b|\bswitch to\b"
            r"|\bchange your (dose|medicine|medication|tablets)\b|\bcome off your\b"
        ),
    ),
    Check(
        "supplement or dose advice (§5.4.5)",
        _ci(r"\b(magnesium|calcium|potassium|quinine)\b|\btonic water\b"),
        also_needs=_ci(r"\bsupplement|\btablet|\bpill|\bcapsule|\bmg\b|\bdose|\bdosage"),
    ),
    Check(
        "cure, treat or prevent claims (§5.4.6)",
        _ci(r"\bcur(e|es|ed|ing)\b|\btreat(s|ed|ing|ment|ments)?\b|\bprevent(s|ed|ing|ion)?\b"),
    ),
    Check(
        "authority claims (§5.4.7)",
        _ci(
            r"\bclinically (validated|approved|proven|tested)\b|\bapproved by\b"
            r"|\bnhs[- ]endorsed\b|\bendorsed by\b|\bai doctor\b|\bregulated\b"
            r"|\bmonitor(ing|s|ed)? (your |these |the )?messages\b"
        ),
    ),
    Check(
        "frightening disease name (§5.4.8)",
        re.compile(
            r"\b(ALS|MND|MS)\b|(?i:\bmotor neuron|\bmultiple sclerosis\b|\blupus\b|\bmyasthenia"
            r"|\btumou?rs?\b|\bcancers?\b|\bparkinson|\bepilep)"
        ),
        allowed=DISEASE_NAME_KEYS,
    ),
    Check(
        "stroke named outside the emergency screen (§5.4.8)",
        _ci(r"\bstrokes?\b"),
        allowed=DISEASE_NAME_KEYS + STROKE_SIGN_KEYS,
    ),
)


def violations(entries: Mapping[str, str]) -> list[str]:
    """Every (key, check) that breaks §5.4; keys are dotted catalogue keys."""
    found = []
    for key, text in entries.items():
        plain = text.replace("’", "'").replace("‘", "'")
        for check in CHECKS:
            if key.startswith(check.allowed) if check.allowed else False:
                continue
            if check.pattern.search(plain) and (
                check.also_needs is None or check.also_needs.search(plain)
            ):
                found.append(f"{key}: {check.name}: {text[:80]!r}")
    return found


def catalogue_files() -> list[Path]:
    return sorted(CATALOGUE.glob("*/*.toml"))


@pytest.mark.parametrize("path", catalogue_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_catalogue_line_breaks_the_never_list(path: Path) -> None:
    assert violations(load_file(path)) == []


def test_the_catalogue_is_found_at_all() -> None:
    names = {path.name for path in catalogue_files()}
    assert "triage.toml" in names


BAD_LINES = [
    pytest.param("tip.x", "It's just stress, nothing more.", "diagnosis", id="its-just-stress"),
    pytest.param("advice.L0", "You have benign twitching.", "diagnosis", id="you-have"),
    pytest.param("advice.L0", "It’s not anything bad.", "diagnosis", id="its-not-curly-quote"),
    pytest.param("advice.L1", "This is caused by your tablets.", "diagnosis", id="caused-by"),
    pytest.param("tip.diet", "It's your magnesium, most likely.", "diagnosis", id="its-your"),
    pytest.param("tip.stress", "It's probably stress.", "diagnosis", id="its-probably-stress"),
    pytest.param("advice.L0", "We can rule out anything nasty.", "ruling out", id="rule-out"),
    pytest.param("advice.L0", "There's a 2% chance of anything.", "ruling out", id="odds"),
    pytest.param(
        "advice.L0", "You don't need to see a GP for this.", "out of care", id="no-need-to-see"
    ),
    pytest.param("medicine_line", "Stop taking your inhaler.", "medicine", id="stop-taking"),
    pytest.param("medicine_line", "Try to lower your dose.", "medicine", id="lower-dose"),
    pytest.param("tip.caffeine", "Switch to the other tablets.", "medicine", id="switch-to"),
    pytest.param("tip.diet", "Take a magnesium supplement daily.", "supplement", id="magnesium"),
    pytest.param("tip.diet", "Potassium tablets help cramps.", "supplement", id="potassium"),
    pytest.param(
        "tip.diet", "A glass of tonic water (quinine, 80 mg).", "supplement", id="quinine"
    ),
    pytest.param("tip.sleep", "Good sleep cures twitches.", "cure", id="cures"),
    pytest.param("tip.sleep", "Hydration prevents cramps.", "cure", id="prevents"),
    pytest.param("tip.sleep", "A proven treatment for twitches.", "cure", id="treatment"),
    pytest.param("help.text", "Clinically validated advice.", "authority", id="validated"),
    pytest.param("help.text", "Your AI doctor is here.", "authority", id="ai-doctor"),
    pytest.param("help.text", "A nurse is monitoring your messages.", "authority", id="monitor"),
    pytest.param("advice.L0", "This is rarely MS.", "disease name", id="MS-in-L0"),
    pytest.param("nudge.N_SLEEP.0", "Sleep keeps ALS away.", "disease name", id="ALS-in-nudge"),
    pytest.param("tip.stress", "Worry about lupus is common.", "disease name", id="lupus-in-tip"),
    pytest.param("advice.L1", "Not a stroke.", "stroke", id="stroke-in-L1"),
]


@pytest.mark.parametrize(("key", "line", "check"), BAD_LINES)
def test_a_planted_bad_line_is_caught(key: str, line: str, check: str) -> None:
    caught = violations({key: line})
    assert len(caught) >= 1
    assert any(check in found for found in caught)


GOOD_LINES = [
    pytest.param(
        "advice.L1", "Please don't stop taking your medicine on your own.", id="dont-stop"
    ),
    pytest.param("advice.L3", "Do not stop your prescribed medicines.", id="do-not-stop"),
    pytest.param(
        "tip.diet", "Nuts and seeds. Ask a pharmacist before taking supplements.", id="food"
    ),
    pytest.param("reason.x", "long-term acid-reflux tablets", id="tablets-without-a-mineral"),
    pytest.param(
        "disease_question", "Could this be MS or ALS? I can't tell.", id="direct-question"
    ),
    pytest.param("option.E_STROKE", "Stroke signs: face drooping", id="emergency-screen"),
    pytest.param("tip.sleep", "Keeping regular hours may help.", id="may-help"),
    pytest.param("question.Q8", "How many drinks did you have?", id="a-question-not-a-diagnosis"),
    pytest.param("checkin.x", "No pressure, it's your choice.", id="its-your-choice"),
]


@pytest.mark.parametrize(("key", "line"), GOOD_LINES)
def test_safe_wording_passes(key: str, line: str) -> None:
    assert violations({key: line}) == []
