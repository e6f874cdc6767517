"""Danger words in free text: emergencies, crises and disease questions, typos and near misses."""

from __future__ import annotations

import pytest

from triage.keywords import KEYWORDS, ORDINARY_WORDS, Concern, scan


@pytest.mark.parametrize(
    "text",
    [
        "I can't breathe",
        "i cant breathe properly",
        "I CANNOT BREATHE",
        "I can’t breath",
        "trouble braething since this morning",
        "my breathing is really hard",
        "feeling breathless lying down",
        "I'm short of breath",
        "choking on my spit",
        "I think I'm having a stroke",
        "my face is drooping on one side",
        "slurred speech out of nowhere",
        "had a sezure an hour ago",
        "she had a fit",
        "chest pain with the twitching",
        "my heart is racing",
        "palpitations",
        "he collapsed",
        "she's unconscious",
        "I fainted",
        "suddenly weak on my left side",
        "I can't swallow",
    ],
)
def test_an_emergency_in_free_text_is_spotted(text: str) -> None:
    assert scan(text) is Concern.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "thinking about suicide",
        "I feel suicde",
        "I feel suicidal",
        "I want to kill myself",
        "I've been self-harming",
        "self harm",
        "I might end my life",
        "I want to hurt myself",
        "everyone would be better off dead",
        "I took an overdose",
    ],
)
def test_a_crisis_in_free_text_is_spotted(text: str) -> None:
    assert scan(text) is Concern.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "Could this be ALS?",
        "is it MND",
        "worried about motor neurone disease",
        "do I have MS?",
        "multiple sclerosis??",
        "multiple sclerossis",
        "could it be lupus",
        "lupsu",
        "is it serious?",
        "is this a tumour",
        "Parkinson's",
        "am I dying",
    ],
)
def test_a_question_about_a_disease_is_spotted(text: str) -> None:
    assert scan(text) is Concern.DISEASE_QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "thanks, that helps",
        "I breathe fine",
        "I did the breathing exercise",
        "fitness",
        "I'm fit and healthy, I go to the gym",
        "msg me later",
        "this twitch is annoying",
        "also my calf",
        "I stroked the cat",
        "there's a strike today",
        "cooking dinner now",
        "would this be ok to ask later",
        "I painted the kitchen",
        "that cancelled my plans",
        "it's my sense of humour",
        "my eyelid keeps jumping",
        "I drink 4 coffees a day",
    ],
)
def test_ordinary_messages_raise_no_alarm(text: str) -> None:
    assert scan(text) is None


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        pytest.param("chest pain and I want to die", Concern.CRISIS, id="crisis-beats-emergency"),
        pytest.param(
            "could this be ALS, I can't breathe", Concern.EMERGENCY, id="emergency-beats-disease"
        ),
        pytest.param("is it MS? I feel suicidal", Concern.CRISIS, id="crisis-beats-disease"),
    ],
)
def test_the_most_pressing_concern_wins(text: str, concern: Concern) -> None:
    assert scan(text) is concern


@pytest.mark.parametrize(
    ("typo", "concern"),
    [
        pytest.param("seizrue", Concern.EMERGENCY, id="swapped-neighbours"),
        pytest.param("seixure", Concern.EMERGENCY, id="changed-letter"),
        pytest.param("seizzure", Concern.EMERGENCY, id="added-letter"),
        pytest.param("sezure", Concern.EMERGENCY, id="dropped-letter"),
        pytest.param("suicdie", Concern.CRISIS, id="swapped-neighbours-crisis"),
    ],
)
def test_one_typo_in_a_long_word_still_matches(typo: str, concern: Concern) -> None:
    assert scan(typo) is concern


@pytest.mark.parametrize("text", ["ams", "mx", "mnds", "sezzura", "siezrue"])
def test_short_words_must_be_exact_and_two_typos_are_too_many(text: str) -> None:
    assert scan(text) is None


@pytest.mark.parametrize("word", sorted(ORDINARY_WORDS))
def test_everyday_words_near_a_keyword_never_match(word: str) -> None:
    assert scan(word) is None


def test_every_everyday_exception_really_is_one_typo_from_a_keyword() -> None:
    # An exception that is not near any keyword is dead weight, or a keyword was renamed.
    from triage.keywords import _one_edit

    keys = {key for phrases in KEYWORDS.values() for phrase in phrases for key in phrase}
    stranded = {w for w in ORDINARY_WORDS if not any(_one_edit(k, w) for k in keys if len(k) >= 5)}
    assert stranded == set()
