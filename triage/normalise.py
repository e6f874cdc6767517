"""Turning what a person types into comparable words (spec §2.1 item 3).

People type fast and in many scripts: "CAN’T BREATHE", "cant breatheee", "can t breathe",
full-width letters, zero-width joiners pasted from another app, "Ich kann nicht atmen",
"не могу дышать". Every one of them must reach the matcher as the same words, so both the
phrase lists and the message go through `words()`:

1. apostrophes of every kind are dropped, joining the word ("can't" → "cant"), except after
   a French or Italian elided article or pronoun, which splits ("j'étouffe" → "j étouffe");
2. Unicode NFKC (full-width and compatibility letters become plain ones) and case folding;
3. invisible format characters (zero-width space, joiner, soft hyphen, bidi marks) vanish;
4. accents are stripped (é → e, й → и), and Turkish dotless ı reads as i;
5. a word is any run of letters or digits in any script;
6. a run of one repeated letter is squeezed to one ("breatheee" → "breathe", "kill" → "kil");
7. a spaced apostrophe is rejoined ("can t" → "cant") and "my self" reads as "myself".
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORD = 40
"""Longer runs of letters are cut: no real word is longer, and it keeps the scan linear."""

_APOSTROPHES = re.compile("['’‘`´ʼʻ′＇]+")
_ELISION = re.compile("\\b([dljmtnsc]|qu)['’‘`´ʼʻ′＇](?=\\w)", re.IGNORECASE)
"""French and Italian elision ("d'en", "j'ai", "l'aria") splits; an English "can't" joins."""
_WORD = re.compile(rf"[^\W_]{{1,{MAX_WORD}}}")
_REPEATS = re.compile(r"([^\W\d_])\1+")
_SPECIAL = (("ı", "i"), ("ł", "l"), ("ø", "o"), ("đ", "d"), ("æ", "ae"), ("œ", "oe"))


# Accents left by NFKD on Latin, Greek and Cyrillic letters, and the invisible format marks
# (soft hyphen, zero-width space and joiners, direction marks, word joiner, BOM). Vowel signs
# of Indic scripts are not accents and stay.
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]+"
)
_SELF_OWNERS = frozenset({"my", "him", "her", "your", "them", "it", "one", "our"})
_SPACED_CONTRACTION = frozenset({"t"})


def fold(text: str) -> str:
    """Steps 1 to 4: the text in one case, without accents, apostrophes or invisible marks."""
    text = _APOSTROPHES.sub("", _ELISION.sub(r"\1 ", text))
    if text.isascii():  # the common case, and nothing below changes plain ASCII but case
        return text.lower()
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text)).casefold()
    for letter, plain in _SPECIAL:  # letters NFKD does not split into base and accent
        if letter in text:
            text = text.replace(letter, plain)
    decomposed = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFKC", decomposed)


def _first(match: re.Match[str]) -> str:
    return match[1]


def squeeze(word: str) -> str:
    """ "breatheee" → "breathe": a run of one repeated letter counts once."""
    return _REPEATS.sub(_first, word)


def words(text: str) -> list[str]:
    """The comparable words of `text`, in order."""
    found: list[str] = []
    for word in _WORD.findall(squeeze(fold(text))):
        if found and _joins(found[-1], word):
            found[-1] += word
        else:
            found.append(word)
    return found


def _joins(previous: str, word: str) -> bool:
    if word in _SPACED_CONTRACTION:
        return previous.endswith("n")  # "can t", "don t", "won t", "isn t"
    return word in ("self", "selves") and previous in _SELF_OWNERS
