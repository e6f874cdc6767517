"""The free-text safety net (spec §2.1): normalisation, phrases, precedence and typos."""

from __future__ import annotations

import pytest

from triage.keywords import Concern, one_edit, phrase_key, scan
from triage.normalise import words
from triage.typos import ORDINARY_WORDS, TYPO_WORDS

EMERGENCY = frozenset({Concern.EMERGENCY})
CRISIS = frozenset({Concern.CRISIS})
TYPO_KEYS = {phrase_key(word) for word in TYPO_WORDS}

ISSUE_PHRASES = [
    ("my face feels numb on one side", EMERGENCY),
    ("worst headache of my life", EMERGENCY),
    ("my chest hurts", EMERGENCY),
    ("heart is pounding", EMERGENCY),
    ("I blacked out", EMERGENCY),
    ("trouble swallowing", EMERGENCY),
    ("I want to end it", CRISIS),
    ("kill my self", CRISIS),
    ("no point living", CRISIS),
    ("kms", CRISIS),
    ("wish I were dead", CRISIS),
    ("my arm went weak and numb an hour ago, could it be MS", EMERGENCY),
    ("am i dying? my chest is tight", EMERGENCY),
    ("I'd rather be dead than have ALS", CRISIS),
]


@pytest.mark.parametrize(("text", "expected"), ISSUE_PHRASES, ids=[t for t, _ in ISSUE_PHRASES])
def test_every_phrasing_from_the_safety_review_gets_its_signposting(
    text: str, expected: frozenset[Concern]
) -> None:
    assert scan(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I can't breathe",
        "I can’t breathe",
        "I cant breathe",
        "I can t breathe",
        "I CAN'T BREATHE",
        "i cant breatheee",
        "Ｉ ｃａｎ＇ｔ ｂｒｅａｔｈｅ",
        "can\u200bt bre\u200dathe",
        "can\u00adt breathe",
    ],
)
def test_case_apostrophes_repeats_full_width_and_invisible_marks_do_not_hide_danger(
    text: str,
) -> None:
    assert scan(text) == EMERGENCY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no puedo respirar", EMERGENCY),
        ("não consigo respirar", EMERGENCY),
        ("nao consigo respirar", EMERGENCY),
        ("не могу дышать", EMERGENCY),
        ("не можу дихати", EMERGENCY),
        ("ich kann nicht atmen", EMERGENCY),
        ("j'ai mal à la poitrine", EMERGENCY),
        ("non riesco a respirare", EMERGENCY),
        ("nefes alamıyorum", EMERGENCY),
        ("seene mein dard ho raha hai", EMERGENCY),
        ("sesak napas", EMERGENCY),
        ("quiero morirme", CRISIS),
        ("quero morrer", CRISIS),
        ("хочу умереть", CRISIS),
        ("хочу померти", CRISIS),
        ("ich will sterben", CRISIS),
        ("je veux mourir", CRISIS),
        ("voglio morire", CRISIS),
        ("ölmek istiyorum", CRISIS),
        ("marna chahta hoon", CRISIS),
        ("pengen bunuh diri", CRISIS),
    ],
)
def test_the_languages_of_the_spec_are_read_in_their_own_script(
    text: str, expected: frozenset[Concern]
) -> None:
    assert scan(text) == expected


def test_a_message_with_a_crisis_and_an_emergency_reports_both() -> None:
    assert scan("chest pain and I want to die") == {Concern.CRISIS, Concern.EMERGENCY}


@pytest.mark.parametrize(
    "text",
    ["could this be ALS, I can't breathe", "is it MS? I feel suicidal", "am I dying, I fainted"],
)
def test_danger_silences_the_disease_question(text: str) -> None:
    assert Concern.DISEASE_QUESTION not in scan(text)
    assert scan(text) & {Concern.CRISIS, Concern.EMERGENCY}


@pytest.mark.parametrize("text", ["Could this be ALS?", "is it MND", "do I have MS?", "am I dying"])
def test_a_disease_question_alone_is_a_disease_question(text: str) -> None:
    assert scan(text) == {Concern.DISEASE_QUESTION}


@pytest.mark.parametrize(
    "text",
    [
        "I may have overdone the coffee",
        "slurping my soup",
        "breathing techniques for sleep",
        "I did the breathing exercises",
        "this traffic is killing me",
        "I'm dying to know",
        "my heart skipped a beat when I saw the price",
        "grandad had a stroke years ago",
        "what a stroke of luck",
        "I painted the kitchen",
        "I don't want to die, I just want answers",
        "msg me later",
        "",
    ],
)
def test_figures_of_speech_and_near_misses_raise_no_alarm(text: str) -> None:
    assert scan(text) == frozenset()


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        pytest.param("seizrue", EMERGENCY, id="swapped-neighbours"),
        pytest.param("I had a seixure", EMERGENCY, id="changed-letter"),
        pytest.param("palpitattions", EMERGENCY, id="added-letter"),
        pytest.param("unconcious", EMERGENCY, id="dropped-letter"),
        pytest.param("suicdie", CRISIS, id="swapped-neighbours-crisis"),
        pytest.param("sezure", EMERGENCY, id="dropped-letter-of-a-seven-letter-word"),
    ],
)
def test_one_typo_in_a_long_word_still_matches(typo: str, expected: frozenset[Concern]) -> None:
    assert scan(typo) == expected


@pytest.mark.parametrize("text", ["fainr", "strke", "chst pain"])
def test_short_words_must_be_spelt_right(text: str) -> None:
    assert scan(text) == frozenset()


@pytest.mark.parametrize("word", ORDINARY_WORDS)
def test_everyday_words_near_a_danger_word_never_match(word: str) -> None:
    assert scan(word) == frozenset()


def test_every_everyday_exception_really_is_one_typo_from_a_danger_word() -> None:
    folded = {w: words(w)[0] for w in ORDINARY_WORDS}
    stranded = {w for w, f in folded.items() if not any(one_edit(k, f) for k in TYPO_KEYS)}
    assert stranded == set()


def test_my_self_reads_as_myself_and_a_spaced_apostrophe_rejoins() -> None:
    assert words("kill my self, can t, don t") == ["kil", "myself", "cant", "dont"]


def test_a_french_elision_splits_where_an_english_contraction_joins() -> None:
    assert words("j'étouffe, n'arrive, can't, I'm") == ["j", "etoufe", "n", "arive", "cant", "im"]


@pytest.mark.parametrize("typo", ["seziure", "seiuzre", "siezure", "breahte", "swlaow"])
def test_two_neighbours_swapped_anywhere_in_a_long_word_is_still_one_typo(typo: str) -> None:
    assert Concern.EMERGENCY in scan(f"i cant {typo}")


@pytest.mark.parametrize("text", ["I slurped my soup", "the kids slurped noodles"])
def test_slurping_a_drink_is_not_slurred_speech(text: str) -> None:
    assert scan(text) == frozenset()
    assert scan(text.replace("slurped", "slurred")) == {Concern.EMERGENCY}
