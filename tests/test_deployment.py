"""Production serving: storage and cache chosen by the environment, the gunicorn config, the bench URLs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "mal.example.org"}


def settings_in_child(code: str, **env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REDIS_")) and k != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "vision.settings", **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_media_goes_to_object_storage_when_a_bucket_is_named():
    code = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, "
        "s.endpoint_url, s.default_acl, s.file_overwrite)"
    )
    out = settings_in_child(
        code, AWS_STORAGE_BUCKET_NAME="vision-media", AWS_S3_ENDPOINT_URL="https://s3.example.internal"
    )
    assert out == "S3Storage vision-media https://s3.example.internal None False"


def test_media_stays_on_disk_without_a_bucket():
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    assert settings_in_child(code) == "django.core.files.storage.FileSystemStorage"


def test_the_cache_is_redis_when_redis_url_is_set():
    code = (
        "from django.core.cache import caches; from goals.cache import cache_seconds; "
        "import redis; print(type(caches['default']).__name__, cache_seconds())"
    )
    # Constructing the backend needs no server; the redis package must be installed.
    out = settings_in_child(code, REDIS_URL="redis://127.0.0.1:6379/15")
    assert out == "RedisCache 86400"


def test_gunicorn_config_is_valid_and_read_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "gunicorn.conf.py", "vision.wsgi"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, "GUNICORN_BIND": "127.0.0.1:8123", "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    code = "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['bind'], c['workers'], c['worker_class'])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "GUNICORN_BIND": "127.0.0.1:8123", "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "['127.0.0.1:8123'] 3 sync"


def test_the_bare_benchmark_view_is_not_among_the_products_urls(db):
    with pytest.raises(NoReverseMatch):
        reverse("bench-bare")


def test_period_versions_work_on_redis():
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    code = (
        "from django.core.cache import cache; from goals import cache as c; cache.clear(); "
        "a = c.period_version(1); c.bump_period_versions([1]); b = c.period_version(1); "
        "c.bump_period_versions([None]); d = c.period_version(1); cache.clear(); print(a != b, b != d)"
    )
    assert settings_in_child(code, REDIS_URL="redis://127.0.0.1:6379/15") == "True True"
