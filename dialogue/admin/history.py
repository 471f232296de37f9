"""Simple-history's pages for the dialogue records, with "Revert" written through a service.

django-simple-history's revert page saves whatever form is posted with
save_model(), and asks the permission methods about the historical version
only, never about the object as it is stored now. Here the page shows the
version read-only, and "Revert" writes exactly that version through the
model's revert service, which checks the rights on the stored object and on
what the version would write back. Posted field values are ignored.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import HistoricalChanges
from simple_history.utils import get_history_model_for_model

from vision.actors import NotAllowed
from vision.history_admin import HistoryAdmin, require_number


def historical_record(obj) -> HistoricalChanges | None:
    """The historical record ``obj`` was built from, when the admin shows a version rather than the object."""
    return getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)


class RevertThroughServiceAdmin(HistoryAdmin):
    """History pages whose "Revert" goes through ``revert_service`` after ``revert_check_service``."""

    @staticmethod
    def revert_check_service(*, record: HistoricalChanges, by) -> object:
        raise NotImplementedError

    @staticmethod
    def revert_service(*, record: HistoricalChanges, by) -> object:
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if historical_record(obj) is None:
            return fields
        # The version is written back as recorded: nothing on its page is an input.
        return [*(name for name in self.form._meta.fields if name not in fields), *fields]

    def _record(self, object_id, version_id) -> HistoricalChanges:
        object_id = unquote(object_id)
        require_number(object_id)
        require_number(version_id)
        history_model = get_history_model_for_model(self.model)
        pk_name = self.model._meta.pk.attname
        record = history_model.objects.filter(**{pk_name: object_id, "history_id": version_id}).first()
        if record is None:
            raise Http404
        return record

    def _refusal(self, request, record) -> NotAllowed | ValidationError | None:
        try:
            self.revert_check_service(record=record, by=request.user)
        except (NotAllowed, ValidationError) as refusal:
            return refusal
        return None

    def _show(self, request, error: ValidationError, level: int) -> None:
        for message in error.messages:
            self.message_user(request, message, level)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        record = self._record(object_id, version_id)
        if not self.has_view_history_or_change_history_permission(request, record.instance):
            raise PermissionDenied
        refusal = self._refusal(request, record)
        if request.method == "POST":
            if isinstance(refusal, NotAllowed):
                raise refusal
            if refusal is not None:
                self._show(request, refusal, messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            try:
                obj = self.revert_service(record=record, by=request.user)
            except ValidationError as error:
                self._show(request, error, messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            when = date_format(timezone.localtime(record.history_date), "SHORT_DATETIME_FORMAT")
            self.log_change(request, obj, _("Reverted to the version of %(date)s.") % {"date": when})
            return self.response_change(request, obj)
        if isinstance(refusal, ValidationError):
            self._show(request, refusal, messages.WARNING)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        record = historical_record(obj)
        if record is not None and self._refusal(request, record) is not None:
            return True
        return super().revert_disabled(request, obj)
