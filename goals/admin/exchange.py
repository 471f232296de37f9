"""Export and import of goal files in the admin, as a mixin for GoalAdmin.

The same files and the same service as export_goals and import_goals. Export is
open to everyone who may view goals in the admin (decided goals are public
records); import rewrites goals of every unit and is for administrators only.
An uploaded file is read in memory and never stored, so a refused one leaves
nothing behind.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals import permissions
from goals.exchange import formats as exchange
from goals.services import goals_import
from vision.actors import NotAllowed
from vision.admin_refusals import REFUSALS, message_of, refused_page
from vision.models import MandatePeriod

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


class ExportForm(forms.Form):
    period = forms.ModelChoiceField(queryset=MandatePeriod.objects.all(), label=gettext_lazy("Period"))
    format = forms.ChoiceField(choices=[(f, f) for f in exchange.FORMATS], label=gettext_lazy("Format"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Goal file"),
        help_text=gettext_lazy("A .csv, .xlsx or .json file as the export writes."),
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Only check the file; write nothing")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class GoalExchangeAdminMixin:
    """Adds Export and Import pages (and links to them) to the goal admin."""

    exchange_change_list_template = "admin/goals/goal/exchange_change_list.html"

    def get_urls(self):
        own = [
            path("export/", self.admin_site.admin_view(self.export_view), name="goals_goal_export"),
            path("import/", self.admin_site.admin_view(self.import_view), name="goals_goal_import"),
        ]
        return [*own, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export_goals": self.has_view_permission(request),
            "can_import_goals": self.can_import_goals(request),
        }
        response = super().changelist_view(request, extra_context)
        # Extends whatever list template GoalAdmin uses; only adds two links.
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            response.context_data["exchange_base_template"] = response.template_name
            response.template_name = self.exchange_change_list_template
        return response

    def can_import_goals(self, request) -> bool:
        return permissions.can_import(request.user)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(
            request.GET or None, initial={"period": MandatePeriod.objects.current_first().first()}
        )
        if form.is_bound and form.is_valid():
            period, fmt = form.cleaned_data["period"], form.cleaned_data["format"]
            # Editors see only their units in the admin, and so in what they export from it.
            rows = exchange.export_rows(period, unit_ids=permissions.editable_unit_ids(request.user))
            data = exchange.write(rows, fmt)
            response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = content_disposition_header(True, f"goals-{period.slug}.{fmt}")
            return response
        return self._exchange_page(request, "admin/goals/goal/exchange_export.html", _("Export goals"), form)

    def import_view(self, request):
        try:
            permissions.check_may_import(request.user)
        except NotAllowed as refusal:
            return refused_page(self, request, _("Import goals"), str(refusal))
        form = ImportForm(request.POST or None, request.FILES or None)
        context = {}
        if request.method == "POST" and form.is_valid():
            upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
            try:
                rows = exchange.read(upload.read(), exchange.format_of(upload.name))
                result = goals_import(rows=rows, dry_run=dry_run, by=request.user)
            except exchange.FileRefused as refused:
                context["file_errors"] = refused.errors
                context["file_name"] = upload.name
            except REFUSALS as refusal:
                form.add_error(None, message_of(refusal))
            else:
                summary = _(
                    "%(name)s: %(created)d new, %(updated)d updated, %(moved)d moved, %(unchanged)d unchanged."
                ) % {
                    "name": upload.name,
                    "created": result.created,
                    "updated": result.updated,
                    "moved": result.moved,
                    "unchanged": result.unchanged,
                }
                if dry_run:
                    context["dry_run_summary"] = summary
                else:
                    self.message_user(
                        request, _("Imported %(summary)s") % {"summary": summary}, messages.SUCCESS
                    )
                    return HttpResponseRedirect(reverse("admin:goals_goal_changelist"))
        return self._exchange_page(
            request, "admin/goals/goal/exchange_import.html", _("Import goals"), form, **context
        )

    def _exchange_page(self, request, template, title, form, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "columns": exchange.COLUMNS,
            **context,
        }
        return TemplateResponse(request, template, context)
