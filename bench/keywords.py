"""How long the free-text safety net takes on the longest message Telegram delivers.

    python bench/keywords.py

Telegram caps a message at 4,096 characters; the scan must stay linear in the length and
under 5 ms for such a message (issue 14). Prints the fastest and the median of 50 runs for
ordinary and hostile shapes of text: repeated sentences, every word different, other
scripts, one endless word, invisible characters, and text full of danger words.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage.keywords import scan

LIMIT = 4096
RUNS = 50


def _random_words(alphabet: str, seed: int) -> str:
    rng = random.Random(seed)
    found: list[str] = []
    while sum(len(w) + 1 for w in found) < LIMIT:
        found.append("".join(rng.choice(alphabet) for _ in range(rng.randint(2, 12))))
    return " ".join(found)


SHAPES = {
    "english sentences": "my calf twitches after coffee and I worry about it a lot. ",
    "danger phrases": "chest pain, can't breathe, I want to kill myself, could it be ALS? ",
    "russian sentences": "у меня дёргается веко и я переживаю за всё это. ",
    "every word different (latin)": _random_words("abcdefghijklmnopqrstuvwxyz", 1),
    "every word different (cyrillic)": _random_words("абвгдеёжзийклмнопрстуфхцчшщыьэюя", 2),
    "every word different (accents)": _random_words("aeiouáéíóúñçàèìòùäöüß", 3),
    "one endless word": "a",
    "zero-width joiners": "c\u200ba\u200bn\u200bt ",
    "full-width letters": "ＩＣＡＮＴＢＲＥＡＴＨＥ ",
    "ideographs": "".join(chr(0x4E00 + i) for i in range(LIMIT)),
}


def measure(text: str) -> tuple[float, float]:
    scan(text)
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        scan(text)
        runs.append(time.perf_counter() - start)
    return min(runs) * 1000, statistics.median(runs) * 1000


def main() -> None:
    print(f"safety-net scan of a {LIMIT}-character message, {RUNS} runs (ms)")
    print(f"  {'shape':<34} {'fastest':>8} {'median':>8}")
    for name, seed in SHAPES.items():
        text = (seed * (LIMIT // len(seed) + 1))[:LIMIT]
        fastest, median = measure(text)
        print(f"  {name:<34} {fastest:8.2f} {median:8.2f}")


if __name__ == "__main__":
    main()
