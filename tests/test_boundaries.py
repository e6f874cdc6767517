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


# The edge of the bot: handlers parse an update, call one use case and render what it returns.
# STILL_OVER_300_LINES and HANDLERS_STILL_OVER_150_LINES list the modules that still break a
# size rule; each is asserted to be exactly today's set, so a module that shrinks must leave it
# and no new one can join it.
HANDLERS = ROOT / "bot" / "handlers"

STILL_OVER_300_LINES: set[str] = set()  # modules of bot/ longer than 300 lines
MAX_LINES = 300
LONG_BY_NATURE = {"bot/playground/server.py"}  # the Bot API stand-in: one table of methods
HANDLERS_STILL_OVER_150_LINES: set[str] = set()
MAX_HANDLER_LINES = 150  # a handler module parses, calls one use case and renders: it stays small


def handler_modules() -> list[Path]:
    return sorted(path for path in HANDLERS.glob("*.py") if path.name != "__init__.py")


def touches_storage(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    imported = imported_modules(path)
    repositories = {
        m
        for m in imported
        if m.split(".")[0] == "storage" and m.split(".")[:2] != ["storage", "models"]
    }
    return (
        "sqlalchemy" in imported_roots(path)
        or bool(repositories)
        or ".sessions(" in text
        or "sessions.begin" in text
    )


def imports_a_handler(path: Path) -> bool:
    own = f"bot.handlers.{path.stem}"
    return any(
        m.startswith("bot.handlers.") and m != own and not m.startswith(f"{own}.")
        for m in imported_modules(path)
    )


def test_handlers_reach_storage_only_through_use_cases() -> None:
    assert [path.name for path in handler_modules() if touches_storage(path)] == []


def test_no_handler_module_imports_another() -> None:
    assert [path.name for path in handler_modules() if imports_a_handler(path)] == []


@pytest.mark.parametrize("name", ["notifier.py", "runner.py"])
def test_the_notifier_and_the_runner_import_no_handler(name: str) -> None:
    imported = imported_modules(ROOT / "bot" / name)
    assert sorted(m for m in imported if m.startswith("bot.handlers")) == []


def test_no_module_of_the_bot_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(ROOT))
        for path in modules("bot")
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    assert long - LONG_BY_NATURE == STILL_OVER_300_LINES


def test_no_handler_module_is_over_150_lines() -> None:
    long = {
        path.name
        for path in handler_modules()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_HANDLER_LINES
    }
    assert long == HANDLERS_STILL_OVER_150_LINES


def test_the_storage_check_allows_models_and_notices_a_repository(tmp_path: Path) -> None:
    fine = tmp_path / "fine.py"
    fine.write_text("from storage.models import User\n")
    bad = tmp_path / "bad.py"
    bad.write_text("from storage.users import UserRepository\n")
    assert (touches_storage(fine), touches_storage(bad)) == (False, True)


def test_the_handler_check_notices_a_handler_importing_another(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.handlers import triage\n")
    assert imports_a_handler(bad)
