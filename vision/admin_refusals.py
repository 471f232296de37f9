"""What every admin page does with a refusal from the services: show it, write nothing.

The forms check the rules and rights before saving, so a service refuses only
what changed in between (another editor's save, a withdrawn right). Such a
refusal rolls the request's writes back and comes to the user as a message on
the page they were on, never as a server error or a bare 403.
"""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from vision.actors import NotAllowed

REFUSALS = (NotAllowed, ValidationError)


def message_of(error: Exception) -> str:
    """A refusal as one line for the user."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def refused_back(request, error: Exception, url: str | None = None) -> HttpResponseRedirect:
    """Show the refusal on ``url``, by default the page the request came from."""
    messages.error(request, message_of(error))
    return HttpResponseRedirect(url or request.get_full_path())


def shows_refusals(view):
    """Have an admin view answer a service's refusal with refused_back instead of an error page."""

    @functools.wraps(view)
    def wrapper(admin, request, *args, **kwargs):
        try:
            return view(admin, request, *args, **kwargs)
        except REFUSALS as refusal:
            return refused_back(request, refusal)

    return wrapper


def refused_page(model_admin, request, title: str, reason: str) -> TemplateResponse:
    """A whole admin page the user may not use: the reason and a way on, with the status 403."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "reason": reason,
    }
    return TemplateResponse(request, "admin/refused.html", context, status=403)
