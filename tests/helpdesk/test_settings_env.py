"""Configuration comes from the environment and a bad value stops start-up with a clear message."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpdesk.settings.env import env_bool, env_int, env_list, env_url

REPO_ROOT = Path(__file__).resolve().parents[2]
# Only what a Python process needs to run; none of the project's variables leak in from the
# test process (whose settings module sets SECRET_KEY and VAR_DIR, and CI sets DATABASE_URL).
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
GOOD_SECRET = "k" * 25 + "Q7!x" * 5 + "0" * 5  # 50 characters
# Production also needs the key that encrypts platform credentials (a Fernet key).
CREDENTIALS_KEY = "6QY8jtWtfPPUYOrLd3Mm6m2mvULkMeaHyCH0wgwKz_4="


def clean_env(**variables: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    env.update(variables)
    return env


def import_base_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import helpdesk.settings.base"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def error_line(stderr: str) -> str:
    """The exception line of a traceback (its last line), not the source lines above it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ""


# --- the readers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("false", False),
        ("no", False),
    ],
)
def test_env_bool_reads_the_usual_spellings_of_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("HD_TEST_FLAG", raw)

    assert env_bool("HD_TEST_FLAG", default=not expected) is expected


def test_env_bool_falls_back_to_the_default_when_the_variable_is_unset(monkeypatch):
    monkeypatch.delenv("HD_TEST_FLAG", raising=False)

    assert env_bool("HD_TEST_FLAG", default=True) is True
    assert env_bool("HD_TEST_FLAG", default=False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "tru"])
def test_env_bool_rejects_a_value_that_is_not_a_boolean_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("HD_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="HD_TEST_FLAG"):
        env_bool("HD_TEST_FLAG")


def test_env_int_reads_an_integer(monkeypatch):
    monkeypatch.setenv("HD_TEST_PORT", "2525")

    assert env_int("HD_TEST_PORT", 587, minimum=1) == 2525


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_int_falls_back_to_the_default_when_unset_or_empty(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("HD_TEST_PORT", raising=False)
    else:
        monkeypatch.setenv("HD_TEST_PORT", raw)

    assert env_int("HD_TEST_PORT", 587) == 587


@pytest.mark.parametrize("raw", ["abc", "25.5", "1e3"])
def test_env_int_rejects_a_value_that_is_not_an_integer_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("HD_TEST_PORT", raw)

    with pytest.raises(ImproperlyConfigured, match="HD_TEST_PORT must be an integer"):
        env_int("HD_TEST_PORT", 587)


def test_env_int_rejects_a_value_below_the_minimum_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("HD_TEST_PORT", "0")

    with pytest.raises(ImproperlyConfigured, match="HD_TEST_PORT must be at least 1"):
        env_int("HD_TEST_PORT", 587, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HD_TEST_HOSTS", " helpdesk.example.com, ,api.example.com,, ")

    assert env_list("HD_TEST_HOSTS") == ["helpdesk.example.com", "api.example.com"]


def test_env_list_returns_a_copy_of_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("HD_TEST_HOSTS", raising=False)
    default = ["localhost"]

    hosts = env_list("HD_TEST_HOSTS", default)
    hosts.append("evil.example.com")

    assert hosts == ["localhost", "evil.example.com"]
    assert default == ["localhost"]


def test_env_list_set_but_empty_means_an_empty_list_not_the_default(monkeypatch):
    monkeypatch.setenv("HD_TEST_HOSTS", "")

    assert env_list("HD_TEST_HOSTS", ["localhost"]) == []


@pytest.mark.parametrize(
    "raw",
    [
        "postgres://helpdesk:secret@db.internal:5432/helpdesk",
        "postgresql://127.0.0.1/helpdesk",
        "sqlite:////srv/helpdesk/var/db.sqlite3",
    ],
)
def test_env_url_accepts_a_url_with_an_allowed_scheme(monkeypatch, raw):
    monkeypatch.setenv("HD_TEST_DB", raw)

    assert env_url("HD_TEST_DB", schemes=("postgres", "postgresql", "sqlite")) == raw


def test_env_url_is_empty_when_unset_and_there_is_no_default(monkeypatch):
    monkeypatch.delenv("HD_TEST_DB", raising=False)

    assert env_url("HD_TEST_DB", schemes=("postgres",)) == ""


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("mysql://db.internal/helpdesk", "must start with one of"),
        ("db.internal:5432/helpdesk", "must start with one of"),
        ("postgres://", "names no host or database"),
        ("postgres://db.internal:port/helpdesk", "invalid port"),
    ],
)
def test_env_url_rejects_a_bad_url_and_names_the_variable(monkeypatch, raw, problem):
    monkeypatch.setenv("HD_TEST_DB", raw)

    with pytest.raises(ImproperlyConfigured, match=rf"^HD_TEST_DB .*{problem}"):
        env_url("HD_TEST_DB", schemes=("postgres", "postgresql"))


# --- the settings module at start-up ------------------------------------------------------


def test_base_settings_import_with_only_a_long_secret_key_and_a_credentials_key():
    result = import_base_settings(clean_env(SECRET_KEY=GOOD_SECRET, PLATFORM_CREDENTIALS_KEY=CREDENTIALS_KEY))

    assert len(GOOD_SECRET) == 50
    assert result.returncode == 0, result.stderr


def test_base_settings_refuse_to_start_without_a_secret_key():
    result = import_base_settings(clean_env())

    assert result.returncode != 0
    assert "ImproperlyConfigured" in error_line(result.stderr)
    assert "SECRET_KEY" in error_line(result.stderr)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x/y"),
        ("REDIS_URL", "http://localhost"),
        ("EMAIL_PORT", "abc"),
    ],
)
def test_base_settings_refuse_to_start_with_a_bad_value_and_name_the_variable(variable, value):
    result = import_base_settings(clean_env(SECRET_KEY=GOOD_SECRET, **{variable: value}))

    assert result.returncode != 0
    message = error_line(result.stderr)
    assert message.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert variable in message
    assert value in message


def test_production_settings_pass_the_deploy_checks(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    secret_key = "".join(secrets.choice(alphabet) for _ in range(60))
    env = clean_env(
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="helpdesk.example.com",
        VAR_DIR=str(tmp_path),
        PLATFORM_CREDENTIALS_KEY=CREDENTIALS_KEY,
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_short_secret_key_refuses_to_start_in_production():
    result = subprocess.run(
        [sys.executable, "-c", "import helpdesk.settings.base"],
        cwd=REPO_ROOT,
        env={**os.environ, "SECRET_KEY": "s" * 40, "DEBUG": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_the_platform_credentials_key():
    result = import_base_settings(clean_env(SECRET_KEY=GOOD_SECRET))

    assert result.returncode != 0
    assert "PLATFORM_CREDENTIALS_KEY is not set" in error_line(result.stderr)


def test_a_bad_platform_credentials_key_refuses_to_start():
    result = import_base_settings(
        clean_env(SECRET_KEY=GOOD_SECRET, PLATFORM_CREDENTIALS_KEY="not-a-fernet-key")
    )

    assert result.returncode != 0
    assert "PLATFORM_CREDENTIALS_KEY must be" in error_line(result.stderr)


def test_debug_runs_without_a_platform_credentials_key():
    result = import_base_settings(clean_env(SECRET_KEY=GOOD_SECRET, DEBUG="true"))

    assert result.returncode == 0, result.stderr
