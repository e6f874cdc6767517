"""Prints how the free-text safety net does on the labelled corpus (spec §2.1 item 8).

python bench/safety_corpus.py           # recall per category, false-alarm rate
python bench/safety_corpus.py --misses  # and every miss and false alarm
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.triage.corpus import HERE, HOLDOUT, NOTHING, Sample, load, score
from triage.keywords import scan


def main(argv: list[str]) -> None:
    report("corpus", load(HERE), "--misses" in argv)
    report("held-out messages (never used for tuning)", load(HOLDOUT), "--misses" in argv)


def report(title: str, samples: list[Sample], misses: bool) -> None:
    result = score(samples, scan)
    languages = Counter(sample.language for sample in samples)
    print(f"{title}: {len(samples)} messages in {len(languages)} languages")
    for label, recall in sorted(result.recall.items()):
        print(f"  recall {label:<17} {recall:7.1%}  of {result.counts[label]}")
    rate, harmless = result.false_alarm_rate, result.counts[NOTHING]
    print(f"  false alarms              {rate:7.1%}  of {harmless}")
    if misses:
        for sample in result.missed:
            print(f"  missed {sample.label} [{sample.language}] {sample.text}")
        for sample in result.false_alarms:
            print(f"  false alarm [{sample.language}] {sample.text} -> {sorted(scan(sample.text))}")


if __name__ == "__main__":
    main(sys.argv[1:])
