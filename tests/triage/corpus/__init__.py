"""The labelled corpus of the free-text safety net (spec §2.1 item 8), and its scoring.

Each `<label>.txt` holds messages one per line; `## xx` sets the language of the lines below
it and `#` starts a comment. `emergency`, `crisis` and `disease_question` must show their
answer; `nothing` must raise no alarm. `holdout/` has the same shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from triage.keywords import DANGER, Concern

HERE = Path(__file__).parent
HOLDOUT = HERE / "holdout"
"""Messages written after the phrase lists were tuned, never used to tune them."""
NOTHING = "nothing"


@dataclass(frozen=True)
class Sample:
    text: str
    label: str
    language: str


@dataclass(frozen=True)
class Score:
    recall: dict[str, float]
    false_alarm_rate: float
    missed: list[Sample]
    false_alarms: list[Sample]
    counts: Counter[str]


def load(folder: Path = HERE) -> list[Sample]:
    samples: list[Sample] = []
    for path in sorted(folder.glob("*.txt")):
        language = "en"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                language = line[3:].strip()
            elif line.strip() and not line.startswith("#"):
                samples.append(Sample(line.strip(), path.stem, language))
    return samples


def score(samples: Iterable[Sample], scan: Callable[[str], frozenset[Concern]]) -> Score:
    """Recall per label and the false-alarm rate of `scan` over `samples`."""
    hits: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    missed: list[Sample] = []
    false_alarms: list[Sample] = []
    for sample in samples:
        found = scan(sample.text)
        counts[sample.label] += 1
        if sample.label == NOTHING:
            if found & DANGER:
                false_alarms.append(sample)
        elif Concern(sample.label) in found:
            hits[sample.label] += 1
        else:
            missed.append(sample)
    recall = {label: hits[label] / n for label, n in counts.items() if label != NOTHING}
    rate = len(false_alarms) / counts[NOTHING] if counts[NOTHING] else 0.0
    return Score(recall, rate, missed, false_alarms, counts)
