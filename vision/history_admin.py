"""simple-history's admin pages, hardened for every app's admin.

simple-history reads the object before it asks any permission, so a crafted id
(`/admin/…/x/history/`) failed in the query with a server error; it answers 404.
"""

from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        require_number(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        require_number(object_id)
        require_number(version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def require_number(value) -> None:
    """404 for an object or version id that is not a number, before any query reads it."""
    if not str(value).isdigit():
        raise Http404
