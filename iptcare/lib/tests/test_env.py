import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from iptcare.lib.env import env_bool, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[3]


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_secret("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 0)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secrets():
    result = _manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_the_demo_and_sqlite(tmp_path):
    env = {
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEYS": "ZmFrZS1rZXktZm9yLXRoZS10ZXN0LW9ubHktMDEyMzQ=",
        "IPTCARE_VAR_DIR": str(tmp_path),
    }
    result = _manage("demo", **env)
    assert result.returncode != 0
    assert "refuses to run against a production configuration" in result.stderr
    result = _manage("check", "--deploy", **env)
    assert "iptcare.E001" in result.stderr
