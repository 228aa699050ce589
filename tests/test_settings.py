"""The settings readers fail loudly on malformed values."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str, load_dotenv


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("RELINT_FLAG", "yes")
    assert env_bool("RELINT_FLAG", False) is True
    monkeypatch.setenv("RELINT_FLAG", "0")
    assert env_bool("RELINT_FLAG", True) is False
    monkeypatch.setenv("RELINT_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="RELINT_FLAG"):
        env_bool("RELINT_FLAG", False)


def test_it_reads_integers_with_a_minimum(monkeypatch):
    monkeypatch.setenv("RELINT_N", "12")
    assert env_int("RELINT_N", 1) == 12
    monkeypatch.setenv("RELINT_N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("RELINT_N", 1)
    monkeypatch.setenv("RELINT_N", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("RELINT_N", 1, minimum=0)


def test_it_requires_a_value_without_default(monkeypatch):
    monkeypatch.delenv("RELINT_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="RELINT_REQUIRED"):
        env_str("RELINT_REQUIRED")


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("RELINT_HOSTS", "a.example, b.example,,")
    assert env_list("RELINT_HOSTS", []) == ["a.example", "b.example"]


def test_a_dotenv_file_never_overrides_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RELINT_A", "from-environment")
    monkeypatch.delenv("RELINT_B", raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nRELINT_A=from-file\nRELINT_B='quoted value'\n", encoding="utf-8")
    load_dotenv(dotenv)
    import os

    assert os.environ["RELINT_A"] == "from-environment"
    assert os.environ["RELINT_B"] == "quoted value"
    monkeypatch.delenv("RELINT_B")


def test_a_malformed_dotenv_line_is_named(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("JUSTAWORD\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=r"\.env:1"):
        load_dotenv(dotenv)


def test_production_settings_refuse_to_start_without_a_secret_key():
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RELINT_ENV_FILE": "/nonexistent/.env",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_it_refuses_a_value_outside_the_choices(monkeypatch):
    monkeypatch.setenv("RELINT_LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env_choice("RELINT_LEVEL", "INFO", ("INFO", "DEBUG"))
    monkeypatch.setenv("RELINT_LEVEL", "DEBUG")
    assert env_choice("RELINT_LEVEL", "INFO", ("INFO", "DEBUG")) == "DEBUG"
