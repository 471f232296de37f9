"""What every goal admin page does with a refusal from the services: show it, write nothing.

The forms check the rules and rights before saving, so a service refuses only
what changed in between (another editor's save, a withdrawn right). Such a
refusal rolls the request's writes back and comes to the user as a message on
the page they were on, never as a server error or a bare 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from goals.permissions import NotAllowed

REFUSALS = (NotAllowed, ValidationError)


def message_of(error: Exception) -> str:
    """A refusal as one line for the user."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def refused_back(request, error: Exception) -> HttpResponseRedirect:
    """Show the refusal on the page the request came from."""
    messages.error(request, message_of(error))
    return HttpResponseRedirect(request.get_full_path())


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's pages, with crafted ids answered 404 rather than failing in the query."""

    def history_view(self, request, object_id, extra_context=None):
        _require_number(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _require_number(object_id)
        _require_number(version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _require_number(value) -> None:
    if not str(value).isdigit():
        raise Http404
