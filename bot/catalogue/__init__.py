"""The message catalogue: every word a person reads, keyed by id.

Each language is a folder of TOML files (`en/onboarding.toml`, `en/triage.toml`, ...) merged
by dotted key, so another language is a new folder. A person gets the catalogue of their
Telegram language when one exists, English otherwise, and English fills any missing key.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from bot.countries import KINDS, LEGACY_EU, country, line_text, region

HERE = Path(__file__).parent
DEFAULT_LANGUAGE = "en"


class MissingMessage(KeyError):
    """A catalogue key that no language defines."""


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        elif isinstance(value, list):
            flat.update({f"{path}.{i}": str(item) for i, item in enumerate(value)})
        else:
            flat[path] = str(value)
    return flat


def load_file(path: Path) -> dict[str, str]:
    """One TOML catalogue file, flattened to dotted keys."""
    with path.open("rb") as handle:
        return _flatten(tomllib.load(handle))


def load_language(folder: Path) -> dict[str, str]:
    """All TOML files of one language folder, flattened to dotted keys."""
    messages: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        flat = load_file(path)
        clash = set(flat) & set(messages)
        if clash:
            raise ValueError(f"{path.name} repeats keys: {sorted(clash)[:3]}")
        messages.update(flat)
    return messages


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Catalogue:
    """Messages of one language, with English underneath."""

    def __init__(self, messages: Mapping[str, str], fallback: Mapping[str, str] | None = None):
        self._messages = {**(fallback or {}), **messages}

    def has(self, key: str) -> bool:
        return key in self._messages

    def with_messages(self, overrides: Mapping[str, str]) -> Catalogue:
        """This catalogue with `overrides` in place of its own words for those keys."""
        return Catalogue(overrides, self._messages)

    def keys(self) -> frozenset[str]:
        return frozenset(self._messages)

    def raw(self, key: str) -> str:
        try:
            return self._messages[key]
        except KeyError:
            raise MissingMessage(key) from None

    def text(self, key: str, /, **values: object) -> str:
        """The message `key` with `{name}` placeholders filled from `values`."""
        return string.Formatter().vformat(self.raw(key), (), _Defaults(**_strs(values)))

    def variants(self, prefix: str) -> list[str]:
        """Keys under `prefix.` in order (`nudge.N_HYDRATE.default.0`, `.1`, ...)."""
        found = [key for key in self._messages if key.startswith(prefix + ".")]
        return sorted(found, key=_natural)

    def services(self, code: str | None) -> dict[str, str]:
        """`emergency`, `urgent` and `crisis` placeholder values for a country: the catalogue's
        own words for it when it has them, else the table's, else the generic words."""
        return {kind: self._service(region(code), kind) for kind in KINDS}

    def _service(self, code: str | None, kind: str) -> str:
        own = f"service.{(code or '').lower()}.{kind}"
        if code and self.has(own):
            return self.raw(own)
        verified = line_text(code, kind)
        if verified is not None:
            return verified
        known = country(code) is not None or code == LEGACY_EU
        return self.raw(f"service.{'default' if known else 'other'}.{kind}")


def _strs(values: Mapping[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in values.items()}


def _natural(key: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in key.split("."))


@cache
def languages() -> dict[str, Catalogue]:
    english = load_language(HERE / DEFAULT_LANGUAGE)
    found = {DEFAULT_LANGUAGE: Catalogue(english)}
    for folder in sorted(HERE.iterdir()):
        if folder.is_dir() and folder.name not in found and any(folder.glob("*.toml")):
            found[folder.name] = Catalogue(load_language(folder), english)
    return found


def catalogue_for(language_code: str | None) -> Catalogue:
    """The catalogue for a Telegram language code ("en-GB" → "en"), English by default."""
    available = languages()
    code = (language_code or DEFAULT_LANGUAGE).split("-")[0].lower()
    return available.get(code, available[DEFAULT_LANGUAGE])
