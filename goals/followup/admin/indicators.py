"""Indicators in the admin, with their targets and measurements as inlines, all written through
goals.followup.services. Rights follow the goal (goals.permissions): administrators, and editors of
the goal's unit, who need no model permissions of their own for it.

simple-history's revert form saves through save_model, so a revert is the same service
call as a save on the change form, judged on the indicator as stored and as it would be.
"""

from django.contrib import admin

from goals import permissions
from goals.followup import services
from goals.followup.choices import Source
from goals.followup.models import Indicator, Measurement, Target
from goals.models import Goal
from vision.admin_refusals import shows_refusals
from vision.history_admin import HistoryAdmin


class GoalRightsMixin:
    """Model-level rights from goals.permissions, object-level from the indicator's goal."""

    def _indicator_of(self, obj):
        return obj

    def has_module_permission(self, request):
        return permissions.is_editor(request.user)

    def _may(self, request, obj) -> bool:
        if not permissions.is_editor(request.user):
            return False
        indicator = self._indicator_of(obj)
        if indicator is None or indicator.goal_id is None:
            return True
        stored = Indicator.objects.filter(pk=indicator.pk).values_list("goal__owner_id", flat=True).first()
        units = permissions.editable_unit_ids(request.user)
        if units is None:
            return True
        owners = {Goal.objects.filter(pk=indicator.goal_id).values_list("owner_id", flat=True).first()}
        if stored is not None:
            owners.add(stored)
        return all(owner in units for owner in owners)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)


class TargetInline(GoalRightsMixin, admin.TabularInline):
    model = Target
    extra = 1
    fields = ["year", "value"]


class MeasurementInline(GoalRightsMixin, admin.TabularInline):
    model = Measurement
    extra = 1
    fields = ["period", "gender", "value", "comment", "status", "source", "recorded_at"]
    readonly_fields = ["status", "source", "recorded_at"]
    ordering = ["year", "position", "gender"]


@admin.register(Indicator)
class IndicatorAdmin(GoalRightsMixin, HistoryAdmin):
    list_display = ["title", "goal", "source", "kolada_kpi", "direction"]
    list_filter = ["source", "direction"]
    search_fields = ["title", "kolada_kpi", "goal__title"]
    list_select_related = ["goal"]
    autocomplete_fields = ["goal"]
    readonly_fields = ["kolada_title", "kolada_description", "kolada_synced_at"]
    fields = [
        "goal",
        "title",
        "description",
        "measure_unit",
        "direction",
        "near_margin",
        "source",
        "kolada_kpi",
        "gender",
        "baseline_year",
        "baseline_value",
        "kolada_title",
        "kolada_description",
        "kolada_synced_at",
    ]
    inlines = [TargetInline, MeasurementInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        units = permissions.editable_unit_ids(request.user)
        return queryset if units is None else queryset.filter(goal__owner_id__in=units)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "goal":
            kwargs["queryset"] = permissions.editable_goals(request.user, Goal.objects.active())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @shows_refusals
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @shows_refusals
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        services.indicator_save(indicator=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        indicator = form.instance
        for formset in formsets:
            rows = formset.save(commit=False)
            for row in formset.deleted_objects:
                if isinstance(row, Target):
                    services.target_delete(target=row, by=request.user)
                else:
                    services.measurement_delete(measurement=row, by=request.user)
            for row in rows:
                if isinstance(row, Target):
                    self._save_target(request, indicator, row)
                else:
                    self._save_measurement(request, indicator, row)

    def _save_target(self, request, indicator, row: Target) -> None:
        stored = Target.objects.filter(pk=row.pk).first() if row.pk else None
        if stored is not None and stored.year != row.year:
            services.target_delete(target=stored, by=request.user)
        services.target_set(indicator=indicator, year=row.year, value=row.value, by=request.user)

    def _save_measurement(self, request, indicator, row: Measurement) -> None:
        stored = Measurement.objects.filter(pk=row.pk).first() if row.pk else None
        if stored is not None and (stored.period, stored.gender) != (row.period, row.gender):
            services.measurement_delete(measurement=stored, by=request.user)
        services.measurement_record(
            indicator=indicator,
            period=row.period,
            gender=row.gender,
            value=row.value,
            comment=row.comment,
            # A value entered or corrected by hand is the editor's, whatever source it had.
            source=Source.MANUAL,
            by=request.user,
        )

    def delete_model(self, request, obj):
        services.indicator_delete(indicator=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for indicator in queryset:
            services.indicator_delete(indicator=indicator, by=request.user)
