"""The layers of DESIGN.md: imports point one way (bot → scheduler → storage; anyone may import
triage; triage imports nobody but the standard library); only bot/config.py reads the
environment."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("triage", "storage", "scheduler", "bot")
ALLOWED = {
    "triage": {"triage"},
    "storage": {"storage", "triage"},
    "scheduler": {"scheduler", "storage", "triage"},
    "bot": {"bot", "scheduler", "storage", "triage"},
}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", PACKAGES)
def test_each_layer_imports_only_the_layers_beneath_it(package: str) -> None:
    crossings = [
        f"{path.relative_to(ROOT)} imports {root}"
        for path in modules(package)
        for root in imported_roots(path)
        if root in PACKAGES and root not in ALLOWED[package]
    ]
    assert crossings == []


def test_the_triage_core_uses_only_the_standard_library() -> None:
    outside = [
        f"{path.relative_to(ROOT)} imports {root}"
        for path in modules("triage")
        for root in imported_roots(path)
        if root not in sys.stdlib_module_names and root != "triage" and root != "__future__"
    ]
    assert outside == []


def test_only_the_configuration_module_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in modules(package)
        if ("os.environ" in path.read_text() or "getenv" in path.read_text())
        and path != ROOT / "bot" / "config.py"
    ]
    assert readers == []


def test_the_boundary_check_notices_a_crossing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.app import build_application\nimport sqlalchemy\n")
    assert imported_roots(bad) == {"bot", "sqlalchemy"}


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports by name, `from bot import x` counted as `bot.x`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_notifier_sends_without_importing_any_handler() -> None:
    imported = imported_modules(ROOT / "bot" / "notifier.py")
    assert sorted(m for m in imported if m.startswith("bot.handlers")) == []
