from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from vision.models import MandatePeriod, Unit, UnitMembership

admin.site.site_header = _("Norrköping’s vision intranet: administration")
admin.site.site_title = _("Vision intranet")
admin.site.index_title = _("Goals, units and material")


@admin.register(MandatePeriod)
class MandatePeriodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "start", "end", "is_current"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [UnitMembershipInline]


@admin.register(UnitMembership)
class UnitMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
