"""The settings of a scaled deployment: roles, the shared budget, health port, pool size and
log format, each read from its variable and refused with one line naming it when malformed."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ConfigError, Settings


def test_a_scaled_replica_reads_every_setting_it_needs() -> None:
    settings = Settings.from_mapping(
        {
            "REDIS_URL": "redis://redis:6379/0",
            "RUN_DISPATCHER": "true",
            "HEALTH_PORT": "9090",
            "DATABASE_POOL_SIZE": "3",
            "DATABASE_MAX_OVERFLOW": "2",
            "LOG_FORMAT": "JSON",
            "UPDATE_LEASE_SECONDS": "30",
        }
    )
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.run_dispatcher is True
    assert settings.health_port == 9090
    assert (settings.database_pool_size, settings.database_max_overflow) == (3, 2)
    assert settings.log_format == "json"
    assert settings.update_lease == dt.timedelta(seconds=30)


def test_by_default_a_process_keeps_ten_connections_at_most_and_no_health_port() -> None:
    settings = Settings.from_mapping({})
    assert settings.database_pool_size + settings.database_max_overflow == 10
    assert settings.health_port is None and settings.redis_url is None
    assert settings.run_dispatcher is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDIS_URL", "http://redis:6379"),
        ("RUN_DISPATCHER", "sometimes"),
        ("HEALTH_PORT", "70000"),
        ("DATABASE_POOL_SIZE", "0"),
        ("LOG_FORMAT", "xml"),
        ("UPDATE_LEASE_SECONDS", "0"),
    ],
)
def test_a_malformed_scaling_setting_is_refused_naming_its_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_mapping({name: value})
    assert str(refused.value).startswith(name)
