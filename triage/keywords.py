"""Spotting danger words in anything a person types (spec §2 UI notes, §5.5, §5.6, §7.5).

Free text is never required, but when someone types "can't breathe" or "suicide" the bot must
answer that before anything else. The lists below are data awaiting clinical and safeguarding
review (§7.5). Matching is by whole words and word sequences, case-insensitive, after dropping
apostrophes ("can't" reads as "cant"); a word of five or more letters also matches with one
typo (a letter changed, added, dropped, or two neighbours swapped: "braething", "sezure").

Judgement calls, all leaning towards over-triage (§0.2.4), except where the bot's own words
would set it off:
* bare "breathe" and "breath" do not match ("I breathe fine" stays quiet), but a difficulty
  with them does ("can't breathe", "short of breath"); bare "breathing" matches, because people
  in trouble write "breathing is hard", except "breathing exercise", which the bot itself
  suggests. So "my breathing is fine" still shows the emergency text: accepted.
* negations are not understood: "no chest pain" still shows the emergency text.
* "fit" alone is too common ("I'm fit", "fitness"): only "had a fit", "having a fit" and the
  like count.
* "hurt myself" counts as a crisis even after a gym injury, and "overdose" as a crisis whether
  or not it was meant: the crisis text carries the emergency number, and gentle signposting
  costs little.
* "MS", "ALS" and "MND" match only as whole words, so "msg", "this" and "also" stay quiet, but
  "Ms Smith" gets the (harmless) answer to a disease question.
* a typo can turn one real word into another ("strike" is one letter from "stroke", "cooking"
  from "choking"), so ORDINARY_WORDS lists the everyday words that must never count as typos.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType


class Concern(StrEnum):
    """What the text seems to be about, in the order the bot must answer them."""

    EMERGENCY = "emergency"
    CRISIS = "crisis"
    DISEASE_QUESTION = "disease_question"


TYPO_MIN_LETTERS = 5

_EMERGENCY = (
    "cant breathe",
    "cannot breathe",
    "can not breathe",
    "couldnt breathe",
    "unable to breathe",
    "struggling to breathe",
    "hard to breathe",
    "can hardly breathe",
    "not breathing",
    "stopped breathing",
    "breathing",
    "breathless",
    "breathlessness",
    "short of breath",
    "cant get my breath",
    "cant catch my breath",
    "choking",
    "choked on",
    "suffocating",
    "stroke",
    "strokes",
    "face drooping",
    "face droop",
    "face is drooping",
    "drooping face",
    "droopy face",
    "face has dropped",
    "slurred speech",
    "speech is slurred",
    "slurring",
    "sudden weakness",
    "suddenly weak",
    "sudden numbness",
    "suddenly numb",
    "cant move my",
    "paralysed",
    "paralyzed",
    "lost my vision",
    "lost vision",
    "vision loss",
    "suddenly blind",
    "went blind",
    "gone blind",
    "cant swallow",
    "cannot swallow",
    "seizure",
    "seizures",
    "convulsion",
    "convulsions",
    "convulsing",
    "had a fit",
    "having a fit",
    "having fits",
    "had fits",
    "chest pain",
    "chest pains",
    "pain in my chest",
    "chest tightness",
    "tight chest",
    "heart attack",
    "heart racing",
    "heart is racing",
    "racing heart",
    "heart pounding",
    "pounding heart",
    "irregular heartbeat",
    "palpitations",
    "collapsed",
    "unconscious",
    "passed out",
    "fainted",
    "fainting",
    "serotonin syndrome",
)

_CRISIS = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "self harm",
    "selfharm",
    "self harming",
    "harm myself",
    "harming myself",
    "hurt myself",
    "hurting myself",
    "cut myself",
    "cutting myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "want to die",
    "wanna die",
    "wish i was dead",
    "better off dead",
    "dont want to live",
    "dont want to be here",
    "no reason to live",
    "overdose",
)

_DISEASE_QUESTION = (
    "als",
    "mnd",
    "motor neurone",
    "motor neuron",
    "lou gehrig",
    "ms",
    "multiple sclerosis",
    "lupus",
    "myasthenia",
    "parkinson",
    "parkinsons",
    "dystonia",
    "neuropathy",
    "tumour",
    "tumor",
    "cancer",
    "bfs",
    "fasciculation syndrome",
    "is it serious",
    "is this serious",
    "is that serious",
    "something serious",
    "could this be",
    "could it be",
    "am i dying",
)

ORDINARY_WORDS = frozenset(
    {
        # one letter from an emergency word
        "strike",
        "strikes",
        "stoke",
        "stokes",
        "strobe",
        "strobes",
        "strode",
        "stroked",
        "cooking",
        "coking",
        "breaching",
        "wreathing",
        "painted",
        "tainted",
        "sainted",
        "painting",
        "tainting",
        # one letter from a crisis word
        "overdoes",
        # one letter from a disease-question word
        "humor",
        "humour",
        "rumor",
        "rumour",
        "tutor",
        "cancel",
        "canter",
        "dancer",
        "lancer",
        "would",
        "mould",
        "lying",
        "tying",
        "vying",
        "dyeing",
    }
)
"""Everyday words one typo away from a keyword: they only ever match themselves."""

# The bot's own suggestions, dropped before matching so an echo of them is not an alarm.
_IGNORED = (("breathing", "exercise"), ("breathing", "exercises"), ("breathing", "routine"))

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"['’‘`]")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", text.lower()))


def _phrases(texts: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_tokens(text)) for text in texts)


KEYWORDS: Mapping[Concern, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        # Insertion order is precedence: a crisis message carries its own emergency line.
        Concern.CRISIS: _phrases(_CRISIS),
        Concern.EMERGENCY: _phrases(_EMERGENCY),
        Concern.DISEASE_QUESTION: _phrases(_DISEASE_QUESTION),
    }
)
"""Each concern's phrases as word tuples, checked in this order."""


def scan(text: str) -> Concern | None:
    """The most pressing concern named in `text`, or None."""
    words = _without_ignored(_tokens(text))
    for concern, phrases in KEYWORDS.items():
        if any(_contains(words, phrase) for phrase in phrases):
            return concern
    return None


def _without_ignored(words: list[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        kept.append(word)
        for pattern in _IGNORED:
            if tuple(kept[-len(pattern) :]) == pattern:
                del kept[-len(pattern) :]
                break
    return kept


def _contains(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(
        all(
            _same(key, word) for key, word in zip(phrase, words[start : start + width], strict=True)
        )
        for start in range(len(words) - width + 1)
    )


def _same(key: str, word: str) -> bool:
    if word == key:
        return True
    if len(key) < TYPO_MIN_LETTERS or word in ORDINARY_WORDS:
        return False
    return _one_edit(key, word)


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter changed, added, dropped, or two neighbours swapped."""
    if len(a) == len(b):
        return _one_swap_or_change(a, b)
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    first = next(
        (i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short)
    )
    return short[first:] == long[first + 1 :]


def _one_swap_or_change(a: str, b: str) -> bool:
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
        return False
    i, j = diffs
    return a[i] == b[j] and a[j] == b[i]
