"""The checks behind /healthz: each answers None when fine, or a short reason."""

import os
import secrets

from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connection

from vision.outage import sqlite_file

SQLITE_MISSING = "the SQLite file is missing"
SQLITE_READ_ONLY = "the SQLite file cannot be written"


def database() -> str | None:
    """The database answers a query on a real table (an empty, new SQLite file has none)."""
    from vision.models import MandatePeriod

    try:
        MandatePeriod.objects.exists()
    except DatabaseError:
        return "the database does not answer a query"
    return None


def sqlite() -> str | None:
    """On SQLite: the file is there and can be written (and its folder, for the journal)."""
    path = sqlite_file()
    if path is None:
        return None
    if not path.exists():
        return SQLITE_MISSING
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return SQLITE_READ_ONLY
    try:
        with connection.cursor() as cursor:
            # Changes no row, but SQLite refuses it on a file it opened read-only
            # (which os.access cannot see for root, nor for a read-only mount).
            cursor.execute("UPDATE django_migrations SET id = id WHERE 0 = 1")
    except DatabaseError:
        return SQLITE_READ_ONLY
    return None


def cache_answers() -> str | None:
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", 10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception:  # every cache backend raises its own kind (redis, memcached)
        return "the cache does not answer"
    return None if answered == "ok" else "the cache does not keep values"


def media_storage() -> str | None:
    try:
        if isinstance(default_storage, FileSystemStorage):
            # A missing folder is made by the first upload; one that exists must take files.
            location = default_storage.location
            if os.path.exists(location) and not (os.path.isdir(location) and os.access(location, os.W_OK)):
                return "the media folder cannot be written"
        else:
            default_storage.exists("healthz")
    except Exception:  # object storage clients raise their own kinds
        return "the media storage does not answer"
    return None


def run_checks() -> dict[str, str]:
    """Every failed check by name, with its reason; empty when all is well."""
    # The SQLite file first: querying a missing one would create it, empty.
    checks = {"sqlite": sqlite, "database": database, "cache": cache_answers, "media": media_storage}
    failed = {}
    for name, check in checks.items():
        if name == "database" and failed.get("sqlite") == SQLITE_MISSING:
            continue
        reason = check()
        if reason:
            failed[name] = reason
    return failed
