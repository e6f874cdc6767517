"""Configuration: read from a plain mapping; a bad value stops start-up with one plain line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, Settings

GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def test_defaults_need_nothing_but_give_a_sqlite_file_and_telegrams_api() -> None:
    settings = Settings.from_mapping({})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.bot_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_bot_token is None


def test_the_api_url_is_where_the_bot_calls_bot_token_method() -> None:
    settings = Settings.from_mapping({"TELEGRAM_API_URL": "http://127.0.0.1:8081/"})
    assert settings.bot_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        pytest.param(
            "TELEGRAM_BOT_TOKEN", "not-a-token", "does not look like a bot token", id="token"
        ),
        pytest.param("CLOCK_SPEED", "fast", "valid number", id="clock-speed-word"),
        pytest.param("CLOCK_SPEED", "0", "greater than 0", id="clock-speed-zero"),
        pytest.param("DATABASE_URL", "mysql://x/y", "must use sqlite", id="database-driver"),
        pytest.param("DATABASE_URL", "::nonsense::", "not a database URL", id="database-garbage"),
        pytest.param("LOG_LEVEL", "LOUD", "DEBUG", id="log-level"),
        pytest.param("TELEGRAM_API_URL", "ftp://x", "http://", id="api-url"),
    ],
)
def test_a_malformed_value_names_the_variable_and_what_is_wrong(
    name: str, value: str, complaint: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_mapping({name: value})
    message = str(caught.value)
    assert message.startswith(name)
    assert complaint in message
    assert "\n" not in message


def test_the_token_never_shows_in_the_settings_repr() -> None:
    settings = Settings.from_mapping({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN})
    assert GOOD_TOKEN not in repr(settings)
    assert settings.telegram_bot_token == GOOD_TOKEN


def test_a_bad_value_stops_start_up_with_status_2_and_one_line_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"CLOCK_SPEED": "fast", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: CLOCK_SPEED Input should be a valid number, "
        "unable to parse string as a number"
    ]


def test_run_without_a_token_says_how_to_get_one_and_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is missing" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["run", "playground", "migrate", "webhook", "worker"])
def test_every_command_has_help(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "usage: python -m bot" in result.stdout


def test_webhook_mode_without_its_url_and_secret_stops_with_status_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "webhook"],
        env={"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": GOOD_TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "WEBHOOK_URL and WEBHOOK_SECRET" in result.stderr


def test_a_webhook_secret_too_short_to_be_safe_is_refused() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET must be 16 to 256"):
        Settings.from_mapping({"WEBHOOK_SECRET": "short"})


def test_the_default_limits_are_five_seconds_per_statement_and_two_per_lock() -> None:
    settings = Settings.from_mapping({})
    assert (settings.db_statement_timeout, settings.db_lock_timeout) == (5.0, 2.0)
    tuned = Settings.from_mapping(
        {"DB_STATEMENT_TIMEOUT_SECONDS": "1.5", "DB_LOCK_TIMEOUT_SECONDS": "0.5"}
    )
    assert (tuned.db_statement_timeout, tuned.db_lock_timeout) == (1.5, 0.5)
