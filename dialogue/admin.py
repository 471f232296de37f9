from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dialogue import services
from dialogue.forms import LectureForm, MaterialUploadForm, WorkshopAdminForm
from dialogue.models import Chapter, Lecture, Material, Workshop


@admin.register(Material)
class MaterialAdmin(SimpleHistoryAdmin):
    form = MaterialUploadForm
    list_display = ["title", "version", "kind", "size", "slide_count", "uploaded_at", "uploaded_by"]
    list_filter = ["kind"]
    search_fields = ["title", "version", "outline_text"]
    list_select_related = ["uploaded_by"]
    readonly_fields = [
        "kind",
        "size",
        "sha256",
        "slide_count",
        "uploaded_at",
        "uploaded_by",
        "outline_display",
    ]

    def get_readonly_fields(self, request, obj=None):
        # A stored version never changes its bytes: upload a new version instead.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "file"] if obj is not None else fields

    @admin.display(description=_("outline"))
    def outline_display(self, material):
        return "\n".join(f"{slide['number']}. {slide['title']}" for slide in material.outline) or "–"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        services.material_upload(material=obj, user=request.user, facts=form.facts)


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 1


@admin.register(Lecture)
class LectureAdmin(SimpleHistoryAdmin):
    form = LectureForm
    inlines = [ChapterInline]
    list_display = ["title", "speaker", "given_on", "video_type", "size"]
    search_fields = ["title", "speaker", "description"]
    readonly_fields = ["video_type", "size", "sha256"]

    def save_model(self, request, obj, form, change):
        services.lecture_save(lecture=obj, video=form.video_facts, check_files=False)


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    form = WorkshopAdminForm
    list_display = ["unit", "held_on", "facilitator"]
    list_filter = ["unit", "held_on"]
    search_fields = ["important", "actions", "facilitator"]
    list_select_related = ["unit"]
    autocomplete_fields = ["goals"]
    readonly_fields = ["recorded_at", "recorded_by"]

    def get_queryset(self, request):
        units = services.units_for_workshops(request.user)
        return super().get_queryset(request).filter(unit__in=units.values("pk"))

    def _of_users_unit(self, request, workshop) -> bool:
        # Object-level check as well as the filtered list: simple-history's
        # history pages fetch the object themselves and only ask these methods.
        return (
            workshop is None
            or services.units_for_workshops(request.user).filter(pk=workshop.unit_id).exists()
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._of_users_unit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._of_users_unit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._of_users_unit(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = services.units_for_workshops(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The goals arrive with the form's many-to-many data; both are saved in save_related.
        pass

    def save_related(self, request, form, formsets, change):
        services.workshop_save(
            workshop=form.instance, goals=form.cleaned_data.get("goals", []), user=request.user
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
