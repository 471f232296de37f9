from django.contrib import admin

from dialogue import permissions, services
from dialogue.admin.forms import WorkshopAdminForm
from dialogue.admin.history import RevertThroughServiceAdmin, historical_record
from dialogue.history import version_goals
from dialogue.models import Workshop


@admin.register(Workshop)
class WorkshopAdmin(RevertThroughServiceAdmin):
    form = WorkshopAdminForm
    list_display = ["unit", "held_on", "facilitator"]
    list_filter = ["unit", "held_on"]
    search_fields = ["important", "actions", "facilitator"]
    list_select_related = ["unit"]
    autocomplete_fields = ["goals"]
    readonly_fields = ["recorded_at", "recorded_by"]
    revert_check_service = staticmethod(services.workshop_revert_check)
    revert_service = staticmethod(services.workshop_revert)

    def get_queryset(self, request):
        units = permissions.units_for_workshops(request.user)
        return super().get_queryset(request).filter(unit__in=units.values("pk"))

    def _of_users_units(self, request, workshop) -> bool:
        # Object-level check as well as the filtered list: simple-history's
        # history pages fetch the object themselves and only ask these methods.
        if workshop is None:
            return True
        unit_ids = {workshop.unit_id}
        record = historical_record(workshop)
        if record is not None:
            # A version's page: the unit the workshop belongs to now counts as well as the version's.
            stored = Workshop.objects.filter(pk=record.id).values_list("unit_id", flat=True).first()
            if stored is not None:
                unit_ids.add(stored)
        return all(permissions.can_record_workshop(request.user, unit_id) for unit_id in unit_ids)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._of_users_units(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._of_users_units(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._of_users_units(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = permissions.units_for_workshops(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        record = historical_record(obj)
        if record is not None:
            # A version's page shows the goals of that version, not today's; the
            # read-only goals field reads them through the instance's goals manager.
            obj._prefetched_objects_cache = {"goals": version_goals(record)}
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        # The goals arrive with the form's many-to-many data; both are saved in save_related.
        pass

    def save_related(self, request, form, formsets, change):
        services.workshop_save(
            workshop=form.instance, goals=form.cleaned_data.get("goals", []), by=request.user
        )

    def delete_model(self, request, obj):
        services.workshop_delete(workshop=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for workshop in queryset:
            services.workshop_delete(workshop=workshop, by=request.user)
