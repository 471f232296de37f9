"""Database outages answer 503 with Retry-After on every page, never a 500.

When the database is gone (PostgreSQL refusing connections, the SQLite file moved
away or made read-only) the failure can surface anywhere: in a view, or in a
middleware that loads the session's user before any view runs. Django turns each
of those into a 500 inside the middleware chain, so this middleware, placed early,
learns of the error from ``got_request_exception`` and answers 503 instead.

SQLite creates an empty file when asked to open one that is missing, after which
every page fails with "no such table" and the data seems lost; so a missing file is
refused before anything connects.
"""

import html
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
# The health check names the failed check itself (and never opens a missing SQLite file).
HEALTHZ_PATH = "/healthz"
OUTAGE_ERRORS = (OperationalError, InterfaceError)
_FLAG = "_database_outage"


def retry_after_seconds() -> int:
    return int(getattr(settings, "OUTAGE_RETRY_AFTER_SECONDS", 30))


def sqlite_file(alias: str = DEFAULT_DB_ALIAS) -> Path | None:
    """The SQLite database file, or None for another database or an in-memory one."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if name.startswith("file:"):
        # A URI name (OPTIONS uri=True), e.g. file:/srv/vision.sqlite3?mode=rw
        name = unquote(urlsplit(name).path)
    return Path(name) if name else None


def sqlite_file_missing() -> bool:
    path = sqlite_file()
    return path is not None and not path.exists()


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def _note_outage(sender, request=None, **kwargs):
    """Mark the request whose handling raised a database error (the signal has no exception argument)."""
    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, _FLAG, True)


def outage_response(request) -> HttpResponse:
    message = _("The service is temporarily unavailable: its database does not answer. Try again in a while.")
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # Plain HTML without a template: the usual page frame reads the signed-in user.
        title = _("Temporarily unavailable")
        body = (
            f'<!doctype html><html lang="{html.escape(get_language() or settings.LANGUAGE_CODE)}">'
            f'<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
        )
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after_seconds())
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answer 503 with Retry-After, not 500, while the database is unreachable."""

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_outage, dispatch_uid="vision.outage")

    def __call__(self, request):
        if request.path != HEALTHZ_PATH and sqlite_file_missing():
            return outage_response(request)
        try:
            response = self.get_response(request)
        except OUTAGE_ERRORS:
            return outage_response(request)
        if response.status_code >= 500 and getattr(request, _FLAG, False):
            return outage_response(request)
        return response
