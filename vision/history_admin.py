"""simple-history's admin pages, hardened for every app's admin.

simple-history reads the object before it asks any permission, so a crafted id
(`/admin/…/x/history/`) failed in the query with a server error; it answers 404.
"""

from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
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
