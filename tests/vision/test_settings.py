import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_is_a_clear_start_up_error():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="intranat.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_without_allowed_hosts_is_a_clear_start_up_error():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_bad_boolean_is_refused():
    result = run_check(DEBUG="kanske")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_start_when_given():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="intranat.example.org")
    assert result.returncode == 0, result.stderr
