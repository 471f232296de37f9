"""Rounds and assessments in the admin, every write through goals.followup.services.

Rounds: administrators only; opening (add), the dates, and the actions lock, reopen and
publish call the round services. A published round is read-only here as everywhere.
Assessments: administrators and editors of the goal's unit see them; they change only
while the round is open, through assessment_save with the version the form was loaded
with, so an admin save obeys the same conflict rule as the pages and the API. Reverting
from history is off: it would bypass the round's state.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from goals import permissions
from goals.followup import services
from goals.followup.models import Assessment, FollowUpRound
from goals.followup.services.assessments import may_assess
from vision.actors import NotAllowed, is_administrator
from vision.admin_refusals import message_of, shows_refusals
from vision.history_admin import ReadOnlyHistoryAdmin


def _run_action(modeladmin, request, queryset, service, done_message):
    done = 0
    for round_ in queryset:
        try:
            service(round=round_, by=request.user)
            done += 1
        except (NotAllowed, ValidationError) as refusal:
            modeladmin.message_user(request, f"{round_}: {message_of(refusal)}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


@admin.action(description=_("Lock the selected rounds"))
def lock_rounds(modeladmin, request, queryset):
    _run_action(modeladmin, request, queryset, services.round_lock, _("%(n)d round(s) locked."))


@admin.action(description=_("Open the selected locked rounds again"))
def reopen_rounds(modeladmin, request, queryset):
    _run_action(modeladmin, request, queryset, services.round_reopen, _("%(n)d round(s) opened again."))


@admin.action(description=_("Publish the selected rounds (final)"))
def publish_rounds(modeladmin, request, queryset):
    _run_action(modeladmin, request, queryset, services.round_publish, _("%(n)d round(s) published."))


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "period", "opens", "due", "state", "published_at"]
    list_filter = ["state", "kind", "period"]
    fields = ["period", "year", "kind", "opens", "due", "state", "published_at"]
    actions = [lock_rounds, reopen_rounds, publish_rounds]

    def _admin(self, request) -> bool:
        return is_administrator(request.user)

    def has_module_permission(self, request):
        return self._admin(request)

    def has_view_permission(self, request, obj=None):
        return self._admin(request)

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request) and not (obj is not None and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return False  # a round and its assessments are records; a published one is public

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("period").defer("snapshot")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["state", "published_at"]
        return ["period", "year", "kind", "state", "published_at"]

    @shows_refusals
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            services.round_change_dates(round=obj, opens=obj.opens, due=obj.due, by=request.user)
        else:
            created = services.round_open(
                period=obj.period, year=obj.year, kind=obj.kind, opens=obj.opens, due=obj.due, by=request.user
            )
            obj.pk, obj.state = created.pk, created.state


class AssessmentAdminForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Assessment
        fields = ["status", "analysis", "next_steps", "weight"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyHistoryAdmin):
    form = AssessmentAdminForm
    list_display = ["goal", "round", "status", "author", "updated_at"]
    list_filter = ["round", "status"]
    search_fields = ["goal__title"]
    list_select_related = ["goal", "round", "author"]
    fields = [
        "round",
        "goal",
        "status",
        "analysis",
        "next_steps",
        "weight",
        "author",
        "version",
        "loaded_version",
    ]
    readonly_fields = ["round", "goal", "author", "version"]

    def has_module_permission(self, request):
        return permissions.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_editor(request.user) and (obj is None or may_assess(request.user, obj.goal))

    def has_add_permission(self, request):
        return False  # assessments are written in "my follow-ups" and through the API

    def has_change_permission(self, request, obj=None):
        if not permissions.is_editor(request.user):
            return False
        return obj is None or (may_assess(request.user, obj.goal) and obj.round.is_open)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("round", "goal__owner", "author")
        units = permissions.editable_unit_ids(request.user)
        return queryset if units is None else queryset.filter(goal__owner_id__in=units)

    @shows_refusals
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        services.assessment_save(
            round=obj.round,
            goal=obj.goal,
            status=obj.status,
            analysis=obj.analysis,
            next_steps=obj.next_steps,
            weight=obj.weight,
            version=form.cleaned_data.get("loaded_version"),
            by=request.user,
        )
