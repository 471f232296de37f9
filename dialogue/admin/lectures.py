from django.contrib import admin

from dialogue import services
from dialogue.admin.forms import LectureForm
from dialogue.admin.media import MediaAdmin
from dialogue.models import Chapter, Lecture


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 1


@admin.register(Lecture)
class LectureAdmin(MediaAdmin):
    form = LectureForm
    inlines = [ChapterInline]
    list_display = ["title", "speaker", "given_on", "video_type", "size"]
    search_fields = ["title", "speaker", "description"]
    readonly_fields = ["video_type", "size", "sha256"]
    revert_check_service = staticmethod(services.lecture_revert_check)
    revert_service = staticmethod(services.lecture_revert)

    def save_model(self, request, obj, form, change):
        # The lecture and its chapters are one write: both are saved in save_related.
        pass

    def save_related(self, request, form, formsets, change):
        chapters, removed = [], []
        for formset in formsets:
            # Sets the formset's new, changed and deleted objects, which the change message reads.
            chapters += formset.save(commit=False)
            removed += formset.deleted_objects
        services.lecture_save(
            lecture=form.instance,
            chapters=chapters,
            removed_chapters=removed,
            video=form.video_facts,
            check_files=False,
            by=request.user,
        )

    def delete_model(self, request, obj):
        services.lecture_delete(lecture=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for lecture in queryset:
            services.lecture_delete(lecture=lecture, by=request.user)
