"""The free-text safety net: danger words in anything a person types (spec §2.1, §5.5, §5.6).

A phrase is a few slots that must appear in order within a short window of words, so "my
chest is really tight" matches `chest tight` and "no point in living" matches `no point
living`. A slot lists alternatives (`cant|cannot`); an alternative ending in `*` matches any
word it begins (`suicid*`). `~8 ...` widens one phrase's window to 8 words. Phrase lists live
in `triage.phrases` (English) and `triage.phrases_world` (other languages).

Matching, all of it linear in the message length:
* every word is looked up once: exactly, by its prefixes, and (7 letters or more) with one
  typo, through a table of single-letter deletions, never for an everyday word in
  `triage.typos` ("overdone" is not "overdose", "slurping" is not "slurring");
* a veto (`stroke of luck`, `dont want to die`) removes its words before phrases are looked for;
* CRISIS and EMERGENCY are both reported when both match, and either one silences a disease
  question (§2.1 item 2): "I'd rather be dead than have ALS" gets the crisis line.
Negations are not understood, on purpose: "no chest pain" still shows the emergency text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from triage import phrases, phrases_world, typos
from triage.normalise import MAX_WORD, squeeze, words


class Concern(StrEnum):
    """What the text seems to be about, in the order the bot must answer them."""

    CRISIS = "crisis"
    EMERGENCY = "emergency"
    DISEASE_QUESTION = "disease_question"


DANGER = frozenset({Concern.CRISIS, Concern.EMERGENCY})
TYPO_MIN_LETTERS = 7
WINDOW_SLACK = 3
"""A phrase of n slots matches when they all fall within n + 3 consecutive words."""


@dataclass(frozen=True)
class Phrase:
    concern: Concern
    slots: tuple[frozenset[str], ...]
    window: int
    source: str


def phrase_key(alternative: str) -> str:
    found = words(alternative.rstrip("*"))
    return "".join(found) + ("*" if alternative.endswith("*") else "")


def compile_phrase(concern: Concern, source: str) -> Phrase:
    parts = source.split()
    window = len(parts) + WINDOW_SLACK
    if parts[0].startswith("~"):
        window, parts = int(parts[0][1:]), parts[1:]
    slots = tuple(frozenset(phrase_key(alt) for alt in part.split("|")) for part in parts)
    return Phrase(concern, slots, max(window, len(slots)), source)


class Matcher:
    """Compiled phrase lists: `scan` a text for the concerns it names."""

    def __init__(
        self,
        phrase_lists: Mapping[Concern, Iterable[str]],
        vetoes: Iterable[str],
        ordinary: Iterable[str],
        typo_words: Iterable[str] = (),
    ) -> None:
        self._typo_keys = frozenset(phrase_key(word) for word in typo_words)
        self.phrases = tuple(
            compile_phrase(concern, source)
            for concern, sources in phrase_lists.items()
            for source in sources
        )
        self._sizes = [len(phrase.slots) for phrase in self.phrases]
        self._exact: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self._prefix: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self._deletions: dict[str, set[str]] = defaultdict(set)
        for index, phrase in enumerate(self.phrases):
            for slot_index, slot in enumerate(phrase.slots):
                for key in slot:
                    self._index(key, (index, slot_index))
        typo_keys = {k for keys in self._deletions.values() for k in keys}
        self._heads = frozenset(key[:2] for key in typo_keys)
        self._tails = frozenset(key[-2:] for key in typo_keys)
        lengths = [len(key) for key in self._typo_keys]
        self._typo_lengths = (TYPO_MIN_LETTERS - 1, max(lengths, default=0) + 1)
        self._prefix_lengths = sorted({len(prefix) for prefix in self._prefix})
        self._vetoes = tuple(tuple(words(v)) for v in vetoes)
        self._veto_starts = {veto[0] for veto in self._vetoes}
        self._ordinary = frozenset(squeeze(w) for o in ordinary for w in words(o))

    def _index(self, key: str, hit: tuple[int, int]) -> None:
        if key.endswith("*"):
            self._prefix[key[:-1]].add(hit)
            for word in self._typo_keys:  # "suicid*" still catches "suicdie"
                if word.startswith(key[:-1]):
                    self._index(word, hit)
            return
        self._exact[key].add(hit)
        if key in self._typo_keys:
            for deleted in _deletions(key):
                self._deletions[deleted].add(key)
            self._deletions[key].add(key)

    def scan(self, text: str) -> frozenset[Concern]:
        """The concerns named in `text`; a disease question only when nothing is dangerous."""
        found = {phrase.concern for phrase in self._matched(self._hits_of(text))}
        if found & DANGER:
            found.discard(Concern.DISEASE_QUESTION)
        return frozenset(found)

    def matched_phrases(self, text: str) -> list[str]:
        """The source of every phrase that matched `text` (for tests and the corpus report)."""
        return [phrase.source for phrase in self._matched(self._hits_of(text))]

    def _hits_of(self, text: str) -> list[frozenset[tuple[int, int]]]:
        known: dict[str, frozenset[tuple[int, int]]] = {}
        hits = []
        for token in self._without_vetoes(words(text)):
            if token not in known:
                known[token] = self._hits(token)
            hits.append(known[token])
        return hits

    def _matched(self, hits: Sequence[frozenset[tuple[int, int]]]) -> list[Phrase]:
        present = set().union(*hits)
        # Only a phrase whose every slot occurs somewhere can match: usually none.
        possible = {
            index
            for index, slot in present
            if slot == 0 and all((index, k) in present for k in range(self._sizes[index]))
        }
        matched: set[int] = set()
        for start, here in enumerate(hits):
            for index, slot in here:
                if slot or index not in possible or index in matched:
                    continue
                if self._completes(index, hits, start):
                    matched.add(index)
        return [self.phrases[i] for i in sorted(matched)]

    def _completes(
        self, index: int, hits: Sequence[frozenset[tuple[int, int]]], start: int
    ) -> bool:
        phrase, slot = self.phrases[index], 1
        end = min(len(hits), start + phrase.window)
        for position in range(start + 1, end):
            if slot == len(phrase.slots):
                break
            if (index, slot) in hits[position]:
                slot += 1
        return slot == len(phrase.slots)

    def _hits(self, token: str) -> frozenset[tuple[int, int]]:
        found: set[tuple[int, int]] = set(self._exact.get(token, ()))
        size = len(token)
        for end in self._prefix_lengths:
            if end > size:
                break
            prefixed = self._prefix.get(token[:end])
            if prefixed:
                found |= prefixed
        low, high = self._typo_lengths
        if low <= size <= high and self._may_be_typo(token):
            for key in self._near(token):
                found |= self._exact[key]
        return frozenset(found)

    def _may_be_typo(self, token: str) -> bool:
        """A cheap test before the deletion table: one edit leaves a long word's first two
        or last two letters intact, so a token sharing neither with any key is no typo."""
        if token in self._ordinary:
            return False
        return token[:2] in self._heads or token[-2:] in self._tails

    def _near(self, token: str) -> list[str]:
        """Keys one typo from `token`, through their shared single-letter deletions."""
        table = self._deletions
        candidates = list(table.get(token, ()))
        for i in range(len(token)):
            more = table.get(token[:i] + token[i + 1 :])
            if more:
                candidates.extend(more)
        return [key for key in candidates if one_edit(key, token)]

    def _without_vetoes(self, tokens: list[str]) -> list[str]:
        kept: list[str] = []
        position = 0
        while position < len(tokens):
            width = self._veto_at(tokens, position) if tokens[position] in self._veto_starts else 0
            if width:
                position += width
                continue
            kept.append(tokens[position])
            position += 1
        return kept

    def _veto_at(self, tokens: Sequence[str], position: int) -> int:
        for veto in self._vetoes:
            if tuple(tokens[position : position + len(veto)]) == veto:
                return len(veto)
        return 0


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(min(len(word), MAX_WORD))}


def one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) != len(b):
        short, long = (a, b) if len(a) < len(b) else (b, a)
        pairs = enumerate(zip(short, long, strict=False))
        first = next((i for i, (x, y) in pairs if x != y), len(short))
        return short[first:] == long[first + 1 :]
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
        return False
    i, j = diffs
    return a[i] == b[j] and a[j] == b[i]


MATCHER = Matcher(
    {
        Concern.CRISIS: (*phrases.CRISIS, *phrases_world.CRISIS),
        Concern.EMERGENCY: (*phrases.EMERGENCY, *phrases_world.EMERGENCY),
        Concern.DISEASE_QUESTION: phrases.DISEASE_QUESTION,
    },
    vetoes=(*phrases.VETOES, *phrases_world.VETOES),
    ordinary=typos.ORDINARY_WORDS,
    typo_words=typos.TYPO_WORDS,
)


def scan(text: str) -> frozenset[Concern]:
    """The concerns named in `text` (spec §2.1), empty when there are none."""
    return MATCHER.scan(text)
