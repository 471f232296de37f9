from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vision.history_admin import HistoryAdmin
from vision.models import MandatePeriod, Unit, UnitMembership
from vision.services import editor_rights_sync

admin.site.site_header = _("Norrköping’s vision intranet: administration")
admin.site.site_title = _("Vision intranet")
admin.site.index_title = _("Goals, units and material")


@admin.register(MandatePeriod)
class MandatePeriodAdmin(HistoryAdmin):
    list_display = ["name", "slug", "start", "end", "is_current"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["name", "kind", "parent", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [UnitMembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not UnitMembership:
            return super().save_formset(request, form, formset, change)
        # Editors need staff status and the admin permissions as well as the membership.
        users = {membership.user for membership in formset.queryset.select_related("user")}
        super().save_formset(request, form, formset, change)
        users |= {membership.user for membership in formset.new_objects}
        users |= {membership.user for membership, _ in formset.changed_objects}
        for user in users:
            editor_rights_sync(user=user)


@admin.register(UnitMembership)
class UnitMembershipAdmin(HistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]

    # Editors need staff status and the admin permissions as well as the membership.
    def save_model(self, request, obj, form, change):
        before = UnitMembership.objects.select_related("user").filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        for user in {obj.user, before.user if before else obj.user}:
            editor_rights_sync(user=user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        editor_rights_sync(user=obj.user)

    def delete_queryset(self, request, queryset):
        users = {membership.user for membership in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            editor_rights_sync(user=user)
