import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from console import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", ["maybe", "2", "yess"])
def test_bool_rejects_bad_values(value):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG", False, environ={"DEBUG": value})


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("off", False), ("TRUE", True)])
def test_bool_accepts_usual_spellings(value, expected):
    assert env.env_bool("DEBUG", not expected, environ={"DEBUG": value}) is expected


def test_int_rejects_text_and_range():
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("Q_WORKERS", 2, environ={"Q_WORKERS": "two"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("Q_WORKERS", 2, minimum=1, environ={"Q_WORKERS": "0"})


def test_list_rejects_empty_items():
    assert env.env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.com, b.com"}) == [
        "a.com",
        "b.com",
    ]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env.env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.com,,b.com"})


def test_url_rejects_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_url(
            "DATABASE_URL", None, ("sqlite", "postgres"), environ={"DATABASE_URL": "mysql://x"}
        )


def test_allowlist_accepts_hosts_and_networks_only():
    assert env.env_allowlist(
        "CONSOLE_OUTBOUND_ALLOWLIST",
        environ={"CONSOLE_OUTBOUND_ALLOWLIST": "crm.internal,10.0.0.0/8,127.0.0.1"},
    ) == ["crm.internal", "10.0.0.0/8", "127.0.0.1"]
    with pytest.raises(ImproperlyConfigured, match="neither a host name nor a network"):
        env.env_allowlist(
            "CONSOLE_OUTBOUND_ALLOWLIST", environ={"CONSOLE_OUTBOUND_ALLOWLIST": "http://x/"}
        )


def _load_settings(**overrides) -> subprocess.CompletedProcess:
    """Import console.settings in a fresh interpreter with exactly these variables."""
    environ = {"PATH": os.environ["PATH"], "CONSOLE_LOCAL_DIR": str(ROOT / ".local" / "test")}
    environ.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import console.settings"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD = {
    "SECRET_KEY": "s" * 60,
    "FIELD_ENCRYPTION_KEY": "dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LTE=",
    "ALLOWED_HOSTS": "console.example.com",
}


def test_production_settings_load_with_real_keys():
    result = _load_settings(**GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY is required"),
        ({"DEBUG": "perhaps"}, "DEBUG must be true or false"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL must start with"),
        ({"Q_BROKER": "redis"}, "Q_BROKER=redis needs REDIS_URL"),
        ({"Q_WORKERS": "0"}, "Q_WORKERS must be at least 1"),
        ({"REDIS_URL": "http://cache"}, "REDIS_URL must start with"),
    ],
)
def test_production_refuses_bad_configuration(change, message):
    result = _load_settings(**{**GOOD, **change})
    assert result.returncode != 0
    assert message in result.stderr
