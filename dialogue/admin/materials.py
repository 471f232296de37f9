from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dialogue import services
from dialogue.admin.forms import MaterialUploadForm
from dialogue.admin.media import MediaAdmin
from dialogue.models import Material


@admin.register(Material)
class MaterialAdmin(MediaAdmin):
    form = MaterialUploadForm
    list_display = [
        "title",
        "version",
        "kind",
        "size",
        "slide_count",
        "previews_status",
        "uploaded_at",
        "uploaded_by",
    ]
    list_filter = ["kind"]
    search_fields = ["title", "version", "outline_text"]
    list_select_related = ["uploaded_by"]
    readonly_fields = [
        "kind",
        "size",
        "sha256",
        "slide_count",
        "previews_status",
        "previews_error",
        "uploaded_at",
        "uploaded_by",
        "outline_display",
    ]
    revert_check_service = staticmethod(services.material_revert_check)
    revert_service = staticmethod(services.material_revert)

    def get_readonly_fields(self, request, obj=None):
        # A stored version never changes its bytes: upload a new version instead.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "file"] if obj is not None and "file" not in fields else fields

    @admin.display(description=_("outline"))
    def outline_display(self, material):
        return "\n".join(f"{slide['number']}. {slide['title']}" for slide in material.outline) or "–"

    def save_model(self, request, obj, form, change):
        if change:
            services.material_update(material=obj, title=obj.title, version=obj.version, by=request.user)
        else:
            services.material_upload(material=obj, facts=form.facts, by=request.user)

    def delete_model(self, request, obj):
        services.material_delete(material=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for material in queryset:
            services.material_delete(material=material, by=request.user)
