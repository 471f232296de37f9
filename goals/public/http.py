"""How every public page and file is answered: switched by PUBLIC_SITE, open without sign-in,
in the language its URL names, from the cache, with Cache-Control and an ETag.

The language is chosen by the URL alone (``?lang=en``; Swedish without it), never by a
cookie, the session or Accept-Language: an anonymous reader gets no cookie, and one URL
always means one document, so a shared cache (nginx, a CDN) may keep it.

A response is kept in Django's cache under its path, the query parameters the view
reads, the language and a version (goals/cache.py's period versions, bumped by every
write to goals, their indicators, targets and measurements, by publishing a follow-up
round and by saving a unit or a period), so a burst of readers costs one rendering per
version, and an answer from the cache costs no query. Nothing here touches the session,
the user or the CSRF token (templates/public/ has no POST form), so no Set-Cookie and
no ``Vary: Cookie`` are sent.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from goals import cache as goal_cache

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
# How long a browser or a shared cache may reuse a page or file before asking again
# (with If-None-Match, answered 304 when nothing changed).
MAX_AGE = 300
# The headers of a built response that are kept with it in the cache.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Vary")


def site_is_on() -> bool:
    return bool(getattr(settings, "PUBLIC_SITE", False))


def reader_language(request) -> str:
    lang = request.GET.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def public_view(params: Iterable[str] = ()):
    """Make ``view`` a public page or file: 404 while the site is off, open to everyone, GET/HEAD only.

    ``params`` are the query parameters the view reads (besides ``lang``); the others
    are left out of the cache key, so made-up parameters cannot fill the cache.
    """
    params = tuple(params)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not site_is_on():
                raise Http404
            language = reader_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            request.public_params = [
                (name, value) for name in params for value in request.GET.getlist(name) if value != ""
            ]
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", language)
            return response

        return login_not_required(require_safe(wrapper))

    return decorate


def page_query(request, **changes) -> str:
    """The canonical query of this request (what the view reads and the language), changed by ``changes``.

    A value of None removes a parameter; ``lang`` is left out for Swedish.
    """
    kept = [(name, value) for name, value in request.public_params if name not in changes]
    for name, value in changes.items():
        if name != "lang" and value is not None:
            kept.extend((name, item) for item in (value if isinstance(value, list | tuple) else [value]))
    language = changes.get("lang", request.LANGUAGE_CODE)
    if language and language != DEFAULT_LANGUAGE:
        kept.append(("lang", language))
    return urlencode(kept)


def cached_response(
    request, version: str, build: Callable[[], HttpResponse], vary: tuple = ()
) -> HttpResponse:
    """``build()``'s response, kept in the cache under this request and ``version``, made conditional.

    Only a 200 is kept; anything else (404, a redirect) is answered as built.
    """
    key = (
        "public:"
        + hashlib.sha256(
            repr((request.path, sorted(request.public_params), request.LANGUAGE_CODE, version)).encode()
        ).hexdigest()
    )
    entry = cache.get(key)
    if entry is None:
        response = build()
        if response.status_code != 200:
            return _with_public_headers(response, vary)
        if hasattr(response, "render"):
            response.render()
        content = response.content
        entry = {
            "content": content,
            "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
            "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        }
        cache.set(key, entry, goal_cache.cache_seconds())
    response = HttpResponse(entry["content"], headers=entry["headers"])
    response["ETag"] = entry["etag"]
    response = _with_public_headers(response, vary)
    return get_conditional_response(request, etag=entry["etag"], response=response)


def _with_public_headers(response: HttpResponse, vary: tuple) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    if vary:
        patch_vary_headers(response, vary)
    return response
