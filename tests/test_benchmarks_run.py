"""The benchmarks still run against today's bot: `bench/dispatch.py` at a small size, and the
one-person and floor cases of `bench/updates.py`, whose scripted people follow today's
conversation. Figures are not checked here (docs/benchmarks.md has them); that they come out
at all is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_dispatcher_benchmark_sends_what_falls_due() -> None:
    row = _run("bench/dispatch.py", "500").strip().splitlines()[-1]
    cells = [cell.strip().replace(",", "") for cell in row.strip("|").split("|")]
    people, due, sent = cells[0], cells[6], cells[7]
    assert people == "500"
    assert int(due) > 0 and int(sent) > 0


def test_the_one_person_benchmark_gets_through_triages_to_their_results() -> None:
    out = _run("bench/updates.py", "--only", "one", "--seconds", "2")
    steps = re.search(r"'steps': (\d+)", out)
    assert steps is not None, out[-2000:]
    assert int(steps.group(1)) >= 11  # at least one whole triage: ten answers and the review


def test_the_floor_benchmark_answers_the_same_questionnaire() -> None:
    out = _run("bench/updates.py", "--only", "floor", "--seconds", "2")
    rate = re.search(r"'floor': \{'rate': ([\d.]+)", out)
    assert rate is not None, out[-2000:]
    assert float(rate.group(1)) > 0  # its scripted people got through steps
