"""simple-history's admin pages, hardened and readable for every app's admin.

simple-history reads the object before it asks any permission, so a crafted id
(`/admin/…/x/history/`) failed in the query with a server error; it answers 404.
Its list of changes showed raw values ("True → False", "unit", an id); it shows
them as the change form does (Ja/Nej, the level's name, the related object).
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


class ReadableChanges(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "–"
        if isinstance(field, models.BooleanField):
            return _("Yes") if value else _("No")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.ForeignKey) and not isinstance(value, models.Model):
            related = field.related_model._default_manager.filter(pk=value).first()
            return related if related is not None else value
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        require_number(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        require_number(object_id)
        require_number(version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            # The list prints the reason as it is: no reason read "None" on every row.
            if not record.history_change_reason:
                record.history_change_reason = "–"


MAX_ID = 2**63 - 1  # the largest id a database column holds; SQLite overflows past it (a 500)


class ReadOnlyHistoryAdmin(HistoryAdmin):
    """History to read, never to bring back: for records whose writes a revert would get around."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def is_id(value) -> bool:
    """Whether ``value`` can be a database id: digits only, and no larger than a column holds."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID


def require_number(value) -> None:
    """404 for an object or version id that is not a number, before any query reads it."""
    if not is_id(value):
        raise Http404
