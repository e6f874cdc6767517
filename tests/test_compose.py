"""docker-compose.yml agrees with the code: every bot service runs a real subcommand with only
variables bot/config.py reads, depends only on services that exist, and the two profiles hold
what README's "Deploying" section says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import parser
from bot.config import ENV_NAMES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
BOT_SERVICES = {name: service for name, service in SERVICES.items() if "build" in service}


def subcommands() -> set[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return set(action.choices or ())


def profile(name: str) -> dict[str, dict[str, Any]]:
    return {key: svc for key, svc in SERVICES.items() if name in svc.get("profiles", [])}


@pytest.mark.parametrize("name", sorted(BOT_SERVICES))
def test_each_bot_service_runs_a_subcommand_the_command_line_has(name: str) -> None:
    command = BOT_SERVICES[name].get("command", ["python", "-m", "bot", "run"])
    assert command[:3] == ["python", "-m", "bot"]
    assert command[3] in subcommands()


@pytest.mark.parametrize("name", sorted(BOT_SERVICES))
def test_each_bot_service_sets_only_variables_the_configuration_reads(name: str) -> None:
    assert set(BOT_SERVICES[name]["environment"]) <= set(ENV_NAMES.values())


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_dependency_is_a_service_of_the_same_profile(name: str) -> None:
    profiles = set(SERVICES[name].get("profiles", []))
    for other in SERVICES[name].get("depends_on", {}):
        assert other in SERVICES
        assert set(SERVICES[other].get("profiles", [])) == profiles


def test_the_default_profile_is_one_polling_bot_on_a_sqlite_volume() -> None:
    default = {key: svc for key, svc in SERVICES.items() if not svc.get("profiles")}
    assert list(default) == ["bot"]
    assert default["bot"]["environment"]["DATABASE_URL"].startswith("sqlite+aiosqlite:////data/")
    assert "data:/data" in default["bot"]["volumes"]


def test_the_scaled_profile_migrates_once_then_runs_two_replicas_a_worker_and_a_proxy() -> None:
    scaled = profile("scaled")
    commands = {key: svc["command"][3] for key, svc in scaled.items() if "build" in svc}
    assert sorted(commands.values()) == [
        "migrate", "set-webhook", "webhook", "webhook", "worker"
    ]  # fmt: skip
    for key, command in commands.items():
        if command in {"webhook", "worker"}:
            condition = scaled[key]["depends_on"]["migrate"]["condition"]
            assert condition == "service_completed_successfully"
    assert {"postgres", "redis", "proxy"} <= set(scaled)
    for svc in scaled.values():
        if "build" in svc:
            assert svc["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
            assert svc["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_the_proxy_sends_telegram_calls_to_both_replicas_and_exposes_nothing_else() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text("utf-8")
    assert re.search(
        r"handle /telegram \{\s*reverse_proxy webhook-1:8080 webhook-2:8080", caddyfile
    )
    assert "health_uri /readyz" in caddyfile
    assert "respond 404" in caddyfile


def test_the_readme_configuration_table_names_every_variable_the_bot_reads() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in ENV_NAMES.values() if f"`{name}`" not in table]
    assert missing == []


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is absent")
@pytest.mark.parametrize("profiles", [[], ["--profile", "scaled"]], ids=["default", "scaled"])
def test_docker_compose_accepts_the_file(profiles: list[str]) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TELEGRAM_BOT_TOKEN": "1:x",
        "PUBLIC_HOST": "bot.example.org",
        "WEBHOOK_SECRET": "a-long-webhook-secret",
        "POSTGRES_PASSWORD": "pw",
    }
    checked = subprocess.run(
        ["docker-compose", *profiles, "config", "-q"], cwd=ROOT, env=env, capture_output=True
    )
    assert checked.returncode == 0, checked.stderr.decode()
