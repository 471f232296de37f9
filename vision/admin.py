"""The frame in the admin: mandate periods, units and memberships, written through vision.services.

The forms check the models' rules before anything is saved, so a service
refuses only what the form cannot see (a right withdrawn, a row deleted or
changed meanwhile). Such a refusal rolls the request's writes back and comes to
the user as a message on the page, never as a server error. simple-history's
revert form saves through save_model, so a revert is the same service call as
a save on the change form.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vision import services
from vision.actors import is_administrator
from vision.admin_display import UnitKindFilter, yes_no_icon
from vision.admin_refusals import REFUSALS, refused_back, shows_refusals
from vision.history_admin import HistoryAdmin
from vision.models import MandatePeriod, Unit, UnitMembership

admin.site.site_header = _("Norrköping’s vision intranet: administration")
admin.site.site_title = _("Vision intranet")
admin.site.index_title = _("Goals, units and material")


class FrameAdmin(HistoryAdmin):
    """Administrators write the frame; a user with a view permission reads it."""

    def has_add_permission(self, request):
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_delete_permission(request, obj)

    @shows_refusals
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSALS as refusal:
            opts = self.model._meta
            change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return refused_back(request, refusal, change_url)

    @shows_refusals
    def changelist_view(self, request, extra_context=None):
        # An action is all or nothing: the bulk delete logs every row before
        # delete_queryset deletes them, and a refusal half-way undoes both.
        with transaction.atomic():
            return super().changelist_view(request, extra_context)

    @shows_refusals
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and str(object_id).isdigit():
            # simple-history asks the rights about the version being brought back;
            # a revert changes the object as it is now, so its rights are asked here.
            current = self.get_object(request, object_id)
            if not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class MandatePeriodAdminForm(forms.ModelForm):
    class Meta:
        model = MandatePeriod
        fields = ["name", "slug", "start", "end", "is_current"]

    def _get_validation_exclusions(self):
        # "One current period" is kept by period_save, which un-marks the period
        # that was current when this one is made current: the form lets it through.
        return super()._get_validation_exclusions() | {"is_current"}


@admin.register(MandatePeriod)
class MandatePeriodAdmin(FrameAdmin):
    form = MandatePeriodAdminForm
    list_display = ["name", "slug", "start", "end", "current"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    @admin.display(description=_("current period"), ordering="is_current")
    def current(self, period):
        return yes_no_icon(period.is_current)

    def save_model(self, request, obj, form, change):
        services.period_save(by=request.user, period=obj)

    def delete_model(self, request, obj):
        services.period_delete(by=request.user, period=obj)


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["user"]

    def has_add_permission(self, request, obj):
        return is_administrator(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_delete_permission(request, obj)


@admin.register(Unit)
class UnitAdmin(FrameAdmin):
    list_display = ["name", "kind", "parent", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [UnitMembershipInline]

    def save_model(self, request, obj, form, change):
        services.unit_save(by=request.user, unit=obj)

    def delete_model(self, request, obj):
        services.unit_delete(by=request.user, unit=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not UnitMembership:
            return super().save_formset(request, form, formset, change)
        # Unsaved: fills new_objects, changed_objects and deleted_objects (the change message reads them).
        formset.save(commit=False)
        # Deletions first: a row removed and added again for the same user must not meet itself.
        for membership in formset.deleted_objects:
            services.membership_delete(by=request.user, membership=membership)
        for membership, _fields in formset.changed_objects:
            services.membership_save(by=request.user, membership=membership)
        for membership in formset.new_objects:
            services.membership_save(by=request.user, membership=membership)


@admin.register(UnitMembership)
class UnitMembershipAdmin(FrameAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", ("unit__kind", UnitKindFilter)]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]

    def save_model(self, request, obj, form, change):
        services.membership_save(by=request.user, membership=obj)

    def delete_model(self, request, obj):
        services.membership_delete(by=request.user, membership=obj)
