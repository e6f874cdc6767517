"""Modules stay small: no module of a checked package is over 300 lines."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 300
CHECKED_PACKAGES = ("triage", "storage", "scheduler")
"""Packages whose every module is held to the limit; add a package here to hold it too."""


def _modules() -> list[Path]:
    return sorted(path for package in CHECKED_PACKAGES for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("module", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_is_over_300_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines"
