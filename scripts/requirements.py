"""Prints what `make` is about to install, read from pyproject.toml (standard library only)."""

import re
import tomllib
from pathlib import Path

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]


def names(requirements: list[str]) -> str:
    return ", ".join(
        re.split(r"[\[<>=~! ;]", requirement, maxsplit=1)[0] for requirement in requirements
    )


print("  for the bot:", names(project["dependencies"]))
print("  for tests and checks:", names(project["optional-dependencies"]["dev"]))
